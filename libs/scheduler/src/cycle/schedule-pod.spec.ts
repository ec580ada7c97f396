import type { FilterPlugin, NodeInfo, ScorePlugin, Snapshot, Status } from '../framework/types';
import { nodeInfoOf } from '../framework/info';
import { snapshotOf } from '../cache/snapshot';
import { container, makeNode, makePod, makeSnapshot } from '../plugins/score/testing';
import { failedSchedulingMessage } from './fit-error';
import { FILTER_PLUGINS, NodeResourcesFit, TaintToleration } from '../plugins/filter';
import { defaultScorePlugins } from '../plugins/score';
import { schedulePod } from './schedule-pod';
import { SchedulingError, type Profile } from './types';

const ok: Status = { code: 'Success' };
const nodesNamed = (...names: string[]) => names.map((n) => makeNode(n));
const numbered = (count: number) => Array.from({ length: count }, (_, i) => makeNode(`n${String(i).padStart(3, '0')}`));

/** A filter rejecting the named nodes with `reason`. */
const rejecting = (name: string, reject: string[], reason = `rejected by ${name}`, preFilter?: () => Status): FilterPlugin & { calls: string[] } => {
  const calls: string[] = [];
  return {
    name,
    calls,
    ...(preFilter ? { preFilter } : {}),
    filter: (_ctx, _pod, node) => {
      calls.push(node.name);
      return reject.includes(node.name) ? { code: 'Unschedulable', reasons: [reason] } : ok;
    },
  };
};

/** A score plugin giving each node a fixed score (default 0), recording the nodes it scored. */
const scoring = (name: string, byNode: Record<string, number>, preScore?: () => Status): ScorePlugin & { scored: string[] } => {
  const scored: string[] = [];
  return { name, scored, ...(preScore ? { preScore } : {}), score: (_ctx, _pod, node: NodeInfo) => (scored.push(node.name), byNode[node.name] ?? 0) };
};

const profile = (filters: FilterPlugin[], scores: Profile['scores'], percentageOfNodesToScore?: number): Profile => ({ name: 'test', filters, scores, percentageOfNodesToScore });
const run = (nodes: NodeInfo[], p: Profile, state = { nextStartNodeIndex: 0 }, random = () => 0.5) => schedulePod(makePod('p'), makeSnapshot(nodes), p, state, { random });

