import { labelSelectorToRequirements, type LabelRequirements, type LabelSelector } from '@keelson/apimachinery';
import type { FilterPlugin, NodeInfo, PluginContext, PodInfo, Snapshot, Status, Toleration } from '../../framework/types';
import { success, unresolvable, unschedulable } from '../../framework/types';
import { matchesRequiredNodeAffinity, requiredNodeAffinityOf, type RequiredNodeAffinity } from './node-selector';
import { anchorOf, compileSelector, type Anchor, type LabelMatcher } from './label-matcher';
import { candidatePods } from './pod-index';
import { findUntoleratedTaint, tolerationsOf } from './tolerations';

// PodTopologySpread (filter half, whenUnsatisfiable: DoNotSchedule). For each constraint a node
// passes when
//   pods matching the selector in the node's domain + (1 if the pod matches itself) − global minimum ≤ maxSkew
// where the global minimum is taken over the eligible domains, and counts as 0 while fewer
// than minDomains domains exist. Example: zones a=2, b=0, c=1 matching pods, maxSkew 1, the pod
// matches itself: zone a → 2+1−0 = 3 > 1 fails, zone b → 0+1−0 = 1 passes, zone c → 1+1−0 = 2 fails.
// System default constraints are ScheduleAnyway, so they never reach this filter.

export const ERR_REASON_CONSTRAINTS = "node(s) didn't match pod topology spread constraints";
export const ERR_REASON_NODE_LABEL = `${ERR_REASON_CONSTRAINTS} (missing required label)`;

const STATE_KEY = 'PreFilterPodTopologySpread';
const REJECT_NODE_LABEL = unresolvable(ERR_REASON_NODE_LABEL);
const REJECT_CONSTRAINTS = unschedulable(ERR_REASON_CONSTRAINTS);

interface TopologySpreadConstraint {
  maxSkew: number;
  topologyKey: string;
  whenUnsatisfiable: 'DoNotSchedule' | 'ScheduleAnyway';
  labelSelector?: LabelSelector | null;
  minDomains?: number;
  nodeAffinityPolicy?: 'Honor' | 'Ignore';
  nodeTaintsPolicy?: 'Honor' | 'Ignore';
  matchLabelKeys?: string[];
}

interface Constraint {
  readonly maxSkew: number;
  readonly topologyKey: string;
  readonly selector: LabelMatcher;
  readonly anchor: Anchor | undefined;
  /** a missing or empty selector counts no existing pod (countPodsMatchSelector) */
  readonly countsNothing: boolean;
  readonly minDomains: number;
  readonly honorNodeAffinity: boolean;
  readonly honorTaints: boolean;
}

interface PreFilterState {
  readonly pod: PodInfo;
  readonly constraints: readonly Constraint[];
  /** per constraint: topology value → matching pods, for every eligible domain (zero included) */
  readonly counts: readonly Map<string, number>[];
  /** per constraint: the smallest count over eligible domains, or Infinity when there are none */
  readonly minimums: readonly number[];
  /** per constraint: 1 if the pod itself matches the selector */
  readonly selfMatch: readonly number[];
}

function selectorOf(c: TopologySpreadConstraint, podLabels: Readonly<Record<string, string>>): LabelRequirements {
  let selector: LabelRequirements;
  try {
    selector = labelSelectorToRequirements(c.labelSelector);
  } catch {
    return null;
  }
  // matchLabelKeys: the pod's own values for those keys are ANDed into the selector.
  const extra = (c.matchLabelKeys ?? []).filter((k) => podLabels[k] !== undefined).map((k) => ({ key: k, operator: '=' as const, values: [podLabels[k]] }));
  return selector === null || extra.length === 0 ? selector : [...selector, ...extra];
}

