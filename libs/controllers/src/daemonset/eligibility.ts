import { requirementError, requirementMatches, type LabelOperator, type LabelRequirement } from '@keelson/apimachinery';
import type { DaemonSet, Node, NodeSelectorTerm, PodSpec, Taint, Toleration } from './types';

// Which nodes a DaemonSet runs on: Kubernetes' NodeShouldRunDaemonPod. The daemon pod is judged
// as it would be created — with the tolerations every daemon pod gets — against the node's
// nodeName, required node affinity (nodeSelector AND requiredDuringScheduling terms) and taints.
//
//   shouldRun             a pod should be started here
//   shouldContinueRunning a pod already here may stay: true also when the node only has
//                         NoSchedule taints the pod does not tolerate (they keep new pods out,
//                         they do not evict)

/**
 * AddOrUpdateDaemonPodTolerations: daemons keep running on nodes that are not ready or
 * unreachable, under resource pressure, or cordoned. Host-network daemons (a CNI agent, the
 * seed's Weave) also start on a node whose network is not up yet — that is how the network
 * plugin itself gets installed. Any other daemon needs its own toleration for that taint.
 */
export function daemonTolerations(spec: PodSpec | undefined): Toleration[] {
  const defaults: Toleration[] = [
    { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' },
    { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' },
    { key: 'node.kubernetes.io/disk-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/memory-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/pid-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' },
    ...(spec?.hostNetwork ? [{ key: 'node.kubernetes.io/network-unavailable', operator: 'Exists', effect: 'NoSchedule' }] : []),
  ];
  // AddOrUpdateTolerationInPodSpec: the pod's own tolerations first; a default it already has is not added twice.
  const same = (a: Toleration, b: Toleration) => (a.key ?? '') === (b.key ?? '') && (a.operator ?? 'Equal') === (b.operator ?? 'Equal') && (a.value ?? '') === (b.value ?? '') && (a.effect ?? '') === (b.effect ?? '');
  const own = spec?.tolerations ?? [];
  return [...own, ...defaults.filter((d) => !own.some((t) => same(d, t)))];
}

/** v1.Toleration.ToleratesTaint. */
export function tolerates(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.key && t.key !== taint.key) return false;
  if (t.operator === 'Exists') return true;
  return (t.operator ?? 'Equal') === 'Equal' && (t.value ?? '') === (taint.value ?? '');
}

const untolerated = (taints: readonly Taint[], tolerations: readonly Toleration[], effects: readonly string[]): boolean =>
  taints.some((taint) => effects.includes(taint.effect) && !tolerations.some((t) => tolerates(t, taint)));

const OPERATORS: Readonly<Record<string, LabelOperator>> = { In: 'in', NotIn: 'notin', Exists: 'exists', DoesNotExist: '!', Gt: 'gt', Lt: 'lt' };

/** One NodeSelectorTerm: expressions on labels AND fields (only metadata.name); an empty or malformed term matches nothing. */
function termMatches(term: NodeSelectorTerm, node: Node): boolean {
  const exprs = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  if (exprs.length === 0 && fields.length === 0) return false;
  const labels = node.metadata.labels ?? {};
  for (const e of exprs) {
    const operator = OPERATORS[e.operator];
    const values = e.values ?? [];
    if (!operator || requirementError(e.key, operator, values)) return false;
    if (!requirementMatches({ key: e.key, operator, values } as LabelRequirement, labels)) return false;
  }
  for (const f of fields) {
    if (f.key !== 'metadata.name' || f.values?.length !== 1) return false;
    if (f.operator === 'In' ? f.values[0] !== node.metadata.name : f.operator === 'NotIn' ? f.values[0] === node.metadata.name : true) return false;
  }
  return true;
}

/** nodeaffinity.GetRequiredNodeAffinity(pod).Match(node): the nodeSelector map AND any one required term. */
export function matchesNodeAffinity(spec: PodSpec | undefined, node: Node): boolean {
  const labels = node.metadata.labels ?? {};
  for (const [k, v] of Object.entries(spec?.nodeSelector ?? {})) if (labels[k] !== v) return false;
  const terms = spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
  return terms === undefined || terms.some((t) => termMatches(t, node));
}

export interface Eligibility {
  shouldRun: boolean;
  shouldContinueRunning: boolean;
}

export function nodeShouldRunDaemonPod(node: Node, ds: DaemonSet): Eligibility {
  const spec = ds.spec.template.spec;
  const nodeName = spec?.nodeName ?? '';
  if (nodeName !== '' && nodeName !== node.metadata.name) return { shouldRun: false, shouldContinueRunning: false };
  if (!matchesNodeAffinity(spec, node)) return { shouldRun: false, shouldContinueRunning: false };
  const taints = node.spec?.taints ?? [];
  const tolerations = daemonTolerations(spec);
  if (untolerated(taints, tolerations, ['NoSchedule', 'NoExecute'])) {
    return { shouldRun: false, shouldContinueRunning: !untolerated(taints, tolerations, ['NoExecute']) };
  }
  return { shouldRun: true, shouldContinueRunning: true };
}
