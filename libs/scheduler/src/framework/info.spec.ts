import type { KubeObject } from '@keelson/apimachinery';
import { computePodResourceRequest, nodeInfoOf, nodeNumbers, podInfoOf } from './info';

const container = (name: string, requests: Record<string, string>, extra: Record<string, unknown> = {}) => ({ name, image: 'busybox', resources: { requests }, ...extra });
const pod = (spec: Record<string, unknown>, meta: Record<string, unknown> = {}): KubeObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'prod', uid: 'u1', ...meta }, spec });

describe('computePodResourceRequest', () => {
  it.each([
    { given: 'no containers', spec: {}, then: {} },
    { given: 'two containers', spec: { containers: [container('a', { cpu: '100m', memory: '64Mi' }), container('b', { cpu: '0.2', memory: '1Gi' })] }, then: { cpu: 300, memory: 64 * 2 ** 20 + 2 ** 30 } },
    { given: 'limits only (no requests)', spec: { containers: [{ name: 'a', resources: { limits: { cpu: '1' } } }] }, then: {} },
    { given: 'an init container larger than the containers', spec: { containers: [container('a', { cpu: '100m' })], initContainers: [container('i', { cpu: '500m', memory: '1Mi' })] }, then: { cpu: 500, memory: 2 ** 20 } },
    { given: 'an init container smaller than the containers', spec: { containers: [container('a', { cpu: '1' })], initContainers: [container('i', { cpu: '500m' })] }, then: { cpu: 1000 } },
    {
      given: 'a sidecar then a plain init container (worked example in info.ts)',
      spec: { containers: [container('a', { cpu: '100m' }), container('b', { cpu: '200m' })], initContainers: [container('s', { cpu: '50m' }, { restartPolicy: 'Always' }), container('i', { cpu: '500m' })] },
      then: { cpu: 550 },
    },
    {
      given: 'a plain init container before a sidecar (the sidecar is not yet running beside it)',
      spec: { containers: [container('a', { cpu: '100m' })], initContainers: [container('i', { cpu: '120m' }), container('s', { cpu: '50m' }, { restartPolicy: 'Always' })] },
      then: { cpu: 150 },
    },
    { given: 'overhead', spec: { containers: [container('a', { cpu: '100m' })], overhead: { cpu: '10m', memory: '5Mi' } }, then: { cpu: 110, memory: 5 * 2 ** 20 } },
    { given: 'an extended resource', spec: { containers: [container('a', { 'example.com/gpu': '2' }), container('b', { 'example.com/gpu': '1' })] }, then: { 'example.com/gpu': 3 } },
  ])('given $given, then the effective request is $then', ({ spec, then }) => {
    expect(computePodResourceRequest(spec)).toEqual(then);
  });
});

const MI = 2 ** 20;

describe('nonZeroRequests (what scoring counts)', () => {
  it.each([
    { given: 'a container asking nothing', spec: { containers: [{ name: 'a' }] }, then: { cpu: 100, memory: 200 * MI } },
    { given: 'a container asking cpu only', spec: { containers: [container('a', { cpu: '250m' })] }, then: { cpu: 250, memory: 200 * MI } },
    { given: 'a container asking an explicit zero', spec: { containers: [container('a', { cpu: '0', memory: '0' })] }, then: { cpu: 0, memory: 0 } },
    { given: 'two containers, one asking nothing', spec: { containers: [container('a', { cpu: '1', memory: '1Gi' }), { name: 'b' }] }, then: { cpu: 1100, memory: 2 ** 30 + 200 * MI } },
    { given: 'overhead', spec: { containers: [{ name: 'a' }], overhead: { cpu: '10m', memory: '5Mi' } }, then: { cpu: 110, memory: 205 * MI } },
    { given: 'an init container asking nothing, larger by default than the container', spec: { containers: [container('a', { cpu: '50m', memory: '10Mi' })], initContainers: [{ name: 'i' }] }, then: { cpu: 100, memory: 200 * MI } },
  ])('given $given, then it counts $then', ({ spec, then }) => {
    expect(podInfoOf(pod(spec)).nonZeroRequests).toEqual(then);
  });
});