describe('schedulePod', () => {
  it('given some nodes rejected by filters, the best-scoring feasible node is chosen', () => {
    const p = profile([rejecting('F', ['a'])], [{ plugin: scoring('S', { a: 100, b: 30, c: 60 }), weight: 1 }]);
    expect(run(nodesNamed('a', 'b', 'c'), p)).toEqual({ node: 'c', feasible: 2, evaluated: 3 });
  });

  it.each`
    wx   | wy   | winner | why
    ${1} | ${1} | ${'a'} | ${'a: 90 + 0 = 90 beats b: 0 + 80'}
    ${1} | ${2} | ${'b'} | ${'b: 80·2 = 160 beats a: 90'}
  `('given weights $wx/$wy, $winner wins ($why)', ({ wx, wy, winner }) => {
    const p = profile([], [{ plugin: scoring('X', { a: 90 }), weight: wx }, { plugin: scoring('Y', { b: 80 }), weight: wy }]);
    expect(run(nodesNamed('a', 'b'), p)).toMatchObject({ node: winner });
  });

  it('given normalizeScore, it sees all feasible nodes and its result is what is weighed', () => {
    const inverted: ScorePlugin = { name: 'Inv', score: (_c, _p, n) => (n.name === 'a' ? 10 : 0), normalizeScore: (_c, _p, s) => s.forEach((e) => (e.score = 100 - e.score * 10)) };
    expect(run(nodesNamed('a', 'b'), profile([], [{ plugin: inverted, weight: 1 }]))).toMatchObject({ node: 'b' });
  });

  it.each`
    random         | winner | why
    ${() => 0.99}  | ${'a'} | ${'each later tie loses its draw'}
    ${() => 0}     | ${'c'} | ${'each later tie wins its draw'}
  `('given a three-way tie, reservoir sampling picks $winner when $why', ({ random, winner }) => {
    const p = profile([], [{ plugin: scoring('S', {}), weight: 1 }]);
    expect(run(nodesNamed('a', 'b', 'c'), p, { nextStartNodeIndex: 0 }, random)).toMatchObject({ node: winner });
  });

  it('given a node failing the first filter, later filters are not run for it', () => {
    const first = rejecting('First', ['a']);
    const second = rejecting('Second', []);
    run(nodesNamed('a', 'b'), profile([first, second], []));
    expect(second.calls).not.toContain('a');
  });

  it('given a PreFilter returning Skip, that plugin’s Filter does not run for the pod', () => {
    const skipped = rejecting('Skipped', ['a', 'b'], 'never', () => ({ code: 'Skip' }));
    expect(run(nodesNamed('a', 'b'), profile([skipped], [{ plugin: scoring('S', { b: 1 }), weight: 1 }]))).toMatchObject({ node: 'b' });
    expect(skipped.calls).toEqual([]);
  });

  it('given a PreScore returning Skip, that plugin does not score', () => {
    const skipped = scoring('Skipped', { a: 100 }, () => ({ code: 'Skip' }));
    const p = profile([], [{ plugin: skipped, weight: 5 }, { plugin: scoring('S', { b: 1 }), weight: 1 }]);
    expect(run(nodesNamed('a', 'b'), p)).toMatchObject({ node: 'b' });
    expect(skipped.scored).toEqual([]);
  });

  it('given a single feasible node, it is chosen without scoring', () => {
    const s = scoring('S', {});
    expect(run(nodesNamed('a', 'b'), profile([rejecting('F', ['a'])], [{ plugin: s, weight: 1 }]))).toEqual({ node: 'b', feasible: 1, evaluated: 2 });
    expect(s.scored).toEqual([]);
  });

  it.each`
    first                          | second                                       | secondRuns | why
    ${'Unschedulable'}             | ${'UnschedulableAndUnresolvable'}            | ${true}    | ${'Unschedulable lets later PreFilters run; the last rejection is the verdict'}
    ${'UnschedulableAndUnresolvable'} | ${'Unschedulable'}                        | ${false}   | ${'UnschedulableAndUnresolvable stops at once'}
  `('given PreFilter rejections, every node fails with that status: $why', ({ first, second, secondRuns }) => {
    let ran = false;
    const a = rejecting('A', [], '', () => ({ code: first, reasons: ['first says no'] }));
    const b = rejecting('B', [], '', () => ((ran = true), { code: second, reasons: ['second says no'] }));
    const result = run(nodesNamed('a', 'b'), profile([a, b], []));
    const verdict = secondRuns ? { code: second, reasons: ['second says no'], plugin: 'B' } : { code: first, reasons: ['first says no'], plugin: 'A' };
    expect(ran).toBe(secondRuns);
    expect(result).toEqual({ node: null, diagnosis: { preFilterStatus: verdict, nodeToStatus: new Map([['a', verdict], ['b', verdict]]), unschedulablePlugins: new Set([verdict.plugin]) } });
  });

  it('given no node fits, the diagnosis names each node’s first rejection and the rejecting plugins', () => {
    const cpu = rejecting('NodeResourcesFit', ['a', 'b'], 'Insufficient cpu');
    const taint = rejecting('TaintToleration', ['c'], 'node(s) had untolerated taint {x: }');
    const result = run(nodesNamed('a', 'b', 'c'), profile([cpu, taint], []));
    expect(result).toEqual({
      node: null,
      diagnosis: {
        nodeToStatus: new Map([
          ['a', { code: 'Unschedulable', reasons: ['Insufficient cpu'], plugin: 'NodeResourcesFit' }],
          ['b', { code: 'Unschedulable', reasons: ['Insufficient cpu'], plugin: 'NodeResourcesFit' }],
          ['c', { code: 'Unschedulable', reasons: ['node(s) had untolerated taint {x: }'], plugin: 'TaintToleration' }],
        ]),
        unschedulablePlugins: new Set(['NodeResourcesFit', 'TaintToleration']),
      },
    });
  });

  it('given a plugin answering Error, the cycle is aborted', () => {
    const broken: FilterPlugin = { name: 'Broken', filter: () => ({ code: 'Error', reasons: ['boom'] }) };
    expect(() => run(nodesNamed('a'), profile([broken], []))).toThrow(SchedulingError);
  });

  it('given no nodes, the pod fits nowhere', () => {
    expect(run([], profile([], []))).toEqual({ node: null, diagnosis: { nodeToStatus: new Map(), unschedulablePlugins: new Set() } });
  });
});

