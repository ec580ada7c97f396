import { snapshotOf } from '../cache/snapshot';
import { findPreemption } from './find-preemption';
import { FILTERS, node, pod } from './testing';
import { Candidate, pickOneNodeForPreemption } from './victims';

const candidate = (name: string, victims: { priority: number; startTime?: string }[], pdbViolations = 0): Candidate => ({
  node: name,
  victims: victims.map((v, i) => pod(`${name}-v${i}`, v)),
  pdbViolations,
});

describe('pickOneNodeForPreemption', () => {
  it.each([
    ['fewest PDB violations first', [candidate('a', [{ priority: 1 }], 1), candidate('b', [{ priority: 50 }], 0)], 'b'],
    ['then the lowest most-important victim', [candidate('a', [{ priority: 50 }]), candidate('b', [{ priority: 10 }, { priority: 10 }])], 'b'],
    ['then the smallest sum of priorities', [candidate('a', [{ priority: 10 }, { priority: 8 }]), candidate('b', [{ priority: 10 }, { priority: 2 }])], 'b'],
    ['then fewest victims (negative priorities cannot make two look cheaper than one)', [candidate('a', [{ priority: -10 }, { priority: -10 }]), candidate('b', [{ priority: -10 }])], 'b'],
    [
      'then the node whose top victims started latest',
      [candidate('a', [{ priority: 10, startTime: '2024-01-01T00:00:00Z' }]), candidate('b', [{ priority: 10, startTime: '2024-06-01T00:00:00Z' }])],
      'b',
    ],
    ['then the first', [candidate('a', [{ priority: 10 }]), candidate('b', [{ priority: 10 }])], 'a'],
    ['a node needing no victim at all wins outright', [candidate('a', [{ priority: 1 }]), candidate('b', [])], 'b'],
  ])('%s', (_rule, candidates, expected) => {
    expect(pickOneNodeForPreemption(candidates)?.node).toBe(expected);
  });

  it('with no candidates, picks nothing', () => {
    expect(pickOneNodeForPreemption([])).toBeUndefined();
  });
});

describe('findPreemption across nodes', () => {
  it('given three nodes, picks the one whose victims matter least', () => {
    const nodes = [
      node('n1', 2, [pod('a', { cpu: 2, priority: 50 })]),
      node('n2', 2, [pod('b', { priority: 10 }), pod('c', { priority: 10 })]),
      node('n3', 2, [pod('d', { priority: 10 }), pod('e', { priority: 5 })]),
    ];
    const result = findPreemption(pod('vip', { cpu: 2, priority: 100 }), snapshotOf(nodes), FILTERS, []);
    expect(result?.node).toBe('n3');
    expect(result?.victims.map((v) => v.key)).toEqual(['default/d', 'default/e']);
  });

  it('victims come most important first', () => {
    const nodes = [node('n1', 3, [pod('x', { priority: 1 }), pod('y', { priority: 9 }), pod('z', { priority: 5 })])];
    const result = findPreemption(pod('vip', { cpu: 3, priority: 100 }), snapshotOf(nodes), FILTERS, []);
    expect(result?.victims.map((v) => v.priority)).toEqual([9, 5, 1]);
  });
});
