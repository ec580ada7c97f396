import type { NodeInfo, PluginArgs, PluginFactory, PodInfo, ScorePlugin } from '../../framework/types';
import { podsWithAffinityOf } from '../../cache/snapshot';
import { affinityTermsOf, termMatchesPod, type AffinityTerm } from './affinity-terms';
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
 * Weights are first summed per node and only then folded into topology values — and only into
 * the values that the nodes being scored carry, like PodTopologySpread does. Inserting thousands
 * of distinct values (a hostname key) into a Map on every cycle costs far more than looking them up.
 */
class Accumulator {
  private readonly byKey = new Map<string, Map<NodeInfo, number>>();

  add(term: AffinityTerm, weight: number, node: NodeInfo): void {
    let sums = this.byKey.get(term.topologyKey);
    if (!sums) this.byKey.set(term.topologyKey, (sums = new Map()));
    sums.set(node, (sums.get(node) ?? 0) + weight);
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
      for (const [node, sum] of sums) {
        if (sum === 0) continue;
        const value = node.labels[key];
        if (value === undefined) continue;
        const current = byValue.get(value);
        if (current !== undefined) byValue.set(value, current + sum);
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
      // Only nodes holding pods with (anti-)affinity can score through those pods' terms; the
      // cache's index knows the pods whose terms score at all (required anti-affinity does not).
      const index = ctx.snapshot.affinityIndex;
      const withAffinity = index ? [] : (ctx.snapshot.havePodsWithAffinity ?? ctx.snapshot.nodes);
      if (!hasPreferred && (index ? index.podsWithScoringTerms.size === 0 : withAffinity.every((n) => podsWithAffinityOf(n).length === 0))) return { code: 'Skip' };

      const acc = new Accumulator();
      // The incoming pod's preferred terms, against every placed pod.
      if (hasPreferred) {
        const allNodes = ctx.snapshot.nodes;
        for (let n = 0; n < allNodes.length; n++) {
          const node = allNodes[n];
          for (let i = 0; i < node.pods.length; i++) {
            const placed = node.pods[i];
            const nsLabels = ctx.snapshot.namespaces.get(placed.namespace);
            for (const term of own.preferredAffinity) if (termMatchesPod(term, placed, nsLabels)) acc.add(term, term.weight, node);
            for (const term of own.preferredAntiAffinity) if (termMatchesPod(term, placed, nsLabels)) acc.add(term, -term.weight, node);
          }
        }
      }
      // The placed pods' terms, against the incoming pod.
      const nsLabels = ctx.snapshot.namespaces.get(pod.namespace);
      const existing = (placed: PodInfo, node: NodeInfo) => {
        const theirs = affinityTermsOf(placed);
        if (hardPodAffinityWeight > 0) {
          for (const t of theirs.requiredAffinity) if (termMatchesPod(t, pod, nsLabels)) acc.add(t, hardPodAffinityWeight, node);
        }
        if (ignorePreferredTermsOfExistingPods) return;
        for (const t of theirs.preferredAffinity) if (termMatchesPod(t, pod, nsLabels)) acc.add(t, t.weight, node);
        for (const t of theirs.preferredAntiAffinity) if (termMatchesPod(t, pod, nsLabels)) acc.add(t, -t.weight, node);
      };
      if (index) {
        for (const { pod: placed, nodeName } of index.podsWithScoringTerms.values()) {
          const node = ctx.snapshot.nodeInfo(nodeName);
          if (node) existing(placed, node);
        }
      }
      for (let n = 0; n < withAffinity.length; n++) {
        const node = withAffinity[n];
        const placedPods = podsWithAffinityOf(node);
        for (let i = 0; i < placedPods.length; i++) existing(placedPods[i], node);
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