describe('nodeNumbers', () => {
  const node = (allocatable: Record<string, string>): KubeObject => ({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' }, spec: {}, status: { allocatable } });
  const on = (spec: Record<string, unknown>) => ({ ...podInfoOf(pod(spec)), nodeName: 'n1' });

  it('given a node with pods, then it has their requests, non-zero requests and count next to allocatable, its NoSchedule/NoExecute and its PreferNoSchedule taint counts', () => {
    const taints = [
      { key: 'a', effect: 'NoSchedule' },
      { key: 'b', effect: 'PreferNoSchedule' },
      { key: 'c', effect: 'NoExecute' },
    ];
    const info = nodeInfoOf({ ...node({ cpu: '4', memory: '8Gi', pods: '110', 'ephemeral-storage': '10G' }), spec: { taints } }, [on({ containers: [container('a', { cpu: '500m', 'ephemeral-storage': '1G' })] }), on({ containers: [{ name: 'b' }] })]);
    expect(nodeNumbers(info)).toEqual({
      allocatableCpu: 4000,
      allocatableMemory: 8 * 2 ** 30,
      allocatableEphemeralStorage: 10e9,
      allocatablePods: 110,
      requestedCpu: 500,
      requestedMemory: 0,
      requestedEphemeralStorage: 1e9,
      podCount: 2,
      nonZeroCpu: 600,
      nonZeroMemory: 400 * MI,
      doNotScheduleTaints: 2,
      preferNoScheduleTaints: 1,
    });
  });

  it('given a hand-made NodeInfo without numbers, then they are derived from its fields', () => {
    const { numbers, ...literal } = nodeInfoOf(node({ cpu: '2', pods: '10' }), [on({ containers: [container('a', { cpu: '1' })] })]);
    expect(nodeNumbers(literal)).toEqual(numbers);
  });
});

describe('podInfoOf', () => {
  it('given a pod, then it has its key, labels, priority, nodeName and counts as one pod', () => {
    const info = podInfoOf(pod({ containers: [container('a', { cpu: '250m' })], priority: 1000, nodeName: 'n1' }, { labels: { app: 'web' } }));
    expect(info).toMatchObject({ key: 'prod/web', uid: 'u1', namespace: 'prod', labels: { app: 'web' }, priority: 1000, nodeName: 'n1', requests: { cpu: 250, pods: 1 } });
  });

  it('given no priority and no nodeName, then priority is 0 and nodeName absent', () => {
    const info = podInfoOf(pod({ containers: [] }));
    expect(info.priority).toBe(0);
    expect(info.nodeName).toBeUndefined();
  });

  it('given container ports, then only those with a hostPort count, with TCP and 0.0.0.0 defaults', () => {
    const info = podInfoOf(pod({ containers: [{ name: 'a', ports: [{ containerPort: 80 }, { containerPort: 80, hostPort: 8080 }, { containerPort: 53, hostPort: 53, protocol: 'UDP', hostIP: '10.0.0.1' }] }] }));
    expect(info.hostPorts).toEqual([
      { protocol: 'TCP', hostIP: '0.0.0.0', port: 8080 },
      { protocol: 'UDP', hostIP: '10.0.0.1', port: 53 },
    ]);
  });
});

describe('nodeInfoOf', () => {
  const node: KubeObject = {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: 'n1', labels: { 'kubernetes.io/hostname': 'n1' } },
    spec: { unschedulable: true, taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] },
    status: { allocatable: { cpu: '4', memory: '8Gi', pods: '110', 'ephemeral-storage': '10G' }, images: [{ names: ['nginx:1.27', 'docker.io/library/nginx@sha256:abc'], sizeBytes: 70_000_000 }] },
  };

  it('given a node with two pods, then requested sums their requests and pod counts, and usedPorts collects their hostPorts', () => {
    const a = podInfoOf(pod({ containers: [{ ...container('a', { cpu: '1', memory: '1Gi' }), ports: [{ containerPort: 80, hostPort: 80 }] }] }, { name: 'a' }));
    const b = podInfoOf(pod({ containers: [container('b', { cpu: '500m' })] }, { name: 'b' }));
    const info = nodeInfoOf(node, [a, b]);
    expect(info.requested).toEqual({ cpu: 1500, memory: 2 ** 30, pods: 2 });
    expect(info.usedPorts).toEqual([{ protocol: 'TCP', hostIP: '0.0.0.0', port: 80 }]);
    expect(info.pods).toHaveLength(2);
  });

  it('given node status and spec, then allocatable is canonical and taints, unschedulable, labels and images are read', () => {
    const info = nodeInfoOf(node, []);
    expect(info).toMatchObject({ name: 'n1', unschedulable: true, labels: { 'kubernetes.io/hostname': 'n1' }, taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }], requested: {} });
    expect(info.allocatable).toEqual({ cpu: 4000, memory: 8 * 2 ** 30, pods: 110, 'ephemeral-storage': 10e9 });
    expect(info.images.get('nginx:1.27')).toBe(70_000_000);
    expect(info.images.size).toBe(2);
  });

  it('given a bare node, then it is schedulable with nothing allocatable', () => {
    const info = nodeInfoOf({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'bare' } }, []);
    expect(info).toMatchObject({ unschedulable: false, taints: [], allocatable: {}, labels: {} });
  });
});