export function doNotScheduleConstraints(pod: PodInfo): Constraint[] {
  const raw = (pod.pod.spec as { topologySpreadConstraints?: TopologySpreadConstraint[] } | undefined)?.topologySpreadConstraints ?? [];
  return raw
    .filter((c) => c.whenUnsatisfiable === 'DoNotSchedule')
    .map((c) => {
      const requirements = selectorOf(c, pod.labels);
      return {
        maxSkew: c.maxSkew,
        topologyKey: c.topologyKey,
        selector: compileSelector(requirements),
        anchor: anchorOf(requirements),
        countsNothing: requirements === null || requirements.length === 0,
        minDomains: c.minDomains ?? 1,
        honorNodeAffinity: (c.nodeAffinityPolicy ?? 'Honor') === 'Honor',
        honorTaints: (c.nodeTaintsPolicy ?? 'Ignore') === 'Honor',
      };
    });
}

/** Pods on the node, in the pod's namespace and not terminating, that the selector picks; an empty selector counts none. */
function countMatching(node: NodeInfo, c: Constraint, namespace: string): number {
  if (c.countsNothing) return 0;
  let n = 0;
  const pods = candidatePods(node.pods, c.anchor);
  for (let i = 0; i < pods.length; i++) {
    const p = pods[i];
    if (p.namespace === namespace && c.selector(p.labels) && !p.pod.metadata.deletionTimestamp) n++;
  }
  return n;
}

function isEligible(c: Constraint, node: NodeInfo, affinity: RequiredNodeAffinity, tolerations: readonly Toleration[]): boolean {
  if (c.honorNodeAffinity && !matchesRequiredNodeAffinity(affinity, node)) return false;
  return !(c.honorTaints && findUntoleratedTaint(node.taints, tolerations));
}

function computeState(snapshot: Snapshot, pod: PodInfo): PreFilterState {
  const constraints = doNotScheduleConstraints(pod);
  // no DoNotSchedule constraint (nearly every pod): PreFilter skips without looking at a node
  if (constraints.length === 0) return { pod, constraints, counts: [], minimums: [], selfMatch: [] };
  const counts = constraints.map(() => new Map<string, number>());
  const affinity = requiredNodeAffinityOf(pod.pod);
  const tolerations = pod.tolerations ?? tolerationsOf(pod.pod);
  const checkAffinity = affinity.nodeSelector !== undefined || affinity.terms !== undefined;
  const nodes = snapshot.nodes;
  nodes: for (let n = 0; n < nodes.length; n++) {
    const node = nodes[n];
    // A node missing any constraint's topology label is in no domain at all.
    for (let i = 0; i < constraints.length; i++) if (typeof node.labels[constraints[i].topologyKey] !== 'string') continue nodes;
    for (let i = 0; i < constraints.length; i++) {
      const c = constraints[i];
      if ((checkAffinity || c.honorTaints) && !isEligible(c, node, affinity, tolerations)) continue;
      const value = node.labels[c.topologyKey];
      counts[i].set(value, (counts[i].get(value) ?? 0) + countMatching(node, c, pod.namespace));
    }
  }
  const minimums = counts.map((m) => Math.min(...m.values()));
  const selfMatch = constraints.map((c) => (c.selector(pod.labels) ? 1 : 0));
  return { pod, constraints, counts, minimums, selfMatch };
}

function stateOf(ctx: PluginContext, pod: PodInfo): PreFilterState {
  const cached = ctx.state.get(STATE_KEY) as PreFilterState | undefined;
  if (cached && cached.pod === pod) return cached;
  const s = computeState(ctx.snapshot, pod);
  ctx.state.set(STATE_KEY, s);
  return s;
}

export const PodTopologySpread = {
  name: 'PodTopologySpread',
  preFilter: (ctx, pod) => (stateOf(ctx, pod).constraints.length === 0 ? { code: 'Skip' } : success),
  filter(ctx, pod, node): Status {
    const s = stateOf(ctx, pod);
    for (let i = 0; i < s.constraints.length; i++) {
      const c = s.constraints[i];
      const value = node.labels[c.topologyKey];
      if (typeof value !== 'string') return REJECT_NODE_LABEL;
      const minimum = s.counts[i].size < c.minDomains ? 0 : s.minimums[i];
      const skew = (s.counts[i].get(value) ?? 0) + s.selfMatch[i] - minimum;
      if (skew > c.maxSkew) return REJECT_CONSTRAINTS;
    }
    return success;
  },
} satisfies FilterPlugin;
