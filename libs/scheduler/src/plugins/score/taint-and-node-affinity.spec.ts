import { NodeAffinity } from './node-affinity';
import { defaultNormalizeScore, minMaxNormalize } from './normalize';
import { countIntolerableTaintsPreferNoSchedule, TaintToleration } from './taint-toleration';
import { makeNode, makePod, runScorePlugin } from './testing';

const scores = (...raw: number[]) => raw.map((score, i) => ({ node: `n${i}`, score }));

describe('normalisation', () => {
  it.each`
    raw            | reverse  | expected          | why
    ${[0, 1, 3]}   | ${true}  | ${[100, 67, 0]}   | ${'100·1/3 = 33 → 100 − 33'}
    ${[0, 0]}      | ${true}  | ${[100, 100]}     | ${'nothing against any node'}
    ${[2, 5, 10]}  | ${false} | ${[20, 50, 100]}  | ${'scaled to the best'}
    ${[0, 0]}      | ${false} | ${[0, 0]}         | ${'all zero stays zero'}
  `('defaultNormalizeScore $raw (reverse $reverse) → $expected: $why', ({ raw, reverse, expected }) => {
    const s = scores(...raw);
    defaultNormalizeScore(100, reverse, s);
    expect(s.map((e) => e.score)).toEqual(expected);
  });

  it.each`
    raw              | expected          | why
    ${[-4, 0, 6]}    | ${[0, 40, 100]}   | ${'min −4, max 6: (0+4)/10 = 40'}
    ${[3, 3]}        | ${[0, 0]}         | ${'no spread, no preference'}
    ${[-1, 0, 1]}    | ${[0, 50, 100]}   | ${'negative raw scores shift up'}
  `('minMaxNormalize $raw → $expected: $why', ({ raw, expected }) => {
    const s = scores(...raw);
    minMaxNormalize(s);
    expect(s.map((e) => e.score)).toEqual(expected);
  });
});

describe('TaintToleration', () => {
  const soft = (key: string, value = '') => ({ key, value, effect: 'PreferNoSchedule' as const });

  it.each`
    taints                                                  | tolerations                                                      | count | why
    ${[soft('a'), soft('b')]}                               | ${[]}                                                            | ${2}  | ${'nothing tolerated'}
    ${[soft('a', 'x')]}                                     | ${[{ key: 'a', value: 'x', effect: 'PreferNoSchedule' }]}        | ${0}  | ${'Equal with the same value'}
    ${[soft('a', 'x')]}                                     | ${[{ key: 'a', value: 'y' }]}                                    | ${1}  | ${'Equal with another value'}
    ${[soft('a', 'x')]}                                     | ${[{ key: 'a', operator: 'Exists' }]}                            | ${0}  | ${'Exists, effect empty = all effects'}
    ${[soft('a')]}                                          | ${[{ operator: 'Exists', effect: 'NoSchedule' }]}                | ${1}  | ${'a toleration for another effect'}
    ${[{ key: 'a', effect: 'NoSchedule' }]}                 | ${[]}                                                            | ${0}  | ${'hard taints are the filter’s business'}
  `('$count untolerated: $why', ({ taints, tolerations, count }) => {
    expect(countIntolerableTaintsPreferNoSchedule(taints, tolerations)).toBe(count);
  });

  it('given nodes with 0, 1 and 2 untolerated soft taints, fewer taints score higher', () => {
    const nodes = [makeNode('clean'), makeNode('one', { taints: [soft('a')] }), makeNode('two', { taints: [soft('a'), soft('b')] })];
    // raw 0, 1, 2 → reversed: 100, 100 − 50, 0
    expect(runScorePlugin(TaintToleration, makePod('p'), nodes)).toEqual({ clean: 100, one: 50, two: 0 });
  });

  it('given a pod tolerating a soft taint, that taint costs nothing', () => {
    const pod = makePod('p', { tolerations: [{ key: 'a', operator: 'Exists' }] });
    const nodes = [makeNode('clean'), makeNode('one', { taints: [soft('a')] })];
    expect(runScorePlugin(TaintToleration, pod, nodes)).toEqual({ clean: 100, one: 100 });
  });
});

describe('NodeAffinity preferred terms', () => {
  const preferring = (...prefs: { weight: number; preference: object }[]) =>
    makePod('p', { affinity: { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: prefs } } });
  const zoneA = { matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] };
  const ssd = { matchExpressions: [{ key: 'disk', operator: 'Exists' }] };
  const big = { matchExpressions: [{ key: 'cores', operator: 'Gt', values: ['8'] }] };

  it('given weighted terms, a node scores the sum of matching weights scaled so the best gets 100', () => {
    const nodes = [
      makeNode('a-ssd', { labels: { zone: 'a', disk: 'ssd' } }),
      makeNode('a', { labels: { zone: 'a' } }),
      makeNode('b-ssd', { labels: { zone: 'b', disk: 'ssd' } }),
      makeNode('none'),
    ];
    // sums 8+2 = 10, 8, 2, 0 → 100, 80, 20, 0
    expect(runScorePlugin(NodeAffinity, preferring({ weight: 8, preference: zoneA }, { weight: 2, preference: ssd }), nodes)).toEqual({ 'a-ssd': 100, a: 80, 'b-ssd': 20, none: 0 });
  });

  it.each`
    labels              | expected | why
    ${{ cores: '16' }}  | ${100}   | ${'16 > 8'}
    ${{ cores: '4' }}   | ${0}     | ${'4 is not > 8'}
    ${{ cores: 'x' }}   | ${0}     | ${'not an integer'}
  `('given Gt 8 and label $labels then $expected ($why)', ({ labels, expected }) => {
    const result = runScorePlugin(NodeAffinity, preferring({ weight: 1, preference: big }), [makeNode('n', { labels }), makeNode('ref', { labels: { cores: '32' } })]);
    expect(result).toMatchObject({ n: expected });
  });

  it('given a matchFields term on metadata.name, only that node matches', () => {
    const byName = { matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n2'] }] };
    expect(runScorePlugin(NodeAffinity, preferring({ weight: 5, preference: byName }), [makeNode('n1'), makeNode('n2')])).toEqual({ n1: 0, n2: 100 });
  });

  it('given a pod without preferred terms, PreScore skips the plugin', () => {
    expect(runScorePlugin(NodeAffinity, makePod('p'), [makeNode('n1')])).toEqual({ code: 'Skip' });
  });
});
