import type { Pod } from '../common/types';
import { groupPods, podRequests, replicasForAverageValue, replicasForUtilization } from './replica-calculator';
import type { PodMetric } from './types';

const NOW = Date.parse('2026-11-26T12:00:00Z');
const MIN = 60_000;

interface PodOpts {
  request?: string;
  phase?: 'Running' | 'Pending' | 'Failed';
  ready?: boolean;
  /** minutes before NOW the pod started and became ready/unready */
  startedAgo?: number;
  readySince?: number;
  deleting?: boolean;
}

function pod(name: string, o: PodOpts = {}): Pod {
  const started = new Date(NOW - (o.startedAgo ?? 10) * MIN).toISOString();
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', ...(o.deleting ? { deletionTimestamp: started } : {}) },
    spec: { containers: [{ name: 'c', resources: { requests: { cpu: o.request ?? '100m' } } }] },
    status: {
      phase: o.phase ?? 'Running',
      startTime: started,
      conditions: [{ type: 'Ready', status: o.ready === false ? 'False' : 'True', lastTransitionTime: new Date(NOW - (o.readySince ?? o.startedAgo ?? 10) * MIN).toISOString() }],
    },
  } as Pod;
}

const metric = (milliValue: number, secondsAgo = 0): PodMetric => ({ milliValue, timestamp: NOW - secondsAgo * 1000, window: 5000 });
const metrics = (m: Record<string, number>) => new Map(Object.entries(m).map(([k, v]) => [k, metric(v)]));

describe('replicasForUtilization (target 50 % of a 100m request)', () => {
  // [case, current replicas, pods, usage by pod (millicores), expected replicas, expected utilization %]
  const cases: [string, number, Pod[], Record<string, number>, number, number][] = [
    ['at target: nothing changes', 2, [pod('a'), pod('b')], { a: 50, b: 50 }, 2, 50],
    ['within the 10 % tolerance up (54 %): nothing changes', 2, [pod('a'), pod('b')], { a: 54, b: 54 }, 2, 54],
    ['within the 10 % tolerance down (46 %): nothing changes', 2, [pod('a'), pod('b')], { a: 46, b: 46 }, 2, 46],
    ['just past tolerance (56 %): ceil(1.12 × 2) = 3', 2, [pod('a'), pod('b')], { a: 56, b: 56 }, 3, 56],
    ['double the target: twice the pods', 2, [pod('a'), pod('b')], { a: 100, b: 100 }, 4, 100],
    ['a busy loop held to 100m in one pod requesting 50m: 200 %, ratio 4 → 4', 1, [pod('a', { request: '50m' })], { a: 100 }, 4, 200],
    ['idle (1 %): ceil(0.02 × 3) = 1', 3, [pod('a'), pod('b'), pod('c')], { a: 1, b: 1, c: 1 }, 1, 1],
    ['utilization is truncated to whole percent before the ratio: 149.5 % → 149 %, ceil(2.98 × 2) = 6', 2, [pod('a'), pod('b')], { a: 150, b: 149 }, 6, 149],
    ['a deleting and a failed pod are ignored', 1, [pod('a'), pod('b', { deleting: true }), pod('c', { phase: 'Failed' })], { a: 100, b: 0, c: 0 }, 2, 100],
  ];
  it.each(cases)('%s', (_name, current, pods, usage, replicas, utilization) => {
    const p = replicasForUtilization(current, 50, 'cpu', pods, metrics(usage), NOW);
    expect([p.replicas, p.utilization]).toEqual([replicas, utilization]);
  });

  it('given a pod without a metric, when the others ask to scale down, then it counts as using its whole request and the decision is damped', () => {
    // ready: a=10, b=10 → 10 %, ratio 0.2; c missing counts as 100 → (120/300)=40 %, ratio 0.8 → ceil(0.8 × 3) = 3 = current
    expect(replicasForUtilization(3, 50, 'cpu', [pod('a'), pod('b'), pod('c')], metrics({ a: 10, b: 10 }), NOW).replicas).toBe(3);
    // a=0,b=0 → 0 %; with c at 100: 33 % → ratio 0.66 → ceil(0.66 × 3) = 2
    expect(replicasForUtilization(3, 50, 'cpu', [pod('a'), pod('b'), pod('c')], metrics({ a: 0, b: 0 }), NOW).replicas).toBe(2);
  });

  it('given a pod without a metric, when the others ask to scale up, then it counts as idle', () => {
    // a=100,b=100 → 100 %, ratio 2; with c at 0: 66 % → ratio 1.32 → ceil(1.32 × 3) = 4
    expect(replicasForUtilization(3, 50, 'cpu', [pod('a'), pod('b'), pod('c')], metrics({ a: 100, b: 100 }), NOW).replicas).toBe(4);
  });

  it('given a pending pod, when the others ask to scale up, then it counts as idle; when they ask to scale down, it is left out', () => {
    const pods = [pod('a'), pod('b', { phase: 'Pending' })];
    // up: a=200 → 200 %; with b at 0 → 100 %, ratio 2 → ceil(2 × 2) = 4
    expect(replicasForUtilization(2, 50, 'cpu', pods, metrics({ a: 200 }), NOW).replicas).toBe(4);
    // a=100 → 100 %; with b at 0 → 50 %, ratio 1: within tolerance → current
    expect(replicasForUtilization(2, 50, 'cpu', pods, metrics({ a: 100 }), NOW).replicas).toBe(2);
    // down: a=10 → 10 %, ratio 0.2 → ceil(0.2 × 1) = 1
    expect(replicasForUtilization(2, 50, 'cpu', pods, metrics({ a: 10 }), NOW).replicas).toBe(1);
  });

  it('given scaling up with unready pods would turn into scaling down, then nothing changes', () => {
    // a=60 → 60 %, ratio 1.2 > 1; with b,c at 0: 20 %, ratio 0.4 < 1 → direction flips → current
    expect(replicasForUtilization(3, 50, 'cpu', [pod('a'), pod('b', { phase: 'Pending' }), pod('c', { phase: 'Pending' })], metrics({ a: 60 }), NOW).replicas).toBe(3);
  });

  it('refuses without pods, without metrics, or with a container that requests no cpu', () => {
    expect(() => replicasForUtilization(1, 50, 'cpu', [], metrics({}), NOW)).toThrow('no pods returned by selector while calculating replica count');
    expect(() => replicasForUtilization(1, 50, 'cpu', [pod('a', { phase: 'Pending' })], metrics({}), NOW)).toThrow('did not receive metrics for targeted pods (pods might be unready)');
    const bare = { ...pod('a'), spec: { containers: [{ name: 'c' }] } } as Pod;
    expect(() => replicasForUtilization(1, 50, 'cpu', [bare], metrics({ a: 10 }), NOW)).toThrow('missing request for cpu in container c of Pod a');
  });
});

