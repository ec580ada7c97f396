import { NodeResourcesBalancedAllocation } from './balanced-allocation';
import { NodeResourcesFit, nodeResourcesFit } from './node-resources-fit';
import { container, makeNode, makePod, runScorePlugin } from './testing';

// Nodes of 4 cpu / 10000 bytes of memory keep the arithmetic readable.
const node = (name: string, pods = [] as ReturnType<typeof makePod>[], allocatable = { cpu: '4', memory: '10000' }) => makeNode(name, { allocatable, pods });
const asking = (cpu: string, memory: string) => makePod('p', { containers: [container({ cpu, memory })] });

describe('NodeResourcesFit scoring', () => {
  it.each`
    strategy                      | expected | why
    ${'LeastAllocated'}           | ${37}    | ${'cpu (4000−3000)·100/4000 = 25, memory 50 → 37'}
    ${'MostAllocated'}            | ${62}    | ${'cpu 75, memory 50 → 62'}
    ${'RequestedToCapacityRatio'} | ${63}    | ${'default shape 0→0, 100→10: 62.5 rounds to 63'}
  `('given a 3000m/5000 pod on an empty node, $strategy scores $expected ($why)', ({ strategy, expected }) => {
    const plugin = nodeResourcesFit({ scoringStrategy: { type: strategy } });
    expect(runScorePlugin(plugin, asking('3', '5000'), [node('n1')])).toEqual({ n1: expected });
  });

  it('given nodes with different load, LeastAllocated prefers the emptier one', () => {
    const busy = node('busy', [asking('2', '5000')]);
    const idle = node('idle');
    // busy: cpu (4000−3000)/4000 → 25, memory (10000−6000)/10000 → 40 → 32; idle: 75, 90 → 82
    expect(runScorePlugin(NodeResourcesFit, asking('1', '1000'), [busy, idle])).toEqual({ busy: 32, idle: 82 });
  });

  it('given a pod without requests, it counts as 100m cpu and 200Mi memory', () => {
    const pod = makePod('p', { containers: [container({})] });
    const n = makeNode('n1', { allocatable: { cpu: '4', memory: '8Gi' } });
    // cpu (4000−100)·100/4000 = 97.5 → 97; memory (8192−200)·100/8192 Mi = 97.5 → 97
    expect(runScorePlugin(NodeResourcesFit, pod, [n])).toEqual({ n1: 97 });
  });

  it('given existing pods without requests on the node, they count with the defaults too', () => {
    const besteffort = makePod('old', { containers: [container({}), container({})] });
    const n = makeNode('n1', { allocatable: { cpu: '1', memory: '4000Mi' }, pods: [besteffort] });
    // node: 2 containers → 200m, 400Mi; pod: 300m, 100Mi → cpu (1000−500)/1000 = 50, memory (4000−500)/4000 = 87 → 68
    expect(runScorePlugin(NodeResourcesFit, asking('300m', '100Mi'), [n])).toEqual({ n1: 68 });
  });

  it('given configured resources and weights, an extended resource counts only when requested', () => {
    const plugin = nodeResourcesFit({ scoringStrategy: { resources: [{ name: 'cpu', weight: 1 }, { name: 'example.com/gpu', weight: 3 }] } });
    const gpuNode = makeNode('g', { allocatable: { cpu: '4', memory: '10000', 'example.com/gpu': '4' } });
    const gpuPod = makePod('p', { containers: [container({ cpu: '3', 'example.com/gpu': '1' })] });
    // cpu 25·1 + gpu (4−1)·100/4 = 75·3 → 250/4 = 62
    expect(runScorePlugin(plugin, gpuPod, [gpuNode])).toEqual({ g: 62 });
    // without a gpu request only cpu counts: 25
    expect(runScorePlugin(plugin, asking('3', '0'), [gpuNode])).toEqual({ g: 25 });
  });
});

describe('NodeResourcesBalancedAllocation', () => {
  it('given a pod, the node where cpu and memory use end up closer scores higher', () => {
    const cpuHeavy = node('cpu-heavy', [asking('2', '1000')]);
    const even = node('even', [asking('1', '4000')]);
    // pod 1000m/1000: cpu-heavy 0.75 vs 0.2 → std 0.275 → 72; even 0.5 vs 0.5 → 100
    expect(runScorePlugin(NodeResourcesBalancedAllocation, asking('1', '1000'), [cpuHeavy, even])).toEqual({ 'cpu-heavy': 72, even: 100 });
  });

  it('given a best-effort pod, PreScore skips the plugin', () => {
    const pod = makePod('p', { containers: [container({})] });
    expect(runScorePlugin(NodeResourcesBalancedAllocation, pod, [node('n1')])).toEqual({ code: 'Skip' });
  });
});
