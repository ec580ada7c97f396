// The device manager and a plugin talking gRPC over unix sockets in a temporary directory:
// in-process and quick, no Docker or cluster needed.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { container, makePod } from '../testing';
import { devicePluginApi, unixAddress } from './api';
import { CHECKPOINT_FILE } from './checkpoint';
import { DeviceManager, isExtendedResourceName } from './manager';
import { serveDevicePlugin, type RunningDevicePlugin } from './plugin';

const GPU = 'example.com/gpu';
const until = async (f: () => boolean, ms = 5_000) => {
  const end = Date.now() + ms;
  while (!f()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe('DeviceManager with a plugin over gRPC', () => {
  let dir: string;
  let manager: DeviceManager;
  let plugin: RunningDevicePlugin | undefined;
  const allocated: string[][] = [];
  const startPlugin = async (ids = ['gpu-0', 'gpu-1']) => {
    plugin = await serveDevicePlugin({ dir, resourceName: GPU, endpoint: 'fake.sock', devices: ids.map((ID) => ({ ID, health: 'Healthy' })), allocate: (d) => (allocated.push([...d]), { envs: { GPUS: d.join(',') }, annotations: { 'example.com/ids': d.join(',') } }) });
  };
  const gpuPod = (uid: string, n: number) => makePod({ containers: [container('c', { resources: { limits: { [GPU]: String(n) } } })] }, { uid, name: uid });

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'keelson-devices-'));
    manager = new DeviceManager(dir);
    await manager.start();
  });
  afterEach(async () => {
    await plugin?.close();
    plugin = undefined;
    await manager.close();
    rmSync(dir, { recursive: true, force: true });
    allocated.length = 0;
  });

  it("advertises the plugin's healthy devices once it registers, and follows its updates", async () => {
    const changes: string[] = [];
    manager.onChange(() => changes.push(JSON.stringify(manager.resources().allocatable)));
    await startPlugin();
    await until(() => manager.resources().allocatable[GPU] === '2');
    expect(manager.resources()).toEqual({ capacity: { [GPU]: '2' }, allocatable: { [GPU]: '2' } });
    plugin!.setDevices([{ ID: 'gpu-0', health: 'Healthy' }, { ID: 'gpu-1', health: 'Unhealthy' }]);
    await until(() => manager.resources().allocatable[GPU] === '1');
    expect(changes).toEqual([`{"${GPU}":"2"}`, `{"${GPU}":"1"}`]);
  });

  it('allocates through the plugin, refuses what is not left, and frees a finished pod', async () => {
    await startPlugin();
    await until(() => manager.resources().allocatable[GPU] === '2');
    const options = await manager.allocate(gpuPod('a', 1), gpuPod('a', 1).spec!.containers[0]);
    expect(options).toMatchObject({ envs: { GPUS: 'gpu-0' }, annotations: { 'example.com/ids': 'gpu-0' } });
    await expect(manager.allocate(gpuPod('b', 2), gpuPod('b', 2).spec!.containers[0])).rejects.toThrow(`requested number of devices unavailable for ${GPU}. Requested: 2, Available: 1`);
    manager.release('a');
    await expect(manager.allocate(gpuPod('b', 2), gpuPod('b', 2).spec!.containers[0])).resolves.toMatchObject({ envs: { GPUS: 'gpu-0,gpu-1' } });
    expect(allocated).toEqual([['gpu-0'], ['gpu-0', 'gpu-1']]);
  });

  it('does nothing for a container that asks for no devices', async () => {
    await startPlugin();
    await until(() => manager.resources().allocatable[GPU] === '2');
    expect(await manager.allocate(makePod(), container('plain'))).toBeUndefined();
    expect(allocated).toEqual([]);
  });

  it('keeps allocations across a restart (the checkpoint), and the plugin registers with the new agent', async () => {
    await startPlugin();
    await until(() => manager.resources().allocatable[GPU] === '2');
    await manager.allocate(gpuPod('a', 1), gpuPod('a', 1).spec!.containers[0]);
    expect(JSON.parse(readFileSync(join(dir, CHECKPOINT_FILE), 'utf8')).Data.PodDeviceEntries).toHaveLength(1);
    await manager.close();

    manager = new DeviceManager(dir);
    await manager.start();
    expect(manager.resources()).toEqual({ capacity: { [GPU]: '2' }, allocatable: { [GPU]: '0' } });
    await until(() => manager.resources().allocatable[GPU] === '2');
    // The same container gets the same device (without a second Allocate); another pod gets the other one.
    expect(await manager.allocate(gpuPod('a', 1), gpuPod('a', 1).spec!.containers[0])).toMatchObject({ envs: { GPUS: 'gpu-0' } });
    expect(await manager.allocate(gpuPod('b', 1), gpuPod('b', 1).spec!.containers[0])).toMatchObject({ envs: { GPUS: 'gpu-1' } });
    expect(allocated).toEqual([['gpu-0'], ['gpu-1']]);
  });

  it('makes the devices unallocatable when the plugin stops', async () => {
    await startPlugin();
    await until(() => manager.resources().allocatable[GPU] === '2');
    await plugin!.close();
    plugin = undefined;
    await until(() => manager.resources().allocatable[GPU] === '0');
    expect(manager.resources().capacity[GPU]).toBe('2');
  });

  it('refuses a registration for another API version or a non-extended resource name', async () => {
    const client = new (devicePluginApi().Registration)(unixAddress(join(dir, 'kubelet.sock')), grpc.credentials.createInsecure()) as grpc.Client & Record<string, (...a: any[]) => any>;
    const register = (version: string, resource_name: string) => new Promise<string>((resolve) => client.Register({ version, endpoint: 'x.sock', resource_name }, (e: grpc.ServiceError | null) => resolve(e?.details ?? 'ok')));
    expect(await register('v1alpha', GPU)).toMatch(/version v1alpha is not supported/);
    expect(await register('v1beta1', 'cpu')).toMatch(/invalid resource name/);
    client.close();
  });
});

describe('isExtendedResourceName', () => {
  it.each([
    ['example.com/gpu', true],
    ['nvidia.com/gpu', true],
    ['cpu', false],
    ['kubernetes.io/gpu', false],
    ['requests.example.com/gpu', false],
  ])('%s → %s', (name, expected) => expect(isExtendedResourceName(name)).toBe(expected));
});
