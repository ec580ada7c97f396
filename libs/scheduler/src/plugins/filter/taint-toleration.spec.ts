import type { Taint, Toleration } from '../../framework/types';
import { TaintToleration } from './taint-toleration';
import { toleratesTaint } from './tolerations';
import { nodeOf, podOf, snapshotOf, verdicts } from './testing';

const networkUnavailable: Taint = { key: 'node.kubernetes.io/network-unavailable', effect: 'NoSchedule' };

describe('toleratesTaint', () => {
  const gpu: Taint = { key: 'dedicated', value: 'gpu', effect: 'NoSchedule' };
  it.each<{ given: string; toleration: Toleration; taint: Taint; then: boolean }>([
    { given: 'Equal with the same key, value and effect', toleration: { key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' }, taint: gpu, then: true },
    { given: 'no operator (defaults to Equal) and the same value', toleration: { key: 'dedicated', value: 'gpu' }, taint: gpu, then: true },
    { given: 'Equal with another value', toleration: { key: 'dedicated', operator: 'Equal', value: 'cpu' }, taint: gpu, then: false },
    { given: 'Exists on the key, any value', toleration: { key: 'dedicated', operator: 'Exists' }, taint: gpu, then: true },
    { given: 'Exists with an empty key (tolerates everything)', toleration: { operator: 'Exists' }, taint: gpu, then: true },
    { given: 'Exists with an empty key but another effect', toleration: { operator: 'Exists', effect: 'NoExecute' }, taint: gpu, then: false },
    { given: 'another key', toleration: { key: 'other', operator: 'Exists' }, taint: gpu, then: false },
    { given: 'Equal with no value against a valueless taint', toleration: { key: 'node.kubernetes.io/network-unavailable', operator: 'Equal' }, taint: networkUnavailable, then: true },
    { given: 'Equal with a value against a valueless taint', toleration: { key: 'node.kubernetes.io/network-unavailable', operator: 'Equal', value: 'x' }, taint: networkUnavailable, then: false },
  ])('given a toleration with $given, then tolerated is $then', ({ toleration, taint, then }) => {
    expect(toleratesTaint(toleration, taint)).toBe(then);
  });
});

describe('TaintToleration filter', () => {
  const snapshot = snapshotOf([
    nodeOf('network-down', { taints: [networkUnavailable] }),
    nodeOf('gpu', { taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] }),
    nodeOf('soft', { taints: [{ key: 'spot', value: 'true', effect: 'PreferNoSchedule' }] }),
    nodeOf('draining', { taints: [{ key: 'maintenance', value: 'now', effect: 'NoExecute' }] }),
    nodeOf('clean'),
  ]);

  it('given a pod without tolerations, then each tainted node names its taint as Kubernetes 1.32 prints it and PreferNoSchedule is no bar', () => {
    expect(verdicts(TaintToleration, podOf('p'), snapshot)).toEqual({
      'network-down': 'UnschedulableAndUnresolvable: node(s) had untolerated taint {node.kubernetes.io/network-unavailable: }',
      gpu: 'UnschedulableAndUnresolvable: node(s) had untolerated taint {dedicated: gpu}',
      soft: 'Success',
      draining: 'UnschedulableAndUnresolvable: node(s) had untolerated taint {maintenance: now}',
      clean: 'Success',
    });
  });

  it('given a pod tolerating network-unavailable (as CNI DaemonSets do), then the network-down node fits', () => {
    const pod = podOf('cni', { tolerations: [{ key: 'node.kubernetes.io/network-unavailable', operator: 'Exists', effect: 'NoSchedule' }] });
    expect(verdicts(TaintToleration, pod, snapshot)['network-down']).toBe('Success');
  });

  it('given a node with two untolerated taints, then the first in node order is reported', () => {
    const node = nodeOf('two', { taints: [{ key: 'b', value: '2', effect: 'NoExecute' }, { key: 'a', value: '1', effect: 'NoSchedule' }] });
    expect(verdicts(TaintToleration, podOf('p'), snapshotOf([node]))).toEqual({ two: 'UnschedulableAndUnresolvable: node(s) had untolerated taint {b: 2}' });
  });
});
