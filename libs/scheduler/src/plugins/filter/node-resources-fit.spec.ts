import { NodeResourcesFit, isScalarResourceName } from './node-resources-fit';
import { nodeOf, podOf, snapshotOf, verdicts } from './testing';

const requesting = (name: string, requests: Record<string, string>, limits?: Record<string, string>) =>
  podOf(name, { containers: [{ name: 'c', image: 'busybox', resources: { requests, ...(limits ? { limits } : {}) } }] });

describe('NodeResourcesFit filter', () => {
  const existing = requesting('existing', { cpu: '3', memory: '6Gi', 'example.com/gpu': '1' });
  const node = (allocatable: Record<string, string>) => nodeOf('n1', { allocatable, pods: [existing] });
  const full = { cpu: '4', memory: '8Gi', pods: '110', 'example.com/gpu': '2', 'ephemeral-storage': '10Gi' };

  it.each([
    { given: 'requests that fit in what is left', node: full, pod: requesting('p', { cpu: '1', memory: '2Gi', 'example.com/gpu': '1' }), then: 'Success' },
    { given: 'a cpu request 1m over what is left', node: full, pod: requesting('p', { cpu: '1001m' }), then: 'Unschedulable: Insufficient cpu' },
    { given: 'cpu and memory both short', node: full, pod: requesting('p', { cpu: '2', memory: '3Gi' }), then: 'Unschedulable: Insufficient cpu, Insufficient memory' },
    { given: 'an extended resource short', node: full, pod: requesting('p', { 'example.com/gpu': '2' }), then: 'Unschedulable: Insufficient example.com/gpu' },
    { given: 'an extended resource the node lacks', node: { cpu: '4', memory: '8Gi', pods: '110' }, pod: requesting('p', { 'vendor.io/fpga': '1' }), then: 'UnschedulableAndUnresolvable: Insufficient vendor.io/fpga' },
    { given: 'more cpu than the whole node has', node: full, pod: requesting('p', { cpu: '5' }), then: 'UnschedulableAndUnresolvable: Insufficient cpu' },
    { given: 'ephemeral-storage short', node: full, pod: requesting('p', { 'ephemeral-storage': '11Gi' }), then: 'UnschedulableAndUnresolvable: Insufficient ephemeral-storage' },
    { given: 'huge limits but small requests (limits do not count)', node: full, pod: requesting('p', { cpu: '100m' }, { cpu: '64' }), then: 'Success' },
    { given: 'a node whose pod slots are all taken', node: { ...full, pods: '1' }, pod: requesting('p', {}), then: 'Unschedulable: Too many pods' },
    { given: 'no pod slots and not enough cpu', node: { ...full, pods: '1' }, pod: requesting('p', { cpu: '2' }), then: 'Unschedulable: Too many pods, Insufficient cpu' },
    { given: 'a request for an unprefixed unknown resource (not tracked)', node: full, pod: requesting('p', { widgets: '5' }), then: 'Success' },
  ])('given $given, then $then', ({ node: allocatable, pod, then }) => {
    const n = node(allocatable);
    expect(verdicts(NodeResourcesFit, pod, snapshotOf([n]))).toEqual({ n1: then });
  });

  it('given init containers, then the effective (max) request is what must fit', () => {
    const pod = podOf('p', { containers: [{ name: 'c', resources: { requests: { cpu: '100m' } } }], initContainers: [{ name: 'i', resources: { requests: { cpu: '1500m' } } }] });
    expect(verdicts(NodeResourcesFit, pod, snapshotOf([node(full)]))).toEqual({ n1: 'Unschedulable: Insufficient cpu' });
  });
});

describe('isScalarResourceName', () => {
  it.each([
    ['example.com/gpu', true],
    ['hugepages-2Mi', true],
    ['attachable-volumes-aws-ebs', true],
    ['foo.kubernetes.io/bar', true],
    ['requests.example.com/x', false],
    ['widgets', false],
    ['cpu', false],
  ])('given %s, then scalar is %s', (name, then) => {
    expect(isScalarResourceName(name)).toBe(then);
  });
});
