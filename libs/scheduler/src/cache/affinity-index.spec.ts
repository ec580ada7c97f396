import type { KubeObject } from '@keelson/apimachinery';
import { podInfoOf } from '../framework/info';
import type { PodInfo, Snapshot } from '../framework/types';
import { InterPodAffinity as AffinityFilter } from '../plugins/filter/inter-pod-affinity';
import { InterPodAffinity as AffinityScore } from '../plugins/score/inter-pod-affinity';
import { manualClock } from '../queue/testing';
import { SchedulerCache } from './scheduler-cache';
import { snapshotOf } from './snapshot';

// The cache's affinity index is a shortcut: InterPodAffinity must decide exactly as it does
// walking the nodes (a snapshot made by snapshotOf has no index, so it walks).

const zone = (i: number) => `zone-${i % 3}`;

function node(i: number): KubeObject {
  const name = `n${i}`;
  return { apiVersion: 'v1', kind: 'Node', metadata: { name, labels: { 'kubernetes.io/hostname': name, 'topology.kubernetes.io/zone': zone(i) } }, spec: {}, status: { allocatable: { cpu: '8', memory: '8Gi', pods: '110' } } };
}

const term = (labels: Record<string, string>, topologyKey: string) => ({ labelSelector: { matchLabels: labels }, topologyKey });

function pod(name: string, labels: Record<string, string>, affinity: Record<string, unknown> = {}, nodeName?: string): PodInfo {
  return podInfoOf({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', uid: name, labels }, spec: { containers: [{ name: 'c', image: 'x' }], affinity, ...(nodeName ? { nodeName } : {}) } });
}

function clusterCache(): SchedulerCache {
  const cache = new SchedulerCache({ now: manualClock().now });
  for (let i = 0; i < 9; i++) cache.addNode(node(i));
  cache.addPod(pod('web-0', { app: 'web' }, { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term({ app: 'web' }, 'kubernetes.io/hostname')] } }, 'n0'));
  cache.addPod(pod('db-0', { app: 'db' }, { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchExpressions: [{ key: 'app', operator: 'Exists' }] }, topologyKey: 'topology.kubernetes.io/zone' }] } }, 'n4'));
  cache.addPod(pod('cache-0', { app: 'cache' }, { podAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 10, podAffinityTerm: term({ app: 'web' }, 'topology.kubernetes.io/zone') }] } }, 'n2'));
  cache.assumePod(pod('web-1', { app: 'web' }), 'n7');
  return cache;
}

function verdicts(snapshot: Snapshot, incoming: PodInfo) {
  const ctx = { state: new Map(), snapshot };
  const pre = AffinityFilter.preFilter(ctx, incoming);
  const filter = pre.code === 'Skip' ? 'Skip' : snapshot.nodes.map((n) => AffinityFilter.filter(ctx, incoming, n).reasons?.[0] ?? 'ok');
  const scoreCtx = { state: new Map(), snapshot };
  const preScore = AffinityScore.preScore!(scoreCtx, incoming, snapshot.nodes);
  const scores = preScore.code === 'Skip' ? 'Skip' : snapshot.nodes.map((n) => AffinityScore.score(scoreCtx, incoming, n));
  return { filter, scores };
}

const walking = (s: Snapshot) => snapshotOf(s.nodes, { namespaces: s.namespaces });

