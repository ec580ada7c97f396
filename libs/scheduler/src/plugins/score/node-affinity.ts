import { MAX_NODE_SCORE, type PluginContext, type PodInfo, type ScorePlugin } from '../../framework/types';
import { compileTerm, type CompiledTerm, termMatches } from './node-selector';
import { cycleSlot } from './cycle-slot';
import { defaultNormalizeScore } from './normalize';
import { affinityOf } from './pod-spec';

// NodeAffinity's Score (nodeaffinity/node_affinity.go): the sum of the weights of the pod's
// preferred node-affinity terms the node matches, scaled so the best node gets 100.
// Pods without preferred terms skip the plugin.

const NAME = 'NodeAffinity';
const slot = cycleSlot<PreferredTerm[]>(`PreScore${NAME}`);

export interface PreferredTerm {
  readonly weight: number;
  readonly term: CompiledTerm | null;
}

export function preferredTerms(pod: PodInfo): PreferredTerm[] {
  const preferred = affinityOf(pod).nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? [];
  // a zero weight contributes nothing (Kubernetes skips it too)
  return preferred.filter((p) => p.weight !== 0).map((p) => ({ weight: p.weight, term: compileTerm(p.preference ?? {}) }));
}

const termsFor = (ctx: PluginContext, pod: PodInfo): PreferredTerm[] =>
  slot.get(ctx.state) ?? preferredTerms(pod);

export const NodeAffinity = {
  name: NAME,
  preScore(ctx, pod) {
    const terms = preferredTerms(pod);
    if (terms.length === 0) return { code: 'Skip' };
    slot.set(ctx.state, terms);
    return { code: 'Success' };
  },
  score(ctx, pod, node) {
    let sum = 0;
    for (const t of termsFor(ctx, pod)) if (termMatches(t.term, node)) sum += t.weight;
    return sum;
  },
  normalizeScore(_ctx, _pod, scores) {
    defaultNormalizeScore(MAX_NODE_SCORE, false, scores);
  },
} satisfies ScorePlugin;
