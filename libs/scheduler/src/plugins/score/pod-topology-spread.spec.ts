import { PodTopologySpread } from './pod-topology-spread';
import { makeNode, makePod, runScorePlugin } from './testing';

const ZONE = 'topology.kubernetes.io/zone';
const HOST = 'kubernetes.io/hostname';
const web = (name: string, namespace = 'default') => makePod(name, {}, { labels: { app: 'web' }, namespace });
const spreading = (topologyKey: string, maxSkew = 1, whenUnsatisfiable = 'ScheduleAnyway', extra: object = {}) =>
  makePod('p', { topologySpreadConstraints: [{ maxSkew, topologyKey, whenUnsatisfiable, labelSelector: { matchLabels: { app: 'web' } }, ...extra }] }, { labels: { app: 'web' } });

describe('PodTopologySpread scoring', () => {
  it('given zones with 2 and 1 matching pods, the emptier zone scores higher', () => {
    const nodes = [
      makeNode('n1', { labels: { [ZONE]: 'a' }, pods: [web('w1'), web('w2')] }),
      makeNode('n2', { labels: { [ZONE]: 'a' } }),
      makeNode('n3', { labels: { [ZONE]: 'b' }, pods: [web('w3')] }),
    ];
    // weight ln(2 zones + 2) = 1.386; raw a: 2·1.386 = 2.77 → 3, b: 1.39 → 1
    // normalised 100·(max + min − s)/max: a 100·1/3 = 33, b 100·3/3 = 100
    expect(runScorePlugin(PodTopologySpread, spreading(ZONE), nodes)).toEqual({ n1: 33, n2: 33, n3: 100 });
  });

  it('given a hostname constraint, pods are counted per node', () => {
    const nodes = [makeNode('n1', { pods: [web('w1'), web('w2')] }), makeNode('n2'), makeNode('n3', { pods: [web('w3')] })];
    // weight ln(3 nodes + 2) = 1.609; raw 3.22 → 3, 0, 1.61 → 2; min 0, max 3 → 0, 100, 33
    expect(runScorePlugin(PodTopologySpread, spreading(HOST), nodes)).toEqual({ n1: 0, n2: 100, n3: 33 });
  });

  it('given maxSkew 3, small differences are watered down', () => {
    const nodes = [makeNode('n1', { pods: [web('w1')] }), makeNode('n2')];
    // weight ln 4 = 1.386; raw 1.386 + 2 = 3.39 → 3, 0 + 2 = 2 → min 2, max 3: 100·2/3 = 66, 100·3/3 = 100
    expect(runScorePlugin(PodTopologySpread, spreading(HOST, 3), nodes)).toEqual({ n1: 66, n2: 100 });
  });

  it('given a node without the topology key, it is ignored and scores 0', () => {
    const nodes = [makeNode('n1', { labels: { [ZONE]: 'a' }, pods: [web('w1')] }), makeNode('n2', { labels: { [ZONE]: 'b' } }), makeNode('bare')];
    // weight ln 4; a: 1.39 → 1, b: 0 → min 0, max 1: a 0, b 100
    expect(runScorePlugin(PodTopologySpread, spreading(ZONE), nodes)).toEqual({ n1: 0, n2: 100, bare: 0 });
  });

  it('given matching pods in another namespace or terminating, they are not counted', () => {
    const leaving = makePod('w-old', {}, { labels: { app: 'web' } });
    (leaving.pod.metadata as { deletionTimestamp?: string }).deletionTimestamp = '2024-01-01T00:00:00Z';
    const nodes = [makeNode('n1', { pods: [web('w1', 'other'), leaving] }), makeNode('n2')];
    expect(runScorePlugin(PodTopologySpread, spreading(HOST), nodes)).toEqual({ n1: 100, n2: 100 });
  });

  it.each`
    pod                                      | why
    ${makePod('p')}                          | ${'no constraints'}
    ${spreading(ZONE, 1, 'DoNotSchedule')}   | ${'only hard constraints, which the filter handles'}
  `('given $why, PreScore skips', ({ pod }) => {
    expect(runScorePlugin(PodTopologySpread, pod, [makeNode('n1')])).toEqual({ code: 'Skip' });
  });
});