describe('groupPods: CPU samples of starting pods', () => {
  it.each([
    ['ready for long, started long ago: counted', { startedAgo: 10 }, 0, 'ready'],
    ['within its first 5 minutes, ready, sample after readiness + window: counted', { startedAgo: 2, readySince: 1 }, 0, 'ready'],
    ['within its first 5 minutes, sample window overlapping the readiness change: unready', { startedAgo: 1, readySince: 2 / 600 }, 0, 'unready'],
    ['within its first 5 minutes, not ready: unready', { startedAgo: 2, ready: false }, 0, 'unready'],
    ['past 5 minutes, never ready (not ready since its first 30 s): unready', { startedAgo: 10, ready: false, readySince: 10 }, 0, 'unready'],
    ['past 5 minutes, ready once and now not ready: counted', { startedAgo: 10, ready: false, readySince: 2 }, 0, 'ready'],
  ] as [string, PodOpts, number, 'ready' | 'unready'][])('%s', (_n, opts, secondsAgo, expected) => {
    const g = groupPods([pod('a', opts)], new Map([['a', metric(10, secondsAgo)]]), 'cpu', NOW);
    expect(g.unready.has('a') ? 'unready' : g.readyCount === 1 ? 'ready' : 'other').toBe(expected);
  });

  it('does not judge memory samples by readiness', () => {
    expect(groupPods([pod('a', { startedAgo: 1, ready: false })], new Map([['a', metric(10)]]), 'memory', NOW).readyCount).toBe(1);
  });
});

describe('replicasForAverageValue', () => {
  it.each([
    ['at target', 2, { a: 100, b: 100 }, 2, 100],
    ['above: 150 per pod for target 100 → ceil(1.5 × 2) = 3', 2, { a: 200, b: 100 }, 3, 150],
    ['below: 20 per pod → 1', 3, { a: 20, b: 20, c: 20 }, 1, 20],
  ] as [string, number, Record<string, number>, number, number][])('%s', (_n, current, usage, replicas, average) => {
    const pods = Object.keys(usage).map((n) => pod(n));
    const p = replicasForAverageValue(current, 100, 'cpu', pods, metrics(usage), NOW);
    expect([p.replicas, p.averageMilli]).toEqual([replicas, average]);
  });
});

describe('podRequests', () => {
  it('sums the containers of a pod in millis', () => {
    const two = { ...pod('a'), spec: { containers: [{ name: 'x', resources: { requests: { cpu: '250m' } } }, { name: 'y', resources: { requests: { cpu: '1' } } }] } } as Pod;
    expect(podRequests([two], 'cpu').get('a')).toBe(1250);
  });
});
