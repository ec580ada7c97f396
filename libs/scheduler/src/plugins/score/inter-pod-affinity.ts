import type { NodeInfo, PluginArgs, PluginFactory, ScorePlugin } from '../../framework/types';
import { affinityTermsOf, podIndexOf, termMatchesPod, type AffinityTerm } from './affinity-terms';
import { cycleSlot } from './cycle-slot';
import { minMaxNormalize } from './normalize';

// InterPodAffinity's Score (interpodaffinity/scoring.go). Affinity is symmetric, so a node's
// raw score gathers, for every pod already placed in the node's topology domain:
//   + weight of each preferred affinity term of the incoming pod that the placed pod matches,
//   − weight of each preferred anti-affinity term of the incoming pod that it matches,
//   + hardPodAffinityWeight for each *required* affinity term of the placed pod the incoming pod matches,
//   ± weight of each preferred (anti-)affinity term of the placed pod the incoming pod matches.
// PreScore sums these once per (topologyKey, value); Score is then one lookup per key per node,
// which keeps 5,000 nodes × 10,000 pods to a single pass over the pods per cycle.
// Scores are min–max normalised, so the worst node gets 0 and the best 100.

const NAME = 'InterPodAffinity';

export interface InterPodAffinityArgs {
  /** weight of an existing pod's required affinity terms when scoring (Kubernetes default 1; 0 disables) */
  hardPodAffinityWeight?: number;
  ignorePreferredTermsOfExistingPods?: boolean;
}

/** topologyKey → topology value → summed weight */
export type TopologyScore = Map<string, Map<string, number>>;

/**
 * Weights are first summed per node (a typed array per topology key, indexed like
 * snapshot.nodes) and only then folded into topology values — and only into the values that
 * the nodes being scored carry, like PodTopologySpread does. Inserting thousands of distinct
 * values (a hostname key) into a Map on every cycle costs far more than looking them up.
 */
class Accumulator {
  private readonly byKey = new Map<string, Float64Array>();
  constructor(private readonly nodes: readonly NodeInfo[]) {}

  add(term: AffinityTerm, weight: number, nodeIndex: number): void {
    let sums = this.byKey.get(term.topologyKey);
    if (!sums) this.byKey.set(term.topologyKey, (sums = new Float64Array(this.nodes.length)));
    sums[nodeIndex] += weight;
  }

  /** Σ per (topologyKey, value) for the values of `scored` nodes; nodes without the key contribute nothing. */
  topologyScore(scored: readonly NodeInfo[]): TopologyScore {
    const scores: TopologyScore = new Map();
    for (const [key, sums] of this.byKey) {
      const byValue = new Map<string, number>();
      for (const node of scored) {
        const value = node.labels[key];
        if (value !== undefined) byValue.set(value, 0);
      }
      for (let i = 0; i < sums.length; i++) {
        if (sums[i] === 0) continue;
        const value = this.nodes[i].labels[key];
        if (value === undefined) continue;
        const current = byValue.get(value);
        if (current !== undefined) byValue.set(value, current + sums[i]);
      }
      scores.set(key, byValue);
    }
    return scores;
  }
}

export const interPodAffinity: PluginFactory<ScorePlugin> = (args: PluginArgs) => {
  const { hardPodAffinityWeight = 1, ignorePreferredTermsOfExistingPods = false } = args as InterPodAffinityArgs;
  const slot = cycleSlot<[string, Map<string, number>][]>(`PreScore${NAME}`);

  return {
    name: NAME,
    preScore(ctx, pod, nodes) {
      if (nodes.length === 0) return { code: 'Skip' };
      const own = affinityTermsOf(pod);
      const hasPreferred = own.preferredAffinity.length > 0 || own.preferredAntiAffinity.length > 0;
      const index = podIndexOf(ctx.snapshot);
      if (!hasPreferred && index.withAffinity.length === 0) return { code: 'Skip' };

      const acc = new Accumulator(ctx.snapshot.nodes);
      // The incoming pod's preferred terms, against the pods in the namespaces they name.
      for (const [terms, sign] of [[own.preferredAffinity, 1], [own.preferredAntiAffinity, -1]] as const) {
        for (const term of terms) {
          const weight = sign * term.weight;
          if (term.namespaceSelector !== null) {
            for (const placed of index.all) {
              if (termMatchesPod(term, placed.pod, ctx.snapshot.namespaces.get(placed.pod.namespace))) acc.add(term, weight, placed.nodeIndex);
            }
            continue;
          }
          // only named namespaces: the pods are taken from them, so only labels remain to check
          for (const ns of term.namespaces ?? []) {
            const list = index.byNamespace.get(ns) ?? [];
            for (let i = 0; i < list.length; i++) if (term.matchesLabels(list[i].pod.labels)) acc.add(term, weight, list[i].nodeIndex);
          }
        }
      }
      // The placed pods' terms, against the incoming pod.
      const nsLabels = ctx.snapshot.namespaces.get(pod.namespace);
      for (const placed of index.withAffinity) {
        const theirs = affinityTermsOf(placed.pod);
        if (hardPodAffinityWeight > 0) {
          for (const t of theirs.requiredAffinity) if (termMatchesPod(t, pod, nsLabels)) acc.add(t, hardPodAffinityWeight, placed.nodeIndex);
        }
        if (ignorePreferredTermsOfExistingPods) continue;
        for (const t of theirs.preferredAffinity) if (termMatchesPod(t, pod, nsLabels)) acc.add(t, t.weight, placed.nodeIndex);
        for (const t of theirs.preferredAntiAffinity) if (termMatchesPod(t, pod, nsLabels)) acc.add(t, -t.weight, placed.nodeIndex);
      }
      const scores = acc.topologyScore(nodes);
      slot.set(ctx.state, [...scores]);
      return { code: 'Success' };
    },
    score(ctx, _pod, node) {
      const scores = slot.get(ctx.state);
      if (!scores) return 0;
      let score = 0;
      for (let i = 0; i < scores.length; i++) {
        const value = node.labels[scores[i][0]];
        if (value !== undefined) score += scores[i][1].get(value) ?? 0;
      }
      return score;
    },
    normalizeScore(ctx, _pod, scores) {
      const state = slot.get(ctx.state);
      if (!state || state.length === 0) return;
      minMaxNormalize(scores);
    },
  } satisfies ScorePlugin;
};

export const InterPodAffinity = interPodAffinity({});
