// Taint-based eviction (pkg/controller/tainteviction): a pod on a node with a NoExecute taint
//   - it does not tolerate         is deleted at once;
//   - tolerated without seconds    stays;
//   - tolerated for N seconds      is deleted N seconds after the taint was added (the
//                                  smallest N over the taints, as getMinTolerationTime).
// Kubernetes starts the clock when its taint manager sees the taint; here it starts at the
// taint's timeAdded, which the node lifecycle controller stamps, so a restart does not reset it.

import { timeOf, wireTime } from '../common/types';
import { Pod, Taint, TAINT_NOT_READY, TAINT_UNREACHABLE, Toleration, tolerates } from './types';

/** DefaultTolerationSeconds admission: what a pod without its own not-ready/unreachable toleration gets. */
export const DEFAULT_TOLERATION_SECONDS = 300;

/**
 * The tolerations the DefaultTolerationSeconds admission plugin adds (`node.kubernetes.io/not-ready`
 * and `unreachable`, NoExecute, `seconds`), unless the pod already tolerates those taints.
 * Applied here too so pods admitted without the plugin are judged as Kubernetes would.
 */
export function withDefaultTolerations(tolerations: readonly Toleration[], seconds: number = DEFAULT_TOLERATION_SECONDS): Toleration[] {
  const out = [...tolerations];
  for (const key of [TAINT_NOT_READY, TAINT_UNREACHABLE]) {
    const probe: Taint = { key, effect: 'NoExecute' };
    if (!tolerations.some((t) => tolerates(t, probe))) out.push({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: seconds });
  }
  return out;
}

export type EvictionDecision = { readonly evict: 'now' } | { readonly evict: 'later'; readonly inSeconds: number } | { readonly evict: 'never' };

export function evictionDecision(pod: Pod, taints: readonly Taint[], now: Date, defaultTolerationSeconds: number = DEFAULT_TOLERATION_SECONDS): EvictionDecision {
  const noExecute = taints.filter((t) => t.effect === 'NoExecute');
  if (noExecute.length === 0) return { evict: 'never' };
  const tolerations = withDefaultTolerations(pod.spec?.tolerations ?? [], defaultTolerationSeconds);
  let deadline = Infinity;
  for (const taint of noExecute) {
    const toleration = tolerations.find((t) => tolerates(t, taint));
    if (!toleration) return { evict: 'now' };
    if (toleration.tolerationSeconds === undefined) continue;
    const since = timeOf(taint.timeAdded) ?? now.getTime();
    deadline = Math.min(deadline, since + Math.max(0, toleration.tolerationSeconds) * 1000);
  }
  if (deadline === Infinity) return { evict: 'never' };
  // E.g. tainted at 12:00:00, 300 s tolerated, now 12:04:10 → 50 s left.
  const left = Math.ceil((deadline - now.getTime()) / 1000);
  return left <= 0 ? { evict: 'now' } : { evict: 'later', inSeconds: left };
}

/** The condition Kubernetes records on a pod before deleting it for a taint (`kubectl describe pod` shows it). */
export function disruptionTargetCondition(now: Date) {
  return { type: 'DisruptionTarget', status: 'True' as const, reason: 'DeletionByTaintManager', message: 'Taint manager: deleting due to NoExecute taint', lastTransitionTime: wireTime(now) };
}
