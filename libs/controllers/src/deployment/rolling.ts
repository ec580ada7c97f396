// pkg/controller/deployment/rolling.go. The story of one step of a rolling update:
// scale the new ReplicaSet up if we can; else scale the old ones down if we can; else clean up
// old revisions; in every case, report status.

import { ReplicaSet } from '../common/types';
import { SyncContext } from './context';
import { maxUnavailable, newRSNewReplicas, replicasOf, sumReplicas, sumStatus } from './fenceposts';
import { syncRolloutStatus } from './progress';
import { cleanupDeployment, getAllReplicaSetsAndSyncRevision, isActive, sortByCreation } from './sync';

export function rolloutRolling(ctx: SyncContext): void {
  const { newRS, oldRSs } = getAllReplicaSetsAndSyncRevision(ctx, true) as { newRS: ReplicaSet; oldRSs: ReplicaSet[] };
  if (reconcileNewReplicaSet(ctx, newRS)) return syncRolloutStatus(ctx, newRS);
  if (reconcileOldReplicaSets(ctx, oldRSs.filter(isActive), ctx.find(newRS))) return syncRolloutStatus(ctx, newRS);
  cleanupDeployment(ctx, oldRSs);
  syncRolloutStatus(ctx, newRS);
}

/** Grow the new ReplicaSet within the surge ceiling (or shrink it if it is above spec.replicas). */
export function reconcileNewReplicaSet(ctx: SyncContext, newRS: ReplicaSet): boolean {
  const want = replicasOf(ctx.d);
  if (replicasOf(newRS) === want) return false;
  if (replicasOf(newRS) > want) return ctx.scale(newRS, want).scaled;
  return ctx.scale(newRS, newRSNewReplicas(ctx.d, ctx.rsList, newRS)).scaled;
}

/**
 * Shrink old ReplicaSets as far as availability allows. How far:
 *
 *   maxScaledDown = allPods − minAvailable − newRSUnavailable
 *
 * Worked example (Kubernetes'): 10 replicas, maxUnavailable 2, maxSurge 3. The new ReplicaSet
 * went to 5 and old down to 8; the new pods crash-loop. allPods 13, minAvailable 8, new
 * unavailable 5 → 13 − 8 − 5 = 0: an old pod lost to a failed node is not scaled away, and the
 * old pods keep serving. Counting the new ReplicaSet's unavailable pods is what stops a broken
 * rollout from eating into the old ones.
 */
export function reconcileOldReplicaSets(ctx: SyncContext, oldRSs: ReplicaSet[], newRS: ReplicaSet): boolean {
  if (sumReplicas(oldRSs) === 0) return false;
  const minAvailable = replicasOf(ctx.d) - maxUnavailable(ctx.d);
  const newRSUnavailable = replicasOf(newRS) - (newRS.status?.availableReplicas ?? 0);
  const maxScaledDown = sumReplicas(ctx.rsList) - minAvailable - newRSUnavailable;
  if (maxScaledDown <= 0) return false;
  // Unhealthy old pods first: removing them costs no availability (kubernetes#16737).
  const cleaned = cleanupUnhealthyReplicas(ctx, oldRSs, maxScaledDown);
  const scaled = scaleDownOldReplicaSetsForRollingUpdate(ctx, oldRSs.map((rs) => ctx.find(rs)), newRS);
  return cleaned + scaled > 0;
}

/**
 * `cleanupUnhealthyReplicas`: oldest first, drop each old ReplicaSet's unavailable replicas,
 * at most `maxCleanupCount` in all. The ReplicaSet controller deletes not-ready pods first, so
 * the count removed is the unhealthy ones.
 */
export function cleanupUnhealthyReplicas(ctx: SyncContext, oldRSs: readonly ReplicaSet[], maxCleanupCount: number): number {
  let total = 0;
  for (const rs of sortByCreation([...oldRSs])) {
    if (total >= maxCleanupCount) break;
    const available = rs.status?.availableReplicas ?? 0;
    if (replicasOf(rs) === 0 || replicasOf(rs) === available) continue;
    const count = Math.min(maxCleanupCount - total, replicasOf(rs) - available);
    if (count <= 0) continue;
    ctx.scale(rs, replicasOf(rs) - count);
    total += count;
  }
  return total;
}

/**
 * `scaleDownOldReplicaSetsForRollingUpdate`: with more pods available than minAvailable, take
 * the excess from the oldest ReplicaSets first. Example: 10 replicas, maxUnavailable 2 → minAvailable
 * 8; 11 available (old 8 + new 3) → 3 old replicas may go this step.
 */
export function scaleDownOldReplicaSetsForRollingUpdate(ctx: SyncContext, oldRSs: readonly ReplicaSet[], newRS: ReplicaSet): number {
  const minAvailable = replicasOf(ctx.d) - maxUnavailable(ctx.d);
  // Only the active old ReplicaSets and the new one count (a scaled-to-0 one may still report pods).
  const available = sumStatus([...oldRSs, newRS], 'availableReplicas');
  if (available <= minAvailable) return 0;
  const target = available - minAvailable;
  let total = 0;
  for (const rs of sortByCreation([...oldRSs])) {
    if (total >= target) break;
    if (replicasOf(rs) === 0) continue;
    const count = Math.min(replicasOf(rs), target - total);
    ctx.scale(rs, replicasOf(rs) - count);
    total += count;
  }
  return total;
}