describe('schedulePod over a large cluster', () => {
  it('given 200 feasible nodes and 10 %, it stops after 100 (the minimum) and the next pod starts where it stopped', () => {
    const nodes = numbered(200);
    const state = { nextStartNodeIndex: 0 };
    const s1 = scoring('S', {});
    expect(run(nodes, profile([], [{ plugin: s1, weight: 1 }], 10), state)).toMatchObject({ feasible: 100, evaluated: 100 });
    expect(s1.scored[0]).toBe('n000');
    expect(s1.scored.at(-1)).toBe('n099');
    expect(state.nextStartNodeIndex).toBe(100);

    const s2 = scoring('S', {});
    run(nodes, profile([], [{ plugin: s2, weight: 1 }], 10), state);
    expect([s2.scored[0], s2.scored.at(-1)]).toEqual(['n100', 'n199']);
    expect(state.nextStartNodeIndex).toBe(0);
  });

  it('given rejected nodes along the way, they count as processed for the next start index', () => {
    const nodes = numbered(200);
    const state = { nextStartNodeIndex: 150 };
    // n150..n159 rejected; then 100 feasible: n160..n199 and n000..n059 → 110 processed → (150 + 110) % 200 = 60
    const rejected = nodes.slice(150, 160).map((n) => n.name);
    const result = run(nodes, profile([rejecting('F', rejected)], [{ plugin: scoring('S', {}), weight: 1 }], 50), state);
    expect(result).toMatchObject({ feasible: 100, evaluated: 110 });
    expect(state.nextStartNodeIndex).toBe(60);
  });

  it('given no score plugins, the first feasible node is taken', () => {
    const state = { nextStartNodeIndex: 5 };
    expect(run(numbered(200), profile([], []), state)).toEqual({ node: 'n005', feasible: 1, evaluated: 1 });
    expect(state.nextStartNodeIndex).toBe(6);
  });
});

describe('schedulePod with per-node-class verdicts', () => {
  const dedicated = { key: 'dedicated', value: 'special', effect: 'NoSchedule' };
  const gpu = { key: 'gpu', effect: 'NoExecute' };
  const cordoned = (name: string): NodeInfo => {
    const n = makeNode(name);
    return nodeInfoOf({ ...n.node, spec: { ...(n.node.spec as object), unschedulable: true } }, []);
  };
  // 40 nodes: 4 taint classes, some cordoned, every third (or every) one too small for the pod
  const cluster = (allSmall = false): NodeInfo[] =>
    Array.from({ length: 40 }, (_, i) => {
      const name = `n${String(i).padStart(2, '0')}`;
      if (i % 10 === 9) return cordoned(name);
      const small = allSmall || i % 3 === 0 ? { allocatable: { cpu: '1', memory: '8Gi', pods: '110' } } : {};
      const taints = i % 4 === 1 ? [dedicated] : i % 4 === 2 ? [gpu, dedicated] : i % 4 === 3 ? [dedicated, gpu] : [];
      return makeNode(name, { ...small, taints });
    });
  const bigPod = (tolerations: unknown[] = []) => makePod('p', { containers: [container({ cpu: '2' })], tolerations });
  const message = (nodes: NodeInfo[], snapshot: Snapshot, tolerations?: unknown[]) => {
    const result = schedulePod(bigPod(tolerations), snapshot, profile([...FILTER_PLUGINS], []), { nextStartNodeIndex: 7 });
    if (result.node !== null) return { node: result.node };
    return { node: null, message: failedSchedulingMessage(result.diagnosis, nodes.length), statuses: [...result.diagnosis.nodeToStatus] };
  };

  it.each`
    tolerations                                                                  | which
    ${[]}                                                                        | ${'none'}
    ${[{ key: 'dedicated', operator: 'Exists' }]}                                | ${'dedicated only (gpu still names its taint)'}
    ${[{ key: 'gpu', operator: 'Exists' }, { key: 'dedicated', operator: 'Exists' }]} | ${'both'}
  `('given tolerations $which and no node big enough, the FailedScheduling counts are those of filtering every node on its own', ({ tolerations }) => {
    const nodes = cluster(true);
    const byClass = message(nodes, snapshotOf(nodes), tolerations);
    const nodeByNode = message(nodes, makeSnapshot(nodes), tolerations);
    expect(byClass.node).toBeNull();
    expect(byClass).toEqual(nodeByNode);
    expect(byClass.message).toMatch(/^0\/40 nodes are available: \d+ /);
  });

  it('given nodes of 4 taint classes, TaintToleration is asked once per class a node of which was met, and the same node wins', () => {
    const nodes = cluster();
    const calls: string[] = [];
    const counted = { ...TaintToleration, filter: (...a: Parameters<typeof TaintToleration.filter>) => (calls.push(a[2].name), TaintToleration.filter(...a)) };
    const p = profile([counted, NodeResourcesFit], [{ plugin: scoring('S', {}), weight: 1 }]);
    const random = () => 0.5;
    const byClass = schedulePod(bigPod(), snapshotOf(nodes), p, { nextStartNodeIndex: 0 }, { random });
    expect(calls.length).toBe(5); // untainted, dedicated, gpu+dedicated, dedicated+gpu, cordoned (its own class)
    const nodeByNode = schedulePod(bigPod(), makeSnapshot(nodes), p, { nextStartNodeIndex: 0 }, { random });
    expect(calls.length).toBe(5 + 40);
    expect(byClass).toEqual(nodeByNode);
  });
});

