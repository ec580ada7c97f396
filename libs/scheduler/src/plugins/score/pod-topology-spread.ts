import type { LabelRequirement, LabelRequirements, LabelSelector } from '@keelson/apimachinery';
import { MAX_NODE_SCORE, type NodeInfo, type PodInfo, type ScorePlugin } from '../../framework/types';
import { compileSelector } from './affinity-terms';
import { cycleSlot } from './cycle-slot';
import { requiredNodeAffinity } from './node-selector';
import { arr, selectorOf, specOf, toleratesTaint, tolerationsOf } from './pod-spec';

// PodTopologySpread's Score (podtopologyspread/scoring.go), for the pod's ScheduleAnyway
// constraints: a node scores by how many matching pods already sit in its topology domains,
// each count weighted by log(#domains + 2) so that small topologies are not drowned by big
// ones, plus maxSkew − 1 to tolerate small skews. Fewer is better: normalisation reverses it.
// Pods without constraints skip the plugin (Kubernetes' system-default constraints need the
// pod's Services and ReplicaSets, which the snapshot does not carry).

const NAME = 'PodTopologySpread';
const HOSTNAME = 'kubernetes.io/hostname';

interface WireConstraint {
  maxSkew: number;
  topologyKey: string;
  whenUnsatisfiable: 'DoNotSchedule' | 'ScheduleAnyway';
  labelSelector?: LabelSelector | null;
  matchLabelKeys?: string[];
  nodeAffinityPolicy?: 'Honor' | 'Ignore';
  nodeTaintsPolicy?: 'Honor' | 'Ignore';
}

export interface SpreadConstraint {
  readonly maxSkew: number;
  readonly topologyKey: string;
  readonly selector: LabelRequirements;
  readonly matchesLabels: (labels: Readonly<Record<string, string>>) => boolean;
  readonly honorNodeAffinity: boolean;
  readonly honorNodeTaints: boolean;
}

/** The pod's ScheduleAnyway constraints, with matchLabelKeys folded into the selector as `key in (pod's value)`. */
export function softConstraints(pod: PodInfo): SpreadConstraint[] {
  return arr<WireConstraint>(specOf(pod).topologySpreadConstraints)
    .filter((c) => c.whenUnsatisfiable === 'ScheduleAnyway')
    .map((c) => {
      let selector = selectorOf(c.labelSelector);
      const extra: LabelRequirement[] = (c.matchLabelKeys ?? []).filter((k) => k in pod.labels).map((k) => ({ key: k, operator: 'in', values: [pod.labels[k]] }));
      if (selector !== null && extra.length) selector = [...selector, ...extra];
      return { maxSkew: c.maxSkew, topologyKey: c.topologyKey, selector, matchesLabels: compileSelector(selector), honorNodeAffinity: c.nodeAffinityPolicy !== 'Ignore', honorNodeTaints: c.nodeTaintsPolicy === 'Honor' };
    });
}

/** `topologyNormalizingWeight`: ln(size + 2); with 5,000 nodes at most ≈ 8.52. */
export const topologyNormalizingWeight = (size: number): number => Math.log(size + 2);

/** `scoreForCount`: count·weight + (maxSkew − 1). E.g. 3 pods, 2 zones (weight ln 4 ≈ 1.386), maxSkew 1 → 4.16. */
export const scoreForCount = (count: number, maxSkew: number, weight: number): number => count * weight + (maxSkew - 1);

/** Pods of the namespace matching the selector, terminating ones left out. */
export function countPodsMatchSelector(pods: readonly PodInfo[], matchesLabels: SpreadConstraint['matchesLabels'], namespace: string): number {
  let n = 0;
  for (let i = 0; i < pods.length; i++) {
    const p = pods[i];
    if (p.namespace !== namespace || p.pod.metadata.deletionTimestamp) continue;
    if (matchesLabels(p.labels)) n++;
  }
  return n;
}

interface State {
  readonly constraints: readonly SpreadConstraint[];
  readonly ignoredNodes: ReadonlySet<string>;
  /** per constraint: topology value → matching pods (hostname constraints count per node in score) */
  readonly counts: readonly Map<string, number>[];
  readonly weights: readonly number[];
}