describe('the cache affinity index', () => {
  it.each([
    ['a web pod that repels other web pods per host', pod('x', { app: 'web' }, { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term({ app: 'web' }, 'kubernetes.io/hostname')] } })],
    ['a pod that must share a zone with web', pod('x', { app: 'api' }, { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term({ app: 'web' }, 'topology.kubernetes.io/zone')] } })],
    ['a pod without terms that existing anti-affinity selects', pod('x', { app: 'web' })],
    ['a pod without labels or terms', pod('x', {})],
  ])('given %s, when InterPodAffinity runs with the index, then it decides as walking the nodes does', (_name, incoming) => {
    const snapshot = clusterCache().snapshot();
    expect(snapshot.affinityIndex).toBeDefined();
    expect(verdicts(snapshot, incoming)).toEqual(verdicts(walking(snapshot), incoming));
  });

  it('given a pod removed after the snapshot was taken, then that snapshot no longer uses the index', () => {
    const cache = clusterCache();
    const snapshot = cache.snapshot();
    cache.removePod('default/web-0');
    expect(snapshot.affinityIndex).toBeUndefined();
    expect(cache.snapshot().affinityIndex).toBeDefined();
  });

  it('given replicas with the same anti-affinity term, when some are removed or their node is relabelled, then it decides as walking the nodes does', () => {
    const cache = clusterCache();
    cache.removePod('default/db-0'); // its term selects every pod with an app label
    const repel = { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term({ app: 'api' }, 'topology.kubernetes.io/zone')] } };
    cache.addPod(pod('api-0', { app: 'api' }, repel, 'n0'));
    cache.addPod(pod('api-1', { app: 'api' }, repel, 'n3'));
    cache.assumePod(pod('api-2', { app: 'api' }, repel), 'n1');
    const incoming = pod('x', { app: 'api' });
    const rejectedAt = (s: Snapshot) => (verdicts(s, incoming).filter as string[]).flatMap((v, i) => (v === 'ok' ? [] : [s.nodes[i].name]));
    // api-0 and api-1 hold zone-0, api-2 zone-1: nodes of zone 0 and 1 refuse
    expect(rejectedAt(cache.snapshot())).toEqual(['n0', 'n1', 'n3', 'n4', 'n6', 'n7']);

    cache.removePod('default/api-0');
    cache.forgetPod('default/api-2');
    expect(rejectedAt(cache.snapshot())).toEqual(['n0', 'n3', 'n6']);
    cache.addNode({ ...node(3), metadata: { name: 'n3', labels: { 'kubernetes.io/hostname': 'n3', 'topology.kubernetes.io/zone': zone(2) } } });
    const snapshot = cache.snapshot();
    expect(rejectedAt(snapshot)).toEqual(['n2', 'n3', 'n5', 'n8']);
    expect(verdicts(snapshot, incoming)).toEqual(verdicts(walking(snapshot), incoming));
  });

  it('given a term asked for once, when pods it selects come, go, move by relabelling or are labelled otherwise, then its kept counts decide as walking the nodes does', () => {
    const cache = clusterCache();
    const repel = { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term({ app: 'web' }, 'topology.kubernetes.io/zone')] } };
    const attract = { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term({ app: 'web' }, 'topology.kubernetes.io/zone')] } };
    const same = (incoming: PodInfo) => {
      const snapshot = cache.snapshot();
      expect(verdicts(snapshot, incoming)).toEqual(verdicts(walking(snapshot), incoming));
      return verdicts(snapshot, incoming).filter;
    };
    const first = same(pod('x', { app: 'api' }, repel)); // builds the kept counts
    same(pod('y', { app: 'api' }, attract));
    cache.addPod(pod('web-2', { app: 'web' }, {}, 'n5'));
    cache.removePod('default/web-0');
    cache.forgetPod('default/web-1');
    expect(same(pod('x', { app: 'api' }, repel))).not.toEqual(first);
    same(pod('y', { app: 'api' }, attract));
    cache.addPod(pod('web-2', { app: 'other' }, {}, 'n5')); // relabelled: no longer selected
    same(pod('x', { app: 'api' }, repel));
    cache.addPod(pod('web-3', { app: 'web' }, {}, 'n1'));
    cache.addNode({ ...node(1), metadata: { name: 'n1', labels: { 'kubernetes.io/hostname': 'n1', 'topology.kubernetes.io/zone': zone(2) } } });
    same(pod('x', { app: 'api' }, repel));
    same(pod('y', { app: 'api' }, attract));
  });

  it('given the only pod with anti-affinity removed, when a web pod is filtered, then every node passes', () => {
    const cache = clusterCache();
    cache.removePod('default/web-0');
    cache.removePod('default/db-0');
    const ctx = { state: new Map(), snapshot: cache.snapshot() };
    expect(AffinityFilter.preFilter(ctx, pod('x', { app: 'web' })).code).toBe('Skip');
  });
});
