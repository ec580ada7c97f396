import { PodTopologySpread } from './pod-topology-spread';
import { nodeOf, podOf, snapshotOf, verdicts } from './testing';

const SPREAD = "Unschedulable: node(s) didn't match pod topology spread constraints";
const NO_LABEL = "UnschedulableAndUnresolvable: node(s) didn't match pod topology spread constraints (missing required label)";
const ZONE = 'topology.kubernetes.io/zone';

const web = (name: string, meta: Record<string, unknown> = {}) => podOf(name, {}, { labels: { app: 'web' }, ...meta });
const constraint = (extra: Record<string, unknown> = {}) => ({ maxSkew: 1, topologyKey: ZONE, whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { app: 'web' } }, ...extra });
const incoming = (extra: Record<string, unknown> = {}, spec: Record<string, unknown> = {}) => podOf('new', { topologySpreadConstraints: [constraint(extra)], ...spec }, { labels: { app: 'web' } });

// zone a: 2 web pods, zone b: none, zone c: 1 web pod (+ one terminating, one in another namespace); x1 has no zone
function cluster(extraNodes: ReturnType<typeof nodeOf>[] = []) {
  return snapshotOf([
    nodeOf('a1', { labels: { [ZONE]: 'a' }, pods: [web('w1'), web('w2')] }),
    nodeOf('b1', { labels: { [ZONE]: 'b' } }),
    nodeOf('c1', { labels: { [ZONE]: 'c' }, pods: [web('w3'), web('gone', { deletionTimestamp: '2024-01-01T00:00:00Z' }), web('other', { namespace: 'team-b' })] }),
    nodeOf('x1'),
    ...extraNodes,
  ]);
}

describe('PodTopologySpread filter', () => {
  it.each([
    { given: 'maxSkew 1 (worked example in the source)', pod: incoming(), then: { a1: SPREAD, b1: 'Success', c1: SPREAD, x1: NO_LABEL } },
    { given: 'maxSkew 2', pod: incoming({ maxSkew: 2 }), then: { a1: SPREAD, b1: 'Success', c1: 'Success', x1: NO_LABEL } },
    { given: 'a pod that does not match its own selector', pod: podOf('new', { topologySpreadConstraints: [constraint()] }, { labels: { app: 'api' } }), then: { a1: SPREAD, b1: 'Success', c1: 'Success', x1: NO_LABEL } },
    { given: 'a ScheduleAnyway constraint (not this filter’s business)', pod: incoming({ whenUnsatisfiable: 'ScheduleAnyway' }), then: { a1: 'Success', b1: 'Success', c1: 'Success', x1: 'Success' } },
    { given: 'minDomains 4 with only 3 zones (global minimum counts as 0)', pod: incoming({ minDomains: 4, maxSkew: 2 }), then: { a1: SPREAD, b1: 'Success', c1: 'Success', x1: NO_LABEL } },
    {
      given: 'node affinity to zones a and c (zone b is not eligible, so the minimum is 1)',
      pod: incoming({}, { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: ZONE, operator: 'In', values: ['a', 'c'] }] }] } } } }),
      then: { a1: SPREAD, b1: 'Success', c1: 'Success', x1: NO_LABEL },
    },
  ])('given $given, then $then', ({ pod, then }) => {
    expect(verdicts(PodTopologySpread, pod, cluster())).toEqual(then);
  });

  it('given nodeAffinityPolicy Ignore, then domains outside the pod’s node affinity still count', () => {
    const affinity = { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: ZONE, operator: 'In', values: ['a', 'c'] }] }] } } } };
    expect(verdicts(PodTopologySpread, incoming({ nodeAffinityPolicy: 'Ignore' }, affinity), cluster()).c1).toBe(SPREAD);
    expect(verdicts(PodTopologySpread, incoming({}, affinity), cluster()).c1).toBe('Success');
  });

  it('given nodeTaintsPolicy Honor, then a tainted zone the pod does not tolerate is not a domain', () => {
    const tainted = nodeOf('d1', { labels: { [ZONE]: 'd' }, taints: [{ key: 'dedicated', value: 'x', effect: 'NoSchedule' }] });
    const snapshot = snapshotOf([nodeOf('a1', { labels: { [ZONE]: 'a' }, pods: [web('w1')] }), tainted]);
    expect(verdicts(PodTopologySpread, incoming(), snapshot).a1).toBe(SPREAD);
    expect(verdicts(PodTopologySpread, incoming({ nodeTaintsPolicy: 'Honor' }), snapshot).a1).toBe('Success');
  });

  it('given matchLabelKeys, then only pods sharing the incoming pod’s value for those keys count', () => {
    const rev = (name: string, hash: string) => podOf(name, {}, { labels: { app: 'web', 'pod-template-hash': hash } });
    const snapshot = snapshotOf([nodeOf('a1', { labels: { [ZONE]: 'a' }, pods: [rev('o1', 'old'), rev('o2', 'old')] }), nodeOf('b1', { labels: { [ZONE]: 'b' } })]);
    const pod = podOf('new', { topologySpreadConstraints: [constraint({ matchLabelKeys: ['pod-template-hash'] })] }, { labels: { app: 'web', 'pod-template-hash': 'new' } });
    expect(verdicts(PodTopologySpread, pod, snapshot)).toEqual({ a1: 'Success', b1: 'Success' });
  });

  it('given no DoNotSchedule constraints, then PreFilter skips', () => {
    expect(PodTopologySpread.preFilter({ state: new Map(), snapshot: cluster() }, web('p'))).toEqual({ code: 'Skip' });
  });
});
