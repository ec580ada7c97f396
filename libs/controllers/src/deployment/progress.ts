// pkg/controller/deployment/progress.go: the Progressing condition, the progress deadline, and
// when to look again if nothing else wakes us.

import { DeploymentStatus, ReplicaSet, timeOf } from '../common/types';
import { getCondition, newCondition, Reason, removeCondition, setCondition } from './conditions';
import { SyncContext } from './context';
import { replicasOf } from './fenceposts';
import { calculateStatus, hasProgressDeadline } from './sync';

/** `DeploymentComplete`: all replicas updated and available, none old, this generation seen. */
export function deploymentComplete(ctx: SyncContext, s: DeploymentStatus): boolean {
  const want = replicasOf(ctx.d);
  return (s.updatedReplicas ?? 0) === want && (s.replicas ?? 0) === want && (s.availableReplicas ?? 0) === want && (s.observedGeneration ?? 0) >= (ctx.d.metadata.generation ?? 0);
}

/** `DeploymentProgressing`: more updated, fewer old, more ready or more available than last time. */
export function deploymentProgressing(ctx: SyncContext, s: DeploymentStatus): boolean {
  const old = ctx.status;
  const oldOld = (old.replicas ?? 0) - (old.updatedReplicas ?? 0);
  const newOld = (s.replicas ?? 0) - (s.updatedReplicas ?? 0);
  return (s.updatedReplicas ?? 0) > (old.updatedReplicas ?? 0) || newOld < oldOld || (s.readyReplicas ?? 0) > (old.readyReplicas ?? 0) || (s.availableReplicas ?? 0) > (old.availableReplicas ?? 0);
}

/**
 * `DeploymentTimedOut`: the Progressing condition was last updated more than
 * progressDeadlineSeconds ago (strictly). Worked example: last progress 12:00:00, deadline 600 →
 * still fine at 12:10:00, timed out at 12:10:01.
 */
export function deploymentTimedOut(ctx: SyncContext, s: DeploymentStatus): boolean {
  if (!hasProgressDeadline(ctx)) return false;
  const c = getCondition(s, 'Progressing');
  if (!c || c.reason === Reason.NewReplicaSetAvailable) return false;
  if (c.reason === Reason.ProgressDeadlineExceeded) return true;
  const from = timeOf(c.lastUpdateTime) ?? 0;
  return from + (ctx.d.spec.progressDeadlineSeconds as number) * 1000 < ctx.now.getTime();
}

/** `syncRolloutStatus`: status plus the Progressing verdict of a rollout step. */
export function syncRolloutStatus(ctx: SyncContext, newRS: ReplicaSet | undefined): void {
  const rs = newRS && ctx.find(newRS);
  const next = calculateStatus(ctx, rs);
  if (!hasProgressDeadline(ctx)) removeCondition(next, 'Progressing');
  const current = getCondition(ctx.status, 'Progressing');
  // Only one ReplicaSet and already reported complete: a resync, nothing to estimate.
  const isComplete = next.replicas === next.updatedReplicas && current?.reason === Reason.NewReplicaSetAvailable;
  if (hasProgressDeadline(ctx) && !isComplete) {
    const subject = rs ? `ReplicaSet "${rs.metadata.name}"` : `Deployment "${ctx.d.metadata.name}"`;
    if (deploymentComplete(ctx, next)) {
      setCondition(next, newCondition('Progressing', 'True', Reason.NewReplicaSetAvailable, `${subject} has successfully progressed.`, ctx.now));
    } else if (deploymentProgressing(ctx, next)) {
      // Same reason as before must still move lastUpdateTime (the deadline clock), which
      // setCondition would not do: replace it, keeping lastTransitionTime while it stays True.
      const c = newCondition('Progressing', 'True', Reason.ReplicaSetUpdated, `${subject} is progressing.`, ctx.now);
      if (current?.status === 'True') c.lastTransitionTime = current.lastTransitionTime;
      if (current) removeCondition(next, 'Progressing');
      setCondition(next, c);
    } else if (deploymentTimedOut(ctx, next)) {
      setCondition(next, newCondition('Progressing', 'False', Reason.ProgressDeadlineExceeded, `${subject} has timed out progressing.`, ctx.now));
    }
  }
  const failure = replicaFailure(ctx, rs);
  if (failure) setCondition(next, failure);
  else removeCondition(next, 'ReplicaFailure');
  ctx.d.status = next;
  requeueStuckDeployment(ctx);
}

/** A ReplicaFailure of the new ReplicaSet first, else of any old one, copied onto the Deployment. */
function replicaFailure(ctx: SyncContext, newRS: ReplicaSet | undefined) {
  const pick = (rs: ReplicaSet | undefined) => rs?.status?.conditions?.find((c) => c.type === 'ReplicaFailure');
  const c = pick(newRS) ?? ctx.rsList.map(pick).find((x) => x !== undefined);
  return c && { type: 'ReplicaFailure', status: c.status, lastUpdateTime: c.lastTransitionTime, lastTransitionTime: c.lastTransitionTime, reason: c.reason, message: c.message };
}

/**
 * `requeueStuckDeployment`: nothing else will wake a rollout that silently stops progressing,
 * so look again one second after the deadline would pass. Worked example: last progress
 * 12:00:00, deadline 600 s, now 12:04:00 → after 360 + 1 s.
 */
function requeueStuckDeployment(ctx: SyncContext): void {
  const c = getCondition(ctx.status, 'Progressing');
  if (!hasProgressDeadline(ctx) || !c) return;
  if (deploymentComplete(ctx, ctx.status) || c.reason === Reason.ProgressDeadlineExceeded) return;
  const after = (timeOf(c.lastUpdateTime) ?? 0) + (ctx.d.spec.progressDeadlineSeconds as number) * 1000 - ctx.now.getTime();
  ctx.actions.push({ type: 'requeueAfter', seconds: after < 1000 ? 0 : after / 1000 + 1 });
}
