import { makeNode, makePod, container, runScorePlugin } from '../plugins/score/testing';
import { ConfigurationError, DEFAULT_SCHEDULER_NAME, loadSchedulerConfiguration } from './config';

const names = (ps: readonly { name: string }[]) => ps.map((p) => p.name);
const errorsOf = (text: string): readonly string[] => {
  try {
    loadSchedulerConfiguration(text);
  } catch (e) {
    if (e instanceof ConfigurationError) return e.errors;
    throw e;
  }
  throw new Error('expected a ConfigurationError');
};

describe('loadSchedulerConfiguration', () => {
  it('given no file, then one default-scheduler profile with Kubernetes’ default plugins, weights and preemption', () => {
    const { profiles } = loadSchedulerConfiguration();
    expect(profiles).toHaveLength(1);
    expect(profiles[0]).toMatchObject({ name: DEFAULT_SCHEDULER_NAME, preemption: true });
    expect(names(profiles[0].filters)).toEqual(['NodeUnschedulable', 'NodeName', 'TaintToleration', 'NodeAffinity', 'NodePorts', 'NodeResourcesFit', 'VolumeBinding', 'PodTopologySpread', 'InterPodAffinity']);
    expect(profiles[0].scores.map((s) => `${s.plugin.name}=${s.weight}`)).toEqual([
      'TaintToleration=3', 'NodeAffinity=2', 'NodeResourcesFit=1', 'PodTopologySpread=2', 'InterPodAffinity=2', 'NodeResourcesBalancedAllocation=1', 'ImageLocality=1',
    ]);
    expect(profiles[0].percentageOfNodesToScore).toBeUndefined();
  });

  it('given a second profile that disables and re-weights score plugins, then each profile gets its own set', () => {
    const { profiles } = loadSchedulerConfiguration(`
apiVersion: kubescheduler.config.k8s.io/v1
kind: KubeSchedulerConfiguration
percentageOfNodesToScore: 30
profiles:
- schedulerName: default-scheduler
- schedulerName: packing-scheduler
  percentageOfNodesToScore: 70
  plugins:
    score:
      disabled: [{ name: ImageLocality }, { name: NodeResourcesBalancedAllocation }]
      enabled: [{ name: NodeResourcesFit, weight: 5 }]
    postFilter:
      disabled: [{ name: DefaultPreemption }]
  pluginConfig:
  - name: NodeResourcesFit
    args: { scoringStrategy: { type: MostAllocated } }
`);
    expect(profiles.map((p) => [p.name, p.percentageOfNodesToScore, p.preemption])).toEqual([['default-scheduler', 30, true], ['packing-scheduler', 70, false]]);
    expect(profiles[1].scores.map((s) => `${s.plugin.name}=${s.weight}`)).toEqual(['TaintToleration=3', 'NodeAffinity=2', 'NodeResourcesFit=5', 'PodTopologySpread=2', 'InterPodAffinity=2']);
    // MostAllocated packs: the fuller node scores higher
    const fit = profiles[1].scores[2].plugin;
    const full = makeNode('full', { allocatable: { cpu: '4', memory: '8Gi', pods: '110' }, pods: [makePod('x', { containers: [container({ cpu: '3', memory: '6Gi' })] })] });
    const empty = makeNode('empty');
    const scores = runScorePlugin(fit, makePod('p', { containers: [container({ cpu: '100m', memory: '100Mi' })] }), [full, empty]) as Record<string, number>;
    expect(scores.full).toBeGreaterThan(scores.empty);
  });

  it('given filter disabled with "*" and one enabled, then only that filter runs', () => {
    const { profiles } = loadSchedulerConfiguration('profiles: [{ schedulerName: s, plugins: { filter: { disabled: [{ name: "*" }], enabled: [{ name: NodeResourcesFit }] } } }]');
    expect(names(profiles[0].filters)).toEqual(['NodeResourcesFit']);
  });

  it.each`
    yaml                                                                                                   | error
    ${'apiVersion: kubescheduler.config.k8s.io/v1beta1'}                                                  | ${'apiVersion: Unsupported value: "kubescheduler.config.k8s.io/v1beta1"'}
    ${'percentageOfNodesToScore: 120'}                                                                     | ${'percentageOfNodesToScore: Invalid value: 120: not in valid range [0-100]'}
    ${'profiles: []'}                                                                                      | ${'profiles: Required value: at least one profile'}
    ${'profiles: [{ plugins: {} }]'}                                                                       | ${'profiles[0].schedulerName: Required value'}
    ${'profiles: [{ schedulerName: a }, { schedulerName: a }]'}                                            | ${'profiles[1].schedulerName: Duplicate value: "a"'}
    ${'profiles: [{ schedulerName: a, plugins: { score: { enabled: [{ name: Foo }] } } }]'}                | ${'profiles[0].plugins.score.enabled[0].name: Invalid value: "Foo": plugin not registered for this extension point'}
    ${'profiles: [{ schedulerName: a, plugins: { filter: { enabled: [{ name: ImageLocality }] } } }]'}     | ${'profiles[0].plugins.filter.enabled[0].name: Invalid value: "ImageLocality"'}
    ${'profiles: [{ schedulerName: a, plugins: { score: { enabled: [{ name: NodeAffinity, weight: 0 }] } } }]'} | ${'profiles[0].plugins.score.enabled[0].weight: Invalid value: 0: must be an integer between 1 and 100'}
    ${'profiles: [{ schedulerName: a, plugins: { multiPoint: {} } }]'}                                     | ${'profiles[0].plugins.multiPoint: Unsupported value'}
    ${'profiles: [{ schedulerName: a, pluginConfig: [{ name: NodeResourcesFit, args: { scoringStrategy: { type: Packed } } }] }]'} | ${'profiles[0].pluginConfig[0].args.scoringStrategy.type: Unsupported value: "Packed"'}
    ${'profiles: [{ schedulerName: a, pluginConfig: [{ name: Bogus }] }]'}                                 | ${'profiles[0].pluginConfig[0].name: Invalid value: "Bogus": plugin not registered'}
    ${'profiles: [ {'}                                                                                     | ${'not valid YAML'}
  `('given $yaml, then the error names the field: $error', ({ yaml, error }) => {
    expect(errorsOf(yaml).join('\n')).toContain(error);
  });
});