const slot = cycleSlot<State>(`PreScore${NAME}`);

function hasAllKeys(node: NodeInfo, constraints: readonly SpreadConstraint[]): boolean {
  for (let i = 0; i < constraints.length; i++) if (node.labels[constraints[i].topologyKey] === undefined) return false;
  return true;
}

export const PodTopologySpread = {
  name: NAME,
  preScore(ctx, pod, filteredNodes) {
    const allNodes = ctx.snapshot.nodes;
    const constraints = softConstraints(pod);
    if (allNodes.length === 0 || constraints.length === 0) return { code: 'Skip' };

    const ignoredNodes = new Set<string>();
    const counts = constraints.map(() => new Map<string, number>());
    for (const node of filteredNodes) {
      if (!hasAllKeys(node, constraints)) {
        ignoredNodes.add(node.name);
        continue;
      }
      constraints.forEach((c, i) => {
        if (c.topologyKey !== HOSTNAME) counts[i].set(node.labels[c.topologyKey], 0);
      });
    }
    const weights = constraints.map((c, i) => topologyNormalizingWeight(c.topologyKey === HOSTNAME ? filteredNodes.length - ignoredNodes.size : counts[i].size));

    // Count matching pods across all nodes — not only feasible ones — in the domains that matter.
    const affinityOk = requiredNodeAffinity(pod);
    const tolerations = tolerationsOf(pod);
    const taintsOk = (node: NodeInfo) =>
      node.taints.every((t) => t.effect === 'PreferNoSchedule' || tolerations.some((tol) => toleratesTaint(tol, t)));
    for (const node of allNodes) {
      if (node.pods.length === 0 || !hasAllKeys(node, constraints)) continue;
      for (let i = 0; i < constraints.length; i++) {
        const c = constraints[i];
        if (c.topologyKey === HOSTNAME) continue;
        const value = node.labels[c.topologyKey];
        const current = counts[i].get(value);
        if (current === undefined) continue;
        if ((c.honorNodeAffinity && !affinityOk(node)) || (c.honorNodeTaints && !taintsOk(node))) continue;
        counts[i].set(value, current + countPodsMatchSelector(node.pods, c.matchesLabels, pod.namespace));
      }
    }
    slot.set(ctx.state, { constraints, ignoredNodes, counts, weights });
    return { code: 'Success' };
  },
  score(ctx, pod, node) {
    const s = slot.get(ctx.state);
    if (!s || s.ignoredNodes.has(node.name)) return 0;
    let score = 0;
    for (let i = 0; i < s.constraints.length; i++) {
      const c = s.constraints[i];
      const value = node.labels[c.topologyKey];
      if (value === undefined) continue;
      const count = c.topologyKey === HOSTNAME ? countPodsMatchSelector(node.pods, c.matchesLabels, pod.namespace) : (s.counts[i].get(value) ?? 0);
      score += scoreForCount(count, c.maxSkew, s.weights[i]);
    }
    return Math.round(score);
  },
  /**
   * Reverse min–max: 100·(max + min − s)/max, ignored nodes 0, all-zero 100.
   * Worked example: raw [4, 6, 8] → min 4, max 8 → 100·8/8 = 100, 100·6/8 = 75, 100·4/8 = 50.
   */
  normalizeScore(ctx, _pod, scores) {
    const s = slot.get(ctx.state);
    if (!s) return;
    let min = Infinity;
    let max = 0;
    for (const e of scores) {
      if (s.ignoredNodes.has(e.node)) continue;
      if (e.score < min) min = e.score;
      if (e.score > max) max = e.score;
    }
    for (const e of scores) {
      if (s.ignoredNodes.has(e.node)) e.score = 0;
      else if (max === 0) e.score = MAX_NODE_SCORE;
      else e.score = Math.trunc((MAX_NODE_SCORE * (max + min - e.score)) / max);
    }
  },
} satisfies ScorePlugin;
