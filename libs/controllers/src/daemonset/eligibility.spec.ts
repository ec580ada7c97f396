import { nodeShouldRunDaemonPod } from './eligibility';
import { fluentd, node } from './testing';
import type { PodSpec, Taint } from './types';

const withSpec = (spec: Partial<PodSpec>) => {
  const ds = fluentd();
  return { ...ds, spec: { ...ds.spec, template: { ...ds.spec.template, spec: { ...ds.spec.template.spec, ...spec } } } };
};

const NETWORK_UNAVAILABLE: Taint = { key: 'node.kubernetes.io/network-unavailable', effect: 'NoSchedule' };

describe('nodeShouldRunDaemonPod', () => {
  it.each([
    ['an untainted node', [], {}, true, true],
    ['a NoSchedule taint it does not tolerate: no new pod, but an existing one stays', [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }], {}, false, true],
    ['a NoExecute taint it does not tolerate: the pod must go', [{ key: 'dedicated', value: 'db', effect: 'NoExecute' }], {}, false, false],
    ['a PreferNoSchedule taint: only a preference', [{ key: 'dedicated', value: 'db', effect: 'PreferNoSchedule' }], {}, true, true],
    ['a tolerated taint', [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }], { tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'db', effect: 'NoSchedule' }] }, true, true],
    ['a not-ready node (default toleration)', [{ key: 'node.kubernetes.io/not-ready', effect: 'NoExecute' }], {}, true, true],
    ['an unreachable node (default toleration)', [{ key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' }], {}, true, true],
    ['a cordoned node (default toleration)', [{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }], {}, true, true],
    ['a node under memory pressure (default toleration)', [{ key: 'node.kubernetes.io/memory-pressure', effect: 'NoSchedule' }], {}, true, true],
    ['a node without network, ordinary daemon', [NETWORK_UNAVAILABLE], {}, false, true],
    ['a node without network, daemon tolerating it (the seed: the network plugin itself)', [NETWORK_UNAVAILABLE], { tolerations: [{ key: 'node.kubernetes.io/network-unavailable', operator: 'Exists', effect: 'NoSchedule' }] }, true, true],
    ['a node without network, host-network daemon (default toleration)', [NETWORK_UNAVAILABLE], { hostNetwork: true }, true, true],
  ] as [string, Taint[], Partial<PodSpec>, boolean, boolean][])('given %s', (_given, taints, spec, shouldRun, shouldContinueRunning) => {
    expect(nodeShouldRunDaemonPod(node('n1', taints), withSpec(spec))).toEqual({ shouldRun, shouldContinueRunning });
  });

  it.each([
    ['nodeSelector matches', { nodeSelector: { disk: 'ssd' } }, true],
    ['nodeSelector differs', { nodeSelector: { disk: 'hdd' } }, false],
    ['required affinity In matches', { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'disk', operator: 'In', values: ['ssd', 'nvme'] }] }] } } } }, true],
    ['required affinity NotIn excludes', { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'disk', operator: 'NotIn', values: ['ssd'] }] }] } } } }, false],
    ['terms are ORed', { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'gpu', operator: 'Exists' }] }, { matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n1'] }] }] } } } }, true],
    ['an empty term matches nothing', { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{}] } } } }, false],
    ['template nodeName names another node', { nodeName: 'n2' }, false],
  ] as [string, Partial<PodSpec>, boolean][])('given %s', (_given, spec, fits) => {
    expect(nodeShouldRunDaemonPod(node('n1', [], { disk: 'ssd' }), withSpec(spec)).shouldRun).toBe(fits);
  });
});
