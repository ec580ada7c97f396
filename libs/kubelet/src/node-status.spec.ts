import { defaultPodCIDR, goArch, leaseObject, nodeAllocatable, nodeCapacity, nodeConditions, nodeObject, nodeStatusChanged, parseReserved, type MachineFacts } from './node-status';

const GiB = 1024 ** 3;
const machine: MachineFacts = { cpus: 2, memoryBytes: 24 * GiB, ephemeralStorageBytes: 100 * GiB, arch: 'x64', kernelVersion: '6.1.0', osImage: 'Debian GNU/Linux 12 (bookworm)', containerRuntimeVersion: 'docker://20.10.24' };
const config = { name: 'keelson-node-1', hostname: 'keelson-node-1', address: '172.31.0.1', kubeletPort: 10250, reserved: {} };
const T = Date.parse('2024-05-01T10:00:00Z');

describe('node registration', () => {
  it('given a 2-CPU 24Gi machine, when nothing is reserved, then allocatable equals capacity with 110 pods', () => {
    const capacity = nodeCapacity(machine);
    expect(capacity).toEqual({ cpu: '2', memory: `${24 * 1024 * 1024}Ki`, pods: '110', 'ephemeral-storage': `${100 * 1024 * 1024}Ki` });
    expect(nodeAllocatable(capacity, {})).toEqual(capacity);
  });

  it('given --reserved cpu=100m,memory=512Mi, then allocatable is capacity minus it (1900m, 23.5Gi)', () => {
    const allocatable = nodeAllocatable(nodeCapacity(machine), parseReserved('cpu=100m, memory=512Mi'));
    expect(allocatable.cpu).toBe('1900m');
    expect(allocatable.memory).toBe(`${(24 * 1024 - 512) * 1024}Ki`);
    expect(allocatable.pods).toBe('110');
  });

  it.each([['cpu'], ['cpu=lots'], ['=1']])('rejects the reserved setting %p', (spec) => {
    expect(() => parseReserved(spec)).toThrow();
  });

  it('labels the node with hostname, os and Go arch, and publishes addresses, kubelet port and podCIDR', () => {
    const node = nodeObject({ ...config, podCIDR: '10.244.1.0/24' }, machine, [{ names: ['busybox:latest'], sizeBytes: 2e6 }, { names: [], sizeBytes: 9e9 }], T);
    expect(node.metadata.labels).toMatchObject({ 'kubernetes.io/hostname': 'keelson-node-1', 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64' });
    expect(node.spec).toEqual({ podCIDR: '10.244.1.0/24', podCIDRs: ['10.244.1.0/24'] });
    expect(node.status.addresses).toEqual([{ type: 'InternalIP', address: '172.31.0.1' }, { type: 'Hostname', address: 'keelson-node-1' }]);
    expect(node.status.daemonEndpoints).toEqual({ kubeletEndpoint: { Port: 10250 } });
    expect(node.status.images).toEqual([{ names: ['busybox:latest'], sizeBytes: 2e6 }]);
    expect(node.status.conditions.find((c) => c.type === 'Ready')).toMatchObject({ status: 'True', reason: 'KubeletReady', lastHeartbeatTime: '2024-05-01T10:00:00Z' });
  });

  it('moves the heartbeat but keeps the transition time while a condition holds', () => {
    const first = nodeConditions(T);
    const later = nodeConditions(T + 60_000, first);
    const ready = later.find((c) => c.type === 'Ready')!;
    expect(ready.lastHeartbeatTime).toBe('2024-05-01T10:01:00Z');
    expect(ready.lastTransitionTime).toBe('2024-05-01T10:00:00Z');
    expect(nodeConditions(T + 60_000, first, true).find((c) => c.type === 'MemoryPressure')).toMatchObject({ status: 'True', lastTransitionTime: '2024-05-01T10:01:00Z' });
  });

  it('does not count a heartbeat alone as a status change, but a new image does', () => {
    const a = nodeObject(config, machine, [], T).status;
    const b = nodeObject(config, machine, [], T + 10_000, a.conditions).status;
    expect(nodeStatusChanged(a, b)).toBe(false);
    expect(nodeStatusChanged(a, nodeObject(config, machine, [{ names: ['x'], sizeBytes: 1 }], T + 10_000, a.conditions).status)).toBe(true);
  });

  it('renews a lease owned by the node, in MicroTime', () => {
    const lease = leaseObject('keelson-node-1', 'uid-1', T);
    expect(lease.metadata).toMatchObject({ namespace: 'kube-node-lease', ownerReferences: [{ kind: 'Node', name: 'keelson-node-1', uid: 'uid-1' }] });
    expect(lease.spec).toEqual({ holderIdentity: 'keelson-node-1', leaseDurationSeconds: 40, renewTime: '2024-05-01T10:00:00.000000Z' });
  });

  it('gives node N the /24 10.244.N.0 and maps Node arch names to Go ones', () => {
    expect(defaultPodCIDR(2)).toBe('10.244.2.0/24');
    expect(() => defaultPodCIDR(256)).toThrow();
    expect([goArch('x64'), goArch('arm64'), goArch('riscv64')]).toEqual(['amd64', 'arm64', 'riscv64']);
  });
});
