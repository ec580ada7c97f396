import type { PluginContext, PodInfo, ScorePlugin, Taint, Toleration } from '../../framework/types';
import { numbersAt } from '../../framework/node-table';
import { cycleSlot } from './cycle-slot';
import { defaultNormalizeScore } from './normalize';
import { toleratesTaint, tolerationsOf } from './pod-spec';
import { MAX_NODE_SCORE } from '../../framework/types';

// TaintToleration's Score (tainttoleration/taint_toleration.go): PreferNoSchedule taints are
// soft — a node may still be chosen — but each one the pod does not tolerate counts against
// the node. Raw score = that count; normalisation reverses it so fewer is better.

const NAME = 'TaintToleration';
const slot = cycleSlot<Toleration[]>(`PreScore${NAME}`);

/** Tolerations that can matter for PreferNoSchedule: that effect, or no effect (= every effect). */
export function preferNoScheduleTolerations(tolerations: readonly Toleration[]): Toleration[] {
  return tolerations.filter((t) => !t.effect || t.effect === 'PreferNoSchedule');
}

export function countIntolerableTaintsPreferNoSchedule(taints: readonly Taint[], tolerations: readonly Toleration[]): number {
  let count = 0;
  for (const taint of taints) {
    if (taint.effect !== 'PreferNoSchedule') continue;
    if (!tolerations.some((t) => toleratesTaint(t, taint))) count++;
  }
  return count;
}

const tolerationsFor = (ctx: PluginContext, pod: PodInfo): Toleration[] =>
  slot.get(ctx.state) ?? preferNoScheduleTolerations(tolerationsOf(pod));

export const TaintToleration = {
  name: NAME,
  preScore(ctx, pod) {
    slot.set(ctx.state, preferNoScheduleTolerations(tolerationsOf(pod)));
    return { code: 'Success' };
  },
  score(ctx, pod, node, at?: number) {
    return numbersAt(ctx.snapshot, node, at).preferNoScheduleTaints === 0 ? 0 : countIntolerableTaintsPreferNoSchedule(node.taints, tolerationsFor(ctx, pod));
  },
  normalizeScore(_ctx, _pod, scores) {
    defaultNormalizeScore(MAX_NODE_SCORE, true, scores);
  },
} satisfies ScorePlugin;
