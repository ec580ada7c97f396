import { snapshotOf } from '../cache/snapshot';
import type { NodeInfo } from '../framework/types';
import { candidatesToFind, findPreemption } from './find-preemption';
import { FILTERS, node, pdb, pod } from './testing';

const preempt = (incoming: ReturnType<typeof pod>, nodes: NodeInfo[], pdbs = [] as ReturnType<typeof pdb>[], options = {}) => {
  const result = findPreemption(incoming, snapshotOf(nodes), FILTERS, pdbs, options);
  return result && { node: result.node, victims: result.victims.map((v) => v.key.split('/')[1]), pdbViolations: result.pdbViolations };
};

describe('findPreemption', () => {
  it('given a full node with one low-priority pod, the high-priority pod evicts it', () => {
    const result = preempt(pod('vip', { cpu: 2, priority: 100 }), [node('n1', 2, [pod('low', { cpu: 2 })])]);
    expect(result).toEqual({ node: 'n1', victims: ['low'], pdbViolations: 0 });
  });

  it('evicts only as many as needed, keeping the more important pods', () => {
    const n1 = node('n1', 3, [pod('p10', { priority: 10 }), pod('p5', { priority: 5 }), pod('p7', { priority: 7 })]);
    expect(preempt(pod('vip', { cpu: 1, priority: 100 }), [n1])?.victims).toEqual(['p5']);
    expect(preempt(pod('vip', { cpu: 2, priority: 100 }), [n1])?.victims).toEqual(['p7', 'p5']);
  });

  it('never evicts pods of equal or higher priority', () => {
    const n1 = node('n1', 2, [pod('same', { priority: 100 }), pod('higher', { priority: 200 })]);
    expect(preempt(pod('vip', { cpu: 1, priority: 100 }), [n1])).toBeNull();
  });

  it('with preemptionPolicy Never, preempts nothing', () => {
    const n1 = node('n1', 2, [pod('low', { cpu: 2 })]);
    expect(preempt(pod('polite', { cpu: 2, priority: 100, preemptionPolicy: 'Never' }), [n1])).toBeNull();
  });

  it('does not preempt again while lower-priority pods on its nominated node are still terminating', () => {
    const n1 = node('n1', 2, [pod('going', { cpu: 2, deleting: true })]);
    const n2 = node('n2', 2, [pod('low', { cpu: 2 })]);
    expect(preempt(pod('vip', { cpu: 2, priority: 100, nominatedNodeName: 'n1' }), [n1, n2])).toBeNull();
  });

  it.each([
    ['the node is too small even when empty', [node('n1', 1, [pod('low', { cpu: 1 })])]],
    ['the only node has an untolerated taint', [node('n1', 4, [pod('low', { cpu: 4 })], [{ key: 'dedicated', value: 'x', effect: 'NoSchedule' }])]],
    ['evicting every lower-priority pod still leaves too little room', [node('n1', 4, [pod('low', { cpu: 2 }), pod('high', { cpu: 2, priority: 500 })])]],
    ['there are no nodes', []],
  ])('finds no candidate when %s', (_case, nodes) => {
    expect(preempt(pod('vip', { cpu: 3, priority: 100 }), nodes as NodeInfo[])).toBeNull();
  });

  it('skips nodes the failed cycle found UnschedulableAndUnresolvable', () => {
    const nodes = [node('n1', 2, [pod('a', { cpu: 2 })]), node('n2', 2, [pod('b', { cpu: 2, priority: 50 })])];
    const nodeStatuses = new Map([['n1', { code: 'UnschedulableAndUnresolvable' as const }]]);
    expect(preempt(pod('vip', { cpu: 2, priority: 100 }), nodes, [], { nodeStatuses })?.node).toBe('n2');
  });

  it('a host port conflict is solved by evicting the pod holding the port', () => {
    const holder = { ...pod('holder', { cpu: 0 }), hostPorts: [{ protocol: 'TCP', hostIP: '0.0.0.0', port: 80 }] };
    const other = pod('other', { cpu: 0 });
    const incoming = { ...pod('vip', { cpu: 0, priority: 100 }), hostPorts: [{ protocol: 'TCP', hostIP: '0.0.0.0', port: 80 }] };
    expect(preempt(incoming, [node('n1', 4, [other, holder])])?.victims).toEqual(['holder']);
  });
});

describe('findPreemption and PodDisruptionBudgets', () => {
  const protectedPod = pod('guarded', { labels: { app: 'db' } });
  const freePod = pod('free');

  it('prefers evicting a pod no budget protects, on the same node', () => {
    const n1 = node('n1', 2, [protectedPod, freePod]);
    const result = preempt(pod('vip', { priority: 100 }), [n1], [pdb('db', { app: 'db' }, { disruptionsAllowed: 0 })]);
    expect(result).toEqual({ node: 'n1', victims: ['free'], pdbViolations: 0 });
  });

  it('prefers a node where no budget is broken, even if its victim has higher priority', () => {
    const n1 = node('n1', 1, [pod('guarded', { labels: { app: 'db' }, priority: 1 })]);
    const n2 = node('n2', 1, [pod('free', { priority: 50 })]);
    const result = preempt(pod('vip', { priority: 100 }), [n1, n2], [pdb('db', { app: 'db' }, { disruptionsAllowed: 0 })]);
    expect(result?.node).toBe('n2');
  });

  it('breaks a budget when nothing else works, and says so', () => {
    const n1 = node('n1', 1, [protectedPod]);
    const result = preempt(pod('vip', { priority: 100 }), [n1], [pdb('db', { app: 'db' }, { disruptionsAllowed: 0 })]);
    expect(result).toEqual({ node: 'n1', victims: ['guarded'], pdbViolations: 1 });
  });

  it('a budget that still allows a disruption is not broken', () => {
    const n1 = node('n1', 1, [protectedPod]);
    const result = preempt(pod('vip', { priority: 100 }), [n1], [pdb('db', { app: 'db' }, { disruptionsAllowed: 1 })]);
    expect(result?.pdbViolations).toBe(0);
  });
});

describe('candidatesToFind', () => {
  it.each([
    [5_000, 500],
    [300, 100],
    [40, 40],
  ])('with %i nodes looks for %i candidates', (nodes, wanted) => {
    expect(candidatesToFind(nodes)).toBe(wanted);
  });
});
