import { NodeUnschedulable } from './node-unschedulable';
import { nodeOf, podOf, snapshotOf, verdicts } from './testing';

describe('NodeUnschedulable filter', () => {
  const snapshot = snapshotOf([nodeOf('cordoned', { unschedulable: true }), nodeOf('open')]);
  it.each([
    { given: 'no tolerations', tolerations: [], cordoned: 'UnschedulableAndUnresolvable: node(s) were unschedulable' },
    { given: 'the unschedulable:NoSchedule toleration', tolerations: [{ key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' }], cordoned: 'Success' },
    { given: 'a tolerate-everything toleration', tolerations: [{ operator: 'Exists' }], cordoned: 'Success' },
    { given: 'the toleration for NoExecute only', tolerations: [{ key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoExecute' }], cordoned: 'UnschedulableAndUnresolvable: node(s) were unschedulable' },
  ])('given a pod with $given, then the cordoned node says $cordoned and the open one passes', ({ tolerations, cordoned }) => {
    expect(verdicts(NodeUnschedulable, podOf('p', { tolerations }), snapshot)).toEqual({ cordoned, open: 'Success' });
  });
});
