import { snapshotOf } from '../cache/snapshot';
import { findPreemption } from './find-preemption';
import { addNominatedPods, lowerPriorityNominatedPods, nominatedPodsByNode, runFiltersWithNominatedPods } from './nominated';
import { disruptionsAllowed, scaledValue, splitByPdbViolation } from './pdb';
import { FILTERS, node, pdb, pod } from './testing';

describe('nominated pods', () => {
  const n1 = node('n1', 2);
  const nominatedHigh = pod('preemptor', { cpu: 2, priority: 100, nominatedNodeName: 'n1' });

  it('a node is seen with the pods nominated to it of equal or higher priority', () => {
    const seen = addNominatedPods(pod('other', { priority: 100 }), n1, [nominatedHigh]);
    expect(seen.pods.map((p) => p.key)).toEqual(['default/preemptor']);
    expect(seen.requested.cpu).toBe(2000);
    expect(n1.pods).toEqual([]); // the original is untouched
  });

  it.each([
    ['lower-priority nominated pods are not counted', pod('other', { priority: 500 }), [nominatedHigh]],
    ['the pod is not counted against itself', nominatedHigh, [nominatedHigh]],
    ['pods nominated elsewhere are not counted', pod('other'), [pod('x', { priority: 100, nominatedNodeName: 'n2' })]],
    ['nothing nominated', pod('other'), []],
  ])('%s: the node is unchanged', (_case, incoming, nominated) => {
    expect(addNominatedPods(incoming, n1, nominated)).toBe(n1);
  });

  it('a lower-priority pod may not take the room a preemptor was promised', () => {
    expect(runFiltersWithNominatedPods(pod('late', { cpu: 1, priority: 10 }), n1, snapshotOf([n1]), FILTERS, [nominatedHigh]).code).toBe('Unschedulable');
    expect(runFiltersWithNominatedPods(pod('late', { cpu: 1, priority: 10 }), n1, snapshotOf([n1]), FILTERS, []).code).toBe('Success');
  });

  it('preemption counts nominated pods too: room already promised is not enough', () => {
    const n = node('n1', 3, [pod('low', { cpu: 1 })]);
    const promised = pod('first', { cpu: 2, priority: 200, nominatedNodeName: 'n1' });
    const result = findPreemption(pod('second', { cpu: 2, priority: 100 }), snapshotOf([n]), FILTERS, [], { nominatedPods: [promised] });
    expect(result).toBeNull();
  });

  it('groups pending pods by nominated node and finds the lower-priority ones a preemption voids', () => {
    const low = pod('low', { priority: 1, nominatedNodeName: 'n1' });
    expect([...nominatedPodsByNode([nominatedHigh, low, pod('none')]).keys()]).toEqual(['n1']);
    expect(lowerPriorityNominatedPods(pod('vip', { priority: 50 }), 'n1', [nominatedHigh, low])).toEqual([low]);
  });
});

describe('PodDisruptionBudget arithmetic', () => {
  it.each([
    [2, 5, 2],
    ['50%', 5, 3],
    ['30%', 5, 2],
    [undefined, 5, undefined],
  ])('scaledValue(%p of %i) = %p', (v, total, expected) => {
    expect(scaledValue(v, total)).toBe(expected);
  });

  const fivePods = snapshotOf([node('n1', 10, Array.from({ length: 5 }, (_, i) => pod(`db-${i}`, { labels: { app: 'db' } })))]);
  it.each([
    ['status.disruptionsAllowed wins', { disruptionsAllowed: 4, minAvailable: 5 }, 4],
    ['minAvailable 3 of 5', { minAvailable: 3 }, 2],
    ['minAvailable "50%" of 5', { minAvailable: '50%' }, 2],
    ['maxUnavailable 1', { maxUnavailable: 1 }, 1],
    ['maxUnavailable "30%" of 5', { maxUnavailable: '30%' }, 2],
    ['minAvailable above the pod count', { minAvailable: 9 }, 0],
  ])('%s → %i disruptions allowed', (_case, spec, expected) => {
    expect(disruptionsAllowed(pdb('db', { app: 'db' }, spec), fivePods)).toBe(expected);
  });

  it('spends the allowance pod by pod; unlabelled, other-namespace and empty-selector cases are unprotected', () => {
    const pods = [pod('a', { labels: { app: 'db' } }), pod('b', { labels: { app: 'db' } }), pod('c'), pod('d', { labels: { app: 'web' } })];
    const budgets = [pdb('db', { app: 'db' }, { disruptionsAllowed: 1 }), pdb('all', {}, { disruptionsAllowed: 0 })];
    const { violating, nonViolating } = splitByPdbViolation(pods, budgets, snapshotOf([]));
    expect(violating.map((p) => p.key)).toEqual(['default/b']);
    expect(nonViolating.map((p) => p.key)).toEqual(['default/a', 'default/c', 'default/d']);
  });
});
