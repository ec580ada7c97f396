import { planPodCIDRs, podCIDRPatch, reconcilePodCIDRs } from './reconcile-pod-cidrs';

describe('reconcilePodCIDRs', () => {
  it('given every node has a podCIDR then there is nothing to do', () => {
    expect(reconcilePodCIDRs([{ name: 'a', podCIDR: '10.244.0.0/24' }, { name: 'b', podCIDR: '10.244.1.0/24' }])).toEqual([]);
  });

  it('given new nodes then each gets its own free /24, around the ones taken', () => {
    const actions = reconcilePodCIDRs([{ name: 'a', podCIDR: '10.244.1.0/24' }, { name: 'b' }, { name: 'c' }]);
    expect(actions).toEqual([
      { patchNode: 'b', podCIDR: '10.244.0.0/24' },
      { patchNode: 'c', podCIDR: '10.244.2.0/24' },
    ]);
  });

  it('given the last allocation when a node joins then allocation continues after it', () => {
    expect(reconcilePodCIDRs([{ name: 'd' }], { after: '10.244.4.0/24' })).toEqual([{ patchNode: 'd', podCIDR: '10.244.5.0/24' }]);
  });

  it('given a node was deleted when a new one joins then the freed /24 is available again', () => {
    const before = [{ name: 'a', podCIDR: '10.244.0.0/24' }, { name: 'b', podCIDR: '10.244.1.0/24' }];
    const after = [before[1], { name: 'c' }];
    expect(reconcilePodCIDRs(after)).toEqual([{ patchNode: 'c', podCIDR: '10.244.0.0/24' }]);
  });

  it('given two nodes carrying the same /24 then the older keeps it and the younger is reported, not rewritten', () => {
    const plan = planPodCIDRs([{ name: 'old', podCIDR: '10.244.3.0/24' }, { name: 'young', podCIDR: '10.244.3.0/24' }, { name: 'new' }]);
    expect(plan.actions).toEqual([{ patchNode: 'new', podCIDR: '10.244.0.0/24' }]);
    expect(plan.problems).toEqual([expect.objectContaining({ node: 'young', reason: 'CIDRAlreadyAllocated', podCIDR: '10.244.3.0/24' })]);
  });

  it('given a podCIDR outside the cluster CIDR then it is reported as out of range', () => {
    expect(planPodCIDRs([{ name: 'x', podCIDR: '192.168.1.0/24' }]).problems).toEqual([expect.objectContaining({ node: 'x', reason: 'CIDROutOfRange' })]);
  });

  it('given a full range then the node without a podCIDR is reported CIDRNotAvailable', () => {
    const full = Array.from({ length: 256 }, (_, i) => ({ name: `n${i}`, podCIDR: `10.244.${i}.0/24` }));
    const plan = planPodCIDRs([...full, { name: 'late' }]);
    expect(plan.actions).toEqual([]);
    expect(plan.problems).toEqual([expect.objectContaining({ node: 'late', reason: 'CIDRNotAvailable' })]);
  });

  it('given an action then the patch sets podCIDR and podCIDRs', () => {
    expect(podCIDRPatch({ patchNode: 'a', podCIDR: '10.244.9.0/24' })).toEqual({ spec: { podCIDR: '10.244.9.0/24', podCIDRs: ['10.244.9.0/24'] } });
  });
});
