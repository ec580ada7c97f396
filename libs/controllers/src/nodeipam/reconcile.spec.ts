import { podCIDRRange } from '@keelson/overlay';
import type { Node } from '../nodelifecycle/types';
import { reconcileNodeCIDR } from './reconcile';

const node = (name: string, podCIDR?: string, extra: { created?: string; deleting?: boolean } = {}): Node => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name, uid: `uid-${name}`, resourceVersion: '7', creationTimestamp: extra.created ?? '2025-01-01T00:00:00Z', ...(extra.deleting ? { deletionTimestamp: '2025-01-01T01:00:00Z' } : {}) },
  spec: podCIDR ? { podCIDR, podCIDRs: [podCIDR] } : {},
});

describe('nodeipam: a /24 of 10.244.0.0/16 for every Node', () => {
  it('nothing to do: a Node that has its podCIDR keeps it', () => {
    const n1 = node('n1', '10.244.0.0/24');
    expect(reconcileNodeCIDR(n1, { nodes: [n1, node('n2', '10.244.1.0/24')] })).toEqual([]);
  });

  it('given a new Node, then it gets the first free /24, conditional on its resourceVersion', () => {
    const n3 = node('n3');
    expect(reconcileNodeCIDR(n3, { nodes: [node('n1', '10.244.0.0/24'), node('n2', '10.244.1.0/24'), n3] })).toEqual([
      { type: 'allocatePodCIDR', name: 'n3', resourceVersion: '7', podCIDR: '10.244.2.0/24' },
    ]);
  });

  it('given an allocation still in flight (not back in the cache), then the next Node never gets the same /24', () => {
    const [a, b] = [node('a'), node('b')];
    const first = reconcileNodeCIDR(a, { nodes: [a, b] });
    expect(first).toEqual([expect.objectContaining({ podCIDR: '10.244.0.0/24' })]);
    const second = reconcileNodeCIDR(b, { nodes: [a, b], pending: new Map([['a', '10.244.0.0/24']]), after: '10.244.0.0/24' });
    expect(second).toEqual([expect.objectContaining({ name: 'b', podCIDR: '10.244.1.0/24' })]);
  });

  it('given a Node that is gone, then its /24 is free again, but only after the range comes round', () => {
    const n3 = node('n3');
    // n2 (10.244.1.0/24) was deleted; the last one handed out was 10.244.2.0/24.
    expect(reconcileNodeCIDR(n3, { nodes: [node('n1', '10.244.0.0/24'), n3], after: '10.244.2.0/24' })).toEqual([expect.objectContaining({ podCIDR: '10.244.3.0/24' })]);
    const small = podCIDRRange('10.244.0.0/22', 24); // four /24s: .0, .1, .2, .3
    expect(reconcileNodeCIDR(n3, { nodes: [node('n1', '10.244.0.0/24'), n3], after: '10.244.3.0/24' }, { range: small })).toEqual([expect.objectContaining({ podCIDR: '10.244.1.0/24' })]);
  });

  it('given the range is full, then the Node gets a CIDRNotAvailable event and no patch', () => {
    const small = podCIDRRange('10.244.0.0/23', 24);
    const n3 = node('n3');
    expect(reconcileNodeCIDR(n3, { nodes: [node('n1', '10.244.0.0/24'), node('n2', '10.244.1.0/24'), n3] }, { range: small })).toEqual([
      { type: 'reportProblem', name: 'n3', uid: 'uid-n3', reason: 'CIDRNotAvailable', message: expect.stringContaining('10.244.0.0/23') },
    ]);
  });

  it('given two Nodes claiming one /24, then the younger one is reported and the older is left alone', () => {
    const older = node('old', '10.244.5.0/24', { created: '2025-01-01T00:00:00Z' });
    const younger = node('young', '10.244.5.0/24', { created: '2025-01-02T00:00:00Z' });
    expect(reconcileNodeCIDR(older, { nodes: [younger, older] })).toEqual([]);
    expect(reconcileNodeCIDR(younger, { nodes: [younger, older] })).toEqual([expect.objectContaining({ type: 'reportProblem', reason: 'CIDRAlreadyAllocated' })]);
  });

  it('given a Node being deleted, then nothing is allocated for it', () => {
    const n = node('n', undefined, { deleting: true });
    expect(reconcileNodeCIDR(n, { nodes: [n] })).toEqual([]);
  });
});
