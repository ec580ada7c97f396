import { NodeAffinity } from './node-affinity';
import { nodeOf, podOf, snapshotOf, verdicts } from './testing';

const MISMATCH = "UnschedulableAndUnresolvable: node(s) didn't match Pod's node affinity/selector";

const snapshot = snapshotOf([
  nodeOf('a1', { labels: { zone: 'a', disk: 'ssd', cores: '8' } }),
  nodeOf('b1', { labels: { zone: 'b', cores: '2' } }),
  nodeOf('c1', { labels: { zone: 'c', disk: 'hdd' } }),
]);

const requiring = (...nodeSelectorTerms: unknown[]) => ({ affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms } } } });
const expr = (key: string, operator: string, values?: string[]) => ({ key, operator, ...(values ? { values } : {}) });
const fits = (names: string[]) => Object.fromEntries(['a1', 'b1', 'c1'].map((n) => [n, names.includes(n) ? 'Success' : MISMATCH]));

describe('NodeAffinity filter', () => {
  it.each([
    { given: 'a nodeSelector disk=ssd', spec: { nodeSelector: { disk: 'ssd' } }, then: ['a1'] },
    { given: 'In zone [a, b]', spec: requiring({ matchExpressions: [expr('zone', 'In', ['a', 'b'])] }), then: ['a1', 'b1'] },
    { given: 'NotIn disk [ssd] (matches nodes without the label too)', spec: requiring({ matchExpressions: [expr('disk', 'NotIn', ['ssd'])] }), then: ['b1', 'c1'] },
    { given: 'Exists disk', spec: requiring({ matchExpressions: [expr('disk', 'Exists')] }), then: ['a1', 'c1'] },
    { given: 'DoesNotExist disk', spec: requiring({ matchExpressions: [expr('disk', 'DoesNotExist')] }), then: ['b1'] },
    { given: 'Gt cores 4', spec: requiring({ matchExpressions: [expr('cores', 'Gt', ['4'])] }), then: ['a1'] },
    { given: 'Lt cores 4 (no label → no match)', spec: requiring({ matchExpressions: [expr('cores', 'Lt', ['4'])] }), then: ['b1'] },
    { given: 'two terms (ORed)', spec: requiring({ matchExpressions: [expr('zone', 'In', ['a'])] }, { matchExpressions: [expr('zone', 'In', ['c'])] }), then: ['a1', 'c1'] },
    { given: 'two expressions in one term (ANDed)', spec: requiring({ matchExpressions: [expr('zone', 'In', ['a', 'c']), expr('disk', 'In', ['hdd'])] }), then: ['c1'] },
    { given: 'matchFields metadata.name In [b1]', spec: requiring({ matchFields: [expr('metadata.name', 'In', ['b1'])] }), then: ['b1'] },
    { given: 'matchFields metadata.name NotIn [b1]', spec: requiring({ matchFields: [expr('metadata.name', 'NotIn', ['b1'])] }), then: ['a1', 'c1'] },
    { given: 'an empty term (matches nothing)', spec: requiring({}), then: [] },
    { given: 'an invalid term beside a valid one (the invalid is skipped)', spec: requiring({ matchExpressions: [expr('cores', 'Gt', ['many'])] }, { matchExpressions: [expr('zone', 'In', ['b'])] }), then: ['b1'] },
    { given: 'nodeSelector AND affinity', spec: { nodeSelector: { zone: 'a' }, ...requiring({ matchExpressions: [expr('zone', 'In', ['a', 'b'])] }) }, then: ['a1'] },
  ])('given $given, then the pod fits $then', ({ spec, then }) => {
    expect(verdicts(NodeAffinity, podOf('p', spec), snapshot)).toEqual(fits(then));
  });

  it('given a pod with neither nodeSelector nor required affinity, then PreFilter skips', () => {
    expect(NodeAffinity.preFilter({ state: new Map(), snapshot }, podOf('p'))).toEqual({ code: 'Skip' });
  });

  it('given a term pinning metadata.name to two different names at once, then PreFilter fails the pod for every node', () => {
    const spec = requiring({ matchFields: [expr('metadata.name', 'In', ['a1']), expr('metadata.name', 'In', ['b1'])] });
    expect(verdicts(NodeAffinity, podOf('p', spec), snapshot)).toEqual({ a1: 'UnschedulableAndUnresolvable: pod affinity terms conflict', b1: 'UnschedulableAndUnresolvable: pod affinity terms conflict', c1: 'UnschedulableAndUnresolvable: pod affinity terms conflict' });
  });
});
