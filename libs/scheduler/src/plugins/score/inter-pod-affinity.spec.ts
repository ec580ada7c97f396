import { interPodAffinity, InterPodAffinity } from './inter-pod-affinity';
import { makeNode, makePod, makeSnapshot, runScorePlugin } from './testing';
import type { PodInfo } from '../../framework/types';

const ZONE = 'topology.kubernetes.io/zone';
const HOST = 'kubernetes.io/hostname';
const term = (labels: Record<string, string>, topologyKey: string, extra: object = {}) => ({ labelSelector: { matchLabels: labels }, topologyKey, ...extra });
const weighted = (weight: number, t: object) => ({ weight, podAffinityTerm: t });
const labelled = (name: string, labels: Record<string, string>, spec: Record<string, unknown> = {}, namespace = 'default') => makePod(name, spec, { labels, namespace });

/** n1, n2 in zone a; n3 in zone b; n4 in zone c — with the given pods on them */
function cluster(pods: Partial<Record<'n1' | 'n2' | 'n3' | 'n4', PodInfo[]>>) {
  const zones = { n1: 'a', n2: 'a', n3: 'b', n4: 'c' } as const;
  return (Object.keys(zones) as (keyof typeof zones)[]).map((n) => makeNode(n, { labels: { [ZONE]: zones[n] }, pods: pods[n] ?? [] }));
}

describe('InterPodAffinity scoring', () => {
  it.each`
    case                                                        | incoming                                                                                                                                   | pods                                                                          | expected
    ${'preferred affinity pulls toward the zone of a match'}    | ${labelled('p', {}, { affinity: { podAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [weighted(10, term({ app: 'db' }, ZONE))] } } })} | ${{ n1: [labelled('db', { app: 'db' })] }}                                    | ${{ n1: 100, n2: 100, n3: 0, n4: 0 }}
    ${'preferred anti-affinity pushes off the host of a match'} | ${labelled('p', {}, { affinity: { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [weighted(5, term({ app: 'web' }, HOST))] } } })} | ${{ n1: [labelled('web', { app: 'web' })] }}                               | ${{ n1: 0, n2: 100, n3: 100, n4: 100 }}
    ${'a match in another namespace does not count'}            | ${labelled('p', {}, { affinity: { podAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [weighted(10, term({ app: 'db' }, ZONE))] } } })} | ${{ n1: [labelled('db', { app: 'db' }, {}, 'other')], n3: [labelled('db2', { app: 'db' })] }} | ${{ n1: 0, n2: 0, n3: 100, n4: 0 }}
  `('$case', ({ incoming, pods, expected }) => {
    const nodes = cluster(pods);
    expect(runScorePlugin(InterPodAffinity, incoming, nodes)).toEqual(expected);
  });

  it('given affinity and anti-affinity together, raw sums are min–max normalised', () => {
    const incoming = labelled('p', {}, {
      affinity: {
        podAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [weighted(10, term({ app: 'db' }, ZONE))] },
        podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [weighted(5, term({ app: 'web' }, HOST))] },
      },
    });
    const nodes = cluster({ n1: [labelled('db', { app: 'db' })], n2: [labelled('web', { app: 'web' })] });
    // raw: n1 +10, n2 +10 − 5 = 5, n3 0, n4 0 → min 0, max 10 → 100, 50, 0, 0
    expect(runScorePlugin(InterPodAffinity, incoming, nodes)).toEqual({ n1: 100, n2: 50, n3: 0, n4: 0 });
  });

  it('given existing pods with terms matching the incoming pod, their terms count symmetrically', () => {
    const avoidsWeb = labelled('loner', {}, { affinity: { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [weighted(7, term({ app: 'web' }, ZONE))] } } });
    const needsWeb = labelled('friend', {}, { affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term({ app: 'web' }, ZONE)] } } });
    const nodes = cluster({ n3: [avoidsWeb], n4: [needsWeb] });
    // zone b −7, zone c +1 (hardPodAffinityWeight) → min −7, max 1, diff 8: a (0+7)/8 = 87, b 0, c 100
    expect(runScorePlugin(InterPodAffinity, labelled('web', { app: 'web' }), nodes)).toEqual({ n1: 87, n2: 87, n3: 0, n4: 100 });
    // with hardPodAffinityWeight 0 the required term is ignored: a and c 0 vs b −7 → 100, 0
    expect(runScorePlugin(interPodAffinity({ hardPodAffinityWeight: 0 }), labelled('web', { app: 'web' }), nodes)).toEqual({ n1: 100, n2: 100, n3: 0, n4: 100 });
  });

  it('given a namespaceSelector, pods in the selected namespaces count', () => {
    const incoming = labelled('p', {}, {
      affinity: { podAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [weighted(3, term({ app: 'db' }, ZONE, { namespaceSelector: { matchLabels: { team: 'data' } } }))] } },
    });
    const nodes = cluster({ n1: [labelled('db', { app: 'db' }, {}, 'data-ns')], n3: [labelled('db', { app: 'db' }, {}, 'other')] });
    const snapshot = makeSnapshot(nodes, { 'data-ns': { team: 'data' }, other: {} });
    expect(runScorePlugin(InterPodAffinity, incoming, nodes, snapshot)).toEqual({ n1: 100, n2: 100, n3: 0, n4: 0 });
  });

  it('given no affinity on the incoming pod nor on any placed pod, PreScore skips', () => {
    expect(runScorePlugin(InterPodAffinity, makePod('p'), cluster({ n1: [makePod('x')] }))).toEqual({ code: 'Skip' });
  });
});
