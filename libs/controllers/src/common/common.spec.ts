import { NOW, pod } from './test-fixtures';
import { availableInMs, isPodAvailable } from './pods';
import { claimDecision } from './owner-references';
import { slowStartBatches } from './slow-start';
import { replicaSet } from './test-fixtures';

describe('slowStartBatches', () => {
  it.each([[0, []], [1, [1]], [3, [1, 2]], [10, [1, 2, 4, 3]], [500, [1, 2, 4, 8, 16, 32, 64, 128, 245]]])('%d creates → %p', (n, sizes) => {
    expect(slowStartBatches(n)).toEqual(sizes);
  });
});

describe('availability', () => {
  it('isAvailableOnlyStrictlyAfterMinReadySeconds', () => {
    const p = pod('a', { readySince: 30 });
    expect(isPodAvailable(p, 29, NOW)).toBe(true);
    expect(isPodAvailable(p, 30, NOW)).toBe(false);
    expect(availableInMs(p, 30, NOW)).toBe(1);
    expect(availableInMs(pod('b', { ready: false }), 30, NOW)).toBeUndefined();
  });
});

describe('claimDecision', () => {
  const rs = replicaSet('web', 1);
  it.each([
    ['owned and selected', pod('a'), true, 'claimed'],
    ['owned, no longer selected', pod('a'), false, 'release'],
    ['orphan, selected', pod('a', { owner: null }), true, 'adopt'],
    ['orphan, not selected', pod('a', { owner: null }), false, 'ignore'],
    ["another controller's", pod('a', { owner: 'other' }), true, 'ignore'],
    ['orphan being deleted', pod('a', { owner: null, deleting: true }), true, 'ignore'],
  ] as const)('%s → %s', (_, p, selected, decision) => {
    expect(claimDecision(p, rs, selected)).toBe(decision);
  });
});
