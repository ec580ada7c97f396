import { NodeName } from './node-name';
import { nodeOf, podOf, snapshotOf, verdicts } from './testing';

describe('NodeName filter', () => {
  const snapshot = snapshotOf([nodeOf('n1'), nodeOf('n2')]);
  it.each([
    { given: 'a pod naming n2', pod: podOf('p', { nodeName: 'n2' }), then: { n1: "UnschedulableAndUnresolvable: node(s) didn't match the requested node name", n2: 'Success' } },
    { given: 'a pod naming no node', pod: podOf('p'), then: { n1: 'Success', n2: 'Success' } },
  ])('given $given, then $then', ({ pod, then }) => {
    expect(verdicts(NodeName, pod, snapshot)).toEqual(then);
  });
});
