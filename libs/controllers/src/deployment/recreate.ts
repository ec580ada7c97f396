// pkg/controller/deployment/recreate.go: every old pod goes before any new one starts.
// Scale the old ReplicaSets to 0; wait until none of their pods is left running; only then
// create (or scale up) the new ReplicaSet.

import { Pod, ReplicaSet } from '../common/types';
import { SyncContext } from './context';
import { replicasOf, sumStatus } from './fenceposts';
import { deploymentComplete, syncRolloutStatus } from './progress';
import { cleanupDeployment, getAllReplicaSetsAndSyncRevision, isActive } from './sync';

export function rolloutRecreate(ctx: SyncContext): void {
  // No new ReplicaSet yet: creating it now would start new pods before the old are gone.
  let { newRS, oldRSs } = getAllReplicaSetsAndSyncRevision(ctx, false);
  let scaledDown = false;
  for (const rs of oldRSs.filter(isActive)) scaledDown = ctx.scale(rs, 0).scaled || scaledDown;
  if (scaledDown) return syncRolloutStatus(ctx, newRS);
  if (oldPodsRunning(newRS, oldRSs.map((rs) => ctx.find(rs)), ctx.podMap)) return syncRolloutStatus(ctx, newRS);
  if (!newRS) ({ newRS, oldRSs } = getAllReplicaSetsAndSyncRevision(ctx, true));
  ctx.scale(newRS as ReplicaSet, replicasOf(ctx.d));
  if (deploymentComplete(ctx, ctx.status)) cleanupDeployment(ctx, oldRSs);
  syncRolloutStatus(ctx, newRS);
}

/**
 * `oldPodsRunning`: an old ReplicaSet still reports pods, or one of its pods is neither
 * Succeeded nor Failed (Unknown counts as running: the node may only be unreachable).
 */
export function oldPodsRunning(newRS: ReplicaSet | undefined, oldRSs: readonly ReplicaSet[], podMap: ReadonlyMap<string, readonly Pod[]>): boolean {
  if (sumStatus(oldRSs, 'replicas') > 0) return true;
  for (const [uid, pods] of podMap) {
    if (newRS && newRS.metadata.uid === uid) continue;
    if (pods.some((p) => p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed')) return true;
  }
  return false;
}