describe('schedulePod reading the snapshot node table', () => {
  // 60 nodes of three sizes with pods of various requests on them, some with PreferNoSchedule taints
  const soft = { key: 'spot', effect: 'PreferNoSchedule' };
  const sizes = [{ cpu: '4', memory: '8Gi', pods: '110' }, { cpu: '16', memory: '16Gi', pods: '3' }, { cpu: '2', memory: '32Gi', pods: '110' }];
  const cluster = (): NodeInfo[] =>
    Array.from({ length: 60 }, (_, i) => {
      // the second pod on a node asks for nothing: scoring counts it at 100m / 200 Mi, the fit check at 0
      const requests = (k: number): Record<string, string> => (k === 1 ? {} : { cpu: `${100 * (k + (i % 7))}m`, memory: `${64 * (i % 5)}Mi` });
      const pods = Array.from({ length: i % 4 }, (_, k) => ({ ...makePod(`on-${i}-${k}`, { containers: [container(requests(k))] }), nodeName: `n${i}` }));
      return makeNode(`n${i}`, { allocatable: sizes[i % 3], taints: i % 5 === 0 ? [soft] : [], pods });
    });
  const seeded = (seed: number) => () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);

  it('given the default plugins and pods of several sizes, every pod gets the node it gets when each NodeInfo is read', () => {
    const nodes = cluster();
    const p = profile([...FILTER_PLUGINS], defaultScorePlugins(), 50);
    const pods = Array.from({ length: 40 }, (_, i) => makePod(`p${i}`, { containers: [container({ cpu: `${250 * (i % 9)}m`, memory: `${128 * (i % 3)}Mi` })] }));
    const run = (snapshot: Snapshot) => {
      const state = { nextStartNodeIndex: 0 };
      const random = seeded(7);
      return pods.map((pod) => schedulePod(pod, snapshot, p, state, { random }));
    };
    const table = snapshotOf(nodes);
    const byTable = run(table);
    expect(table.computedNodeTable).toBeDefined();
    expect(byTable).toEqual(run(makeSnapshot(nodes)));
    expect(new Set(byTable.map((r) => r.node)).size).toBeGreaterThan(5);
    // nodes full by pod count or too small for 2 cpu were met and rejected on the way
    expect(byTable.some((r) => r.node !== null && (r.evaluated ?? 0) > (r.feasible ?? 0))).toBe(true);
  });
});
