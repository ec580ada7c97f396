import type { KubeObject } from '@keelson/apimachinery';
import type { Taint, Toleration } from '../../framework/types';

// `v1.Toleration.ToleratesTaint` and `FindMatchingUntoleratedTaint` (k8s.io/api, component-helpers).

/** An empty effect tolerates every effect, an empty key with Exists every key; Equal (or no operator) needs equal values. */
export function toleratesTaint(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.key && t.key !== taint.key) return false;
  switch (t.operator ?? '') {
    case '':
    case 'Equal':
      return (t.value ?? '') === (taint.value ?? '');
    case 'Exists':
      return true;
    default:
      return false;
  }
}

export const tolerationsTolerate = (tolerations: readonly Toleration[], taint: Taint): boolean => tolerations.some((t) => toleratesTaint(t, taint));

/** The taints a pod must tolerate to be scheduled: PreferNoSchedule is only a preference. */
export const isDoNotScheduleTaint = (taint: Taint): boolean => taint.effect === 'NoSchedule' || taint.effect === 'NoExecute';

/** The first NoSchedule/NoExecute taint, in the node's order, that no toleration covers. */
export function findUntoleratedTaint(taints: readonly Taint[], tolerations: readonly Toleration[]): Taint | undefined {
  return taints.find((taint) => isDoNotScheduleTaint(taint) && !tolerationsTolerate(tolerations, taint));
}

export function tolerationsOf(pod: KubeObject): readonly Toleration[] {
  const tolerations = (pod.spec as { tolerations?: Toleration[] } | undefined)?.tolerations;
  return Array.isArray(tolerations) ? tolerations : [];
}
