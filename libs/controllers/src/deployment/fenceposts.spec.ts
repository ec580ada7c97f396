import { deployment, replicaSet } from '../common/test-fixtures';
import { maxUnavailable, newRSNewReplicas, resolveFenceposts, scaledValue } from './fenceposts';

describe('resolveFenceposts (Kubernetes TestResolveFenceposts)', () => {
  it.each([
    ['39%', '39%', 10, 4, 3],
    [undefined, '39%', 10, 0, 3],
    ['39%', undefined, 10, 4, 0],
    [undefined, undefined, 10, 0, 1],
    // the seed's 25 %/25 % on 2 replicas: surge 0.5 → 1, unavailable 0.5 → 0
    ['25%', '25%', 2, 1, 0],
    ['1%', '1%', 2, 1, 0],
    [0, '1%', 2, 0, 1],
    [3, 2, 10, 3, 2],
  ])('maxSurge %p, maxUnavailable %p of %d → surge %d, unavailable %d', (surge, unavailable, desired, expSurge, expUnavailable) => {
    expect(resolveFenceposts(surge, unavailable, desired)).toEqual({ surge: expSurge, unavailable: expUnavailable });
  });

  it.each([['oops', '39%'], ['55%', 'urg'], ['5', 1]])('rejects %p / %p: not a percentage', (surge, unavailable) => {
    expect(() => resolveFenceposts(surge, unavailable, 10)).toThrow('string is not a percentage');
  });

  it('rounds percentages up for surge and down for unavailability', () => {
    expect([scaledValue('25%', 10, true), scaledValue('25%', 10, false)]).toEqual([3, 2]);
  });

  it('caps maxUnavailable at spec.replicas and is 0 for Recreate', () => {
    expect(maxUnavailable(deployment('web', 2, { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: 5 } } }))).toBe(2);
    expect(maxUnavailable(deployment('web', 2, { strategy: { type: 'Recreate' } }))).toBe(0);
  });
});

describe('newRSNewReplicas (Kubernetes TestNewRSNewReplicas)', () => {
  it.each([
    ['can not scale up - to newRSReplicas', 'RollingUpdate', 1, 5, 1, 5],
    ['scale up - to depReplicas', 'RollingUpdate', 6, 2, 10, 6],
    ['recreate - to depReplicas', 'Recreate', 3, 1, 1, 3],
  ] as const)('%s', (_, type, depReplicas, newReplicas, surge, expected) => {
    const d = deployment('web', depReplicas, { strategy: type === 'Recreate' ? { type } : { type, rollingUpdate: { maxSurge: surge, maxUnavailable: 1 } } });
    const newRS = replicaSet('web-new', newReplicas);
    expect(newRSNewReplicas(d, [newRS], newRS)).toBe(expected);
  });
});
