import { EMPTY_DEVICE_STATE, recordAllocation, withDevices } from './allocation';
import { decodeCheckpoint, encodeCheckpoint, fnv1a32 } from './checkpoint';

const GPU = 'example.com/gpu';

describe('the device manager checkpoint', () => {
  const state = recordAllocation(withDevices(EMPTY_DEVICE_STATE, GPU, [{ ID: 'gpu-0', health: 'Healthy' }, { ID: 'gpu-1', health: 'Healthy' }]), {
    podUID: 'uid-a',
    containerName: 'c',
    resourceName: GPU,
    deviceIDs: ['gpu-1'],
    allocResp: { envs: { GPUS: 'gpu-1' } },
  });

  it("is written in the kubelet's layout", () => {
    expect(JSON.parse(encodeCheckpoint(state))).toEqual({
      Data: { PodDeviceEntries: [{ PodUID: 'uid-a', ContainerName: 'c', ResourceName: GPU, DeviceIDs: { '-1': ['gpu-1'] }, AllocResp: { envs: { GPUS: 'gpu-1' } } }], RegisteredDevices: { [GPU]: ['gpu-0', 'gpu-1'] } },
      Checksum: expect.any(Number),
    });
  });

  it('restores who holds what, with nothing healthy until the plugin registers again', () => {
    const restored = decodeCheckpoint(encodeCheckpoint(state));
    expect(restored.entries).toEqual(state.entries);
    expect(restored.registered).toEqual({ [GPU]: ['gpu-0', 'gpu-1'] });
    expect(restored.healthy).toEqual({ [GPU]: [] });
  });

  it('refuses a file whose data does not match its checksum', () => {
    const tampered = encodeCheckpoint(state).replace('gpu-1"]}', 'gpu-0"]}');
    expect(() => decodeCheckpoint(tampered)).toThrow(/checksum/);
  });

  it('uses FNV-1a (32 bit)', () => {
    expect([fnv1a32(''), fnv1a32('a'), fnv1a32('foobar')]).toEqual([0x811c9dc5, 0xe40c292c, 0xbf9cf968]);
  });
});
