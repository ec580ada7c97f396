// The rolling-update arithmetic of pkg/controller/deployment/util/deployment_util.go and
// k8s.io/apimachinery intstr: how many pods above and below spec.replicas a rollout may go.

import { Deployment, IntOrString, ReplicaSet } from '../common/types';

/**
 * `intstr.GetScaledValueFromIntOrPercent`: a number is itself, "N%" is N % of total rounded up or
 * down. Worked example: "25%" of 10 is 2.5 → 3 rounded up (surge), 2 rounded down (unavailable).
 */
export function scaledValue(v: IntOrString | undefined, total: number, roundUp: boolean): number {
  if (v === undefined) return 0;
  if (typeof v === 'number') return v;
  const m = /^(-?\d+)%$/.exec(v);
  if (!m) throw new Error(`invalid value for IntOrString: invalid type: string is not a percentage`);
  const scaled = (Number(m[1]) * total) / 100;
  return roundUp ? Math.ceil(scaled) : Math.floor(scaled);
}

/**
 * `ResolveFenceposts`: surge rounds up, unavailable rounds down, and when both come to 0 one pod
 * may be unavailable, or the rollout could never move. Examples from Kubernetes' own comment:
 *   2 desired, unavailable 1%, surge 0%  → (0, 1): old −1, new +1, old −1, new +1
 *   2 desired, unavailable 25%, surge 1% → (1, 0): new +1, old −1, new +1, old −1
 */
export function resolveFenceposts(maxSurge: IntOrString | undefined, maxUnavailable: IntOrString | undefined, desired: number): { surge: number; unavailable: number } {
  const surge = scaledValue(maxSurge ?? 0, desired, true);
  let unavailable = scaledValue(maxUnavailable ?? 0, desired, false);
  if (surge === 0 && unavailable === 0) unavailable = 1;
  return { surge, unavailable };
}

export const replicasOf = (x: { spec: { replicas?: number } }): number => x.spec.replicas ?? 1;
export const isRollingUpdate = (d: Deployment): boolean => (d.spec.strategy?.type ?? 'RollingUpdate') === 'RollingUpdate';

export function maxSurge(d: Deployment): number {
  if (!isRollingUpdate(d)) return 0;
  const ru = d.spec.strategy?.rollingUpdate;
  return resolveFenceposts(ru?.maxSurge, ru?.maxUnavailable, replicasOf(d)).surge;
}

/** Never more than spec.replicas; 0 for Recreate and for a Deployment scaled to 0. */
export function maxUnavailable(d: Deployment): number {
  if (!isRollingUpdate(d) || replicasOf(d) === 0) return 0;
  const ru = d.spec.strategy?.rollingUpdate;
  return Math.min(resolveFenceposts(ru?.maxSurge, ru?.maxUnavailable, replicasOf(d)).unavailable, replicasOf(d));
}

export const sumReplicas = (rss: readonly (ReplicaSet | undefined)[]): number => rss.reduce((n, rs) => n + (rs ? replicasOf(rs) : 0), 0);
export const sumStatus = (rss: readonly (ReplicaSet | undefined)[], field: 'replicas' | 'readyReplicas' | 'availableReplicas'): number => rss.reduce((n, rs) => n + (rs?.status?.[field] ?? 0), 0);

/**
 * `NewRSNewReplicas`: how big the new ReplicaSet may be now. Rolling: up to the surge ceiling,
 * never past spec.replicas. Worked example: 10 replicas, maxSurge 3, old RS at 8, new at 2 →
 * ceiling 13, 10 pods exist, so new may grow by 3 to 5. Recreate: straight to spec.replicas.
 */
export function newRSNewReplicas(d: Deployment, allRSs: readonly ReplicaSet[], newRS: ReplicaSet): number {
  if (!isRollingUpdate(d)) return replicasOf(d);
  const surge = scaledValue(d.spec.strategy?.rollingUpdate?.maxSurge, replicasOf(d), true);
  const maxTotal = replicasOf(d) + surge;
  const current = sumReplicas(allRSs);
  if (current >= maxTotal) return replicasOf(newRS);
  return replicasOf(newRS) + Math.min(maxTotal - current, replicasOf(d) - replicasOf(newRS));
}
