import { container } from '../testing';
import {
  deviceRequests, devicesToAllocate, EMPTY_DEVICE_STATE, initContainerDevices, mergeAllocateResponses, nodeDeviceResources, pluginGone, recordAllocation, releasePodDevices, retainPodDevices, withDevices,
  type DeviceState,
} from './allocation';

const GPU = 'example.com/gpu';
const gpus = (healthy: string[], unhealthy: string[] = []) => withDevices(EMPTY_DEVICE_STATE, GPU, [...healthy.map((ID) => ({ ID, health: 'Healthy' })), ...unhealthy.map((ID) => ({ ID, health: 'Unhealthy' }))]);
const hold = (state: DeviceState, podUID: string, containerName: string, deviceIDs: string[]) => recordAllocation(state, { podUID, containerName, resourceName: GPU, deviceIDs });

describe('what the node advertises', () => {
  it('counts every reported device in capacity and only the healthy ones in allocatable', () => {
    expect(nodeDeviceResources(gpus(['gpu-0', 'gpu-1'], ['gpu-2']))).toEqual({ capacity: { [GPU]: '3' }, allocatable: { [GPU]: '2' } });
  });

  it('keeps the capacity but nothing allocatable when the plugin goes away', () => {
    expect(nodeDeviceResources(pluginGone(gpus(['gpu-0', 'gpu-1']), GPU))).toEqual({ capacity: { [GPU]: '2' }, allocatable: { [GPU]: '0' } });
  });

  it('advertises nothing before any plugin registered', () => {
    expect(nodeDeviceResources(EMPTY_DEVICE_STATE)).toEqual({ capacity: {}, allocatable: {} });
  });
});

describe('deviceRequests', () => {
  it('reads the plugin resources from the limits and ignores the rest', () => {
    const c = container('c', { resources: { limits: { [GPU]: '2', cpu: '1', 'other.example/fpga': '1' } } });
    expect(deviceRequests(gpus(['gpu-0']), c)).toEqual({ [GPU]: 2 });
  });

  it('asks for nothing when the container names no plugin resource', () => {
    expect(deviceRequests(gpus(['gpu-0']), container('c', { resources: { requests: { cpu: '1' } } }))).toEqual({});
  });
});

describe('devicesToAllocate', () => {
  it('takes free healthy devices in the plugin order', () => {
    expect(devicesToAllocate(gpus(['gpu-0', 'gpu-1', 'gpu-2']), 'a', 'c', GPU, 2)).toEqual({ ok: true, deviceIDs: ['gpu-0', 'gpu-1'], reused: false });
  });

  it('never hands out a device another container holds, nor an unhealthy one', () => {
    const state = hold(gpus(['gpu-0', 'gpu-1'], ['gpu-2']), 'a', 'c', ['gpu-0']);
    expect(devicesToAllocate(state, 'b', 'c', GPU, 1)).toEqual({ ok: true, deviceIDs: ['gpu-1'], reused: false });
    expect(devicesToAllocate(state, 'b', 'c', GPU, 2)).toEqual({ ok: false, message: `requested number of devices unavailable for ${GPU}. Requested: 2, Available: 1` });
  });

  it('gives a container that already holds devices the same ones again (a restart of it or of the agent)', () => {
    const state = hold(gpus(['gpu-0', 'gpu-1']), 'a', 'c', ['gpu-1']);
    expect(devicesToAllocate(state, 'a', 'c', GPU, 1)).toEqual({ ok: true, deviceIDs: ['gpu-1'], reused: true });
  });

  it('refuses when the plugin has no healthy device', () => {
    expect(devicesToAllocate(pluginGone(gpus(['gpu-0']), GPU), 'a', 'c', GPU, 1)).toMatchObject({ ok: false, message: expect.stringContaining('no healthy devices') });
  });

  it("hands the pod's init container devices on to its app containers first", () => {
    const state = hold(gpus(['gpu-0', 'gpu-1']), 'a', 'init', ['gpu-1']);
    const reusable = initContainerDevices(state, 'a', ['init'], GPU);
    expect(devicesToAllocate(state, 'a', 'app', GPU, 1, reusable)).toEqual({ ok: true, deviceIDs: ['gpu-1'], reused: false });
    expect(devicesToAllocate(state, 'b', 'app', GPU, 2)).toMatchObject({ ok: false });
  });
});

describe('releasing', () => {
  const state = hold(hold(gpus(['gpu-0', 'gpu-1']), 'a', 'c', ['gpu-0']), 'b', 'c', ['gpu-1']);

  it("frees a finished pod's devices for the next pod", () => {
    expect(devicesToAllocate(releasePodDevices(state, 'a'), 'c', 'c', GPU, 1)).toEqual({ ok: true, deviceIDs: ['gpu-0'], reused: false });
  });

  it('keeps only the pods still on the node', () => {
    expect(retainPodDevices(state, new Set(['b'])).entries.map((e) => e.podUID)).toEqual(['b']);
  });

  it('changes nothing when the pod held nothing', () => {
    expect(releasePodDevices(state, 'zzz')).toBe(state);
    expect(retainPodDevices(state, new Set(['a', 'b']))).toBe(state);
  });
});

describe('mergeAllocateResponses', () => {
  it("puts every plugin's envs, mounts, device nodes and annotations together", () => {
    const merged = mergeAllocateResponses([
      { envs: { GPUS: 'gpu-0' }, mounts: [{ host_path: '/opt/gpu', container_path: '/usr/local/gpu', read_only: true }], devices: [{ host_path: '/dev/gpu0', container_path: '/dev/gpu0', permissions: 'rw' }], annotations: { 'gpu/ids': 'gpu-0' } },
      { envs: { FPGA: 'f-1' }, devices: [{ host_path: '/dev/fpga1', container_path: '/dev/fpga1', permissions: '' }] },
    ]);
    expect(merged).toEqual({
      envs: { GPUS: 'gpu-0', FPGA: 'f-1' },
      mounts: [{ hostPath: '/opt/gpu', containerPath: '/usr/local/gpu', readOnly: true }],
      devices: [
        { hostPath: '/dev/gpu0', containerPath: '/dev/gpu0', permissions: 'rw' },
        { hostPath: '/dev/fpga1', containerPath: '/dev/fpga1', permissions: 'rwm' },
      ],
      annotations: { 'gpu/ids': 'gpu-0' },
    });
  });
});
