import { InterPodAffinity } from './inter-pod-affinity';
import { nodeOf, podOf, snapshotOf, verdicts } from './testing';

const AFFINITY = "UnschedulableAndUnresolvable: node(s) didn't match pod affinity rules";
const ANTI = "Unschedulable: node(s) didn't match pod anti-affinity rules";
const EXISTING = "Unschedulable: node(s) didn't satisfy existing pods anti-affinity rules";
const OK = 'Success';

type Term = { labelSelector?: unknown; topologyKey: string; namespaces?: string[]; namespaceSelector?: unknown };
const affinity = (...terms: Term[]) => ({ affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: terms } } });
const antiAffinity = (...terms: Term[]) => ({ affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: terms } } });
const app = (name: string) => ({ matchLabels: { app: name } });
const ZONE = 'topology.kubernetes.io/zone';
const HOST = 'kubernetes.io/hostname';

const db = podOf('db', {}, { labels: { app: 'db' } });
const otherNsDb = podOf('db2', {}, { labels: { app: 'db' }, namespace: 'team-b' });

// zone a: a1 (db), a2; zone b: b1 (db in team-b); c1 has no zone label
function cluster(podsOnA1 = [db], podsOnB1 = [otherNsDb]) {
  return snapshotOf(
    [nodeOf('a1', { labels: { [ZONE]: 'a' }, pods: podsOnA1 }), nodeOf('a2', { labels: { [ZONE]: 'a' } }), nodeOf('b1', { labels: { [ZONE]: 'b' }, pods: podsOnB1 }), nodeOf('c1')],
    { namespaces: { default: { team: 'a' }, 'team-b': { team: 'b' } } },
  );
}

describe('InterPodAffinity filter: the incoming pod’s terms', () => {
  it.each([
    { given: 'affinity to app=db per zone', spec: affinity({ labelSelector: app('db'), topologyKey: ZONE }), then: { a1: OK, a2: OK, b1: AFFINITY, c1: AFFINITY } },
    { given: 'affinity to app=db per host', spec: affinity({ labelSelector: app('db'), topologyKey: HOST }), then: { a1: OK, a2: AFFINITY, b1: AFFINITY, c1: AFFINITY } },
    { given: 'affinity to app=db in namespace team-b', spec: affinity({ labelSelector: app('db'), topologyKey: ZONE, namespaces: ['team-b'] }), then: { a1: AFFINITY, a2: AFFINITY, b1: OK, c1: AFFINITY } },
    { given: 'affinity to app=db in namespaces selected by team=b', spec: affinity({ labelSelector: app('db'), topologyKey: ZONE, namespaceSelector: { matchLabels: { team: 'b' } } }), then: { a1: AFFINITY, a2: AFFINITY, b1: OK, c1: AFFINITY } },
    { given: 'affinity to app=db in all namespaces (empty namespaceSelector)', spec: affinity({ labelSelector: app('db'), topologyKey: ZONE, namespaceSelector: {} }), then: { a1: OK, a2: OK, b1: OK, c1: AFFINITY } },
    { given: 'anti-affinity to app=db per zone', spec: antiAffinity({ labelSelector: app('db'), topologyKey: ZONE }), then: { a1: ANTI, a2: ANTI, b1: OK, c1: OK } },
    { given: 'anti-affinity to app=db per host, all namespaces', spec: antiAffinity({ labelSelector: app('db'), topologyKey: HOST, namespaceSelector: {} }), then: { a1: ANTI, a2: OK, b1: ANTI, c1: OK } },
    { given: 'anti-affinity to a label nobody has', spec: antiAffinity({ labelSelector: app('cache'), topologyKey: ZONE }), then: { a1: OK, a2: OK, b1: OK, c1: OK } },
  ])('given $given, then $then', ({ spec, then }) => {
    expect(verdicts(InterPodAffinity, podOf('web', spec, { labels: { app: 'web' } }), cluster())).toEqual(then);
  });

  it('given the first pod of a group affine to itself and no matching pod anywhere, then any node with the topology label fits', () => {
    const pod = podOf('web-0', affinity({ labelSelector: app('web'), topologyKey: ZONE }), { labels: { app: 'web' } });
    expect(verdicts(InterPodAffinity, pod, cluster())).toEqual({ a1: OK, a2: OK, b1: OK, c1: AFFINITY });
  });

  it('given affinity to a group that does not exist and the pod not in it, then no node fits', () => {
    const pod = podOf('web', affinity({ labelSelector: app('cache'), topologyKey: ZONE }), { labels: { app: 'web' } });
    expect(verdicts(InterPodAffinity, pod, cluster())).toEqual({ a1: AFFINITY, a2: AFFINITY, b1: AFFINITY, c1: AFFINITY });
  });

  it('given two affinity terms, then only pods matching both count', () => {
    const both = podOf('x', {}, { labels: { app: 'db', tier: 'primary' } });
    const pod = podOf('web', affinity({ labelSelector: app('db'), topologyKey: HOST }, { labelSelector: { matchLabels: { tier: 'primary' } }, topologyKey: ZONE }));
    expect(verdicts(InterPodAffinity, pod, cluster([db], [both]))).toEqual({ a1: AFFINITY, a2: AFFINITY, b1: OK, c1: AFFINITY });
  });
});

describe('InterPodAffinity filter: existing pods’ anti-affinity (symmetry)', () => {
  const guard = podOf('guard', antiAffinity({ labelSelector: app('web'), topologyKey: ZONE }), { labels: { app: 'guard' } });

  it('given an existing pod that repels app=web per zone, then a web pod avoids its zone and others are unaffected', () => {
    const snapshot = cluster([guard], []);
    expect(verdicts(InterPodAffinity, podOf('web', {}, { labels: { app: 'web' } }), snapshot)).toEqual({ a1: EXISTING, a2: EXISTING, b1: OK, c1: OK });
    expect(verdicts(InterPodAffinity, podOf('api', {}, { labels: { app: 'api' } }), snapshot)).toEqual({ a1: OK, a2: OK, b1: OK, c1: OK });
  });

  it('given the repelling pod’s term is for its own namespace, then a web pod in another namespace is unaffected', () => {
    const pod = podOf('web', {}, { labels: { app: 'web' }, namespace: 'team-b' });
    expect(verdicts(InterPodAffinity, pod, cluster([guard], []))).toEqual({ a1: OK, a2: OK, b1: OK, c1: OK });
  });

  it('given the repelling pod selects namespaces by label, then the incoming pod’s namespace labels decide', () => {
    const wide = podOf('guard', antiAffinity({ labelSelector: app('web'), topologyKey: HOST, namespaceSelector: { matchLabels: { team: 'b' } } }));
    const pod = podOf('web', {}, { labels: { app: 'web' }, namespace: 'team-b' });
    expect(verdicts(InterPodAffinity, pod, cluster([wide], []))).toEqual({ a1: EXISTING, a2: OK, b1: OK, c1: OK });
  });

  it('given no terms anywhere, then PreFilter skips', () => {
    const snapshot = cluster();
    expect(InterPodAffinity.preFilter({ state: new Map(), snapshot }, podOf('web'))).toEqual({ code: 'Skip' });
  });
});
