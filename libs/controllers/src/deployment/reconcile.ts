// The Deployment controller's sync (pkg/controller/deployment/deployment_controller.go
// syncDeployment): claim ReplicaSets, then exactly one of — status only (being deleted),
// sync (paused, or a scaling event), rollback (deprecated annotation), or a rollout step of
// the strategy — and finally write what changed.

import equal from 'fast-deep-equal';
import { ControllerAction, keyOf } from '../common/actions';
import { adoptPatch, claimDecision, controllerRefOf, releasePatch } from '../common/owner-references';
import { selects } from '../common/selectors';
import { Deployment, DeploymentStatus, Pod, ReplicaSet } from '../common/types';
import { REVISION } from './annotations';
import { getCondition, newCondition, Reason, setCondition } from './conditions';
import { SyncContext } from './context';
import { rolloutRecreate } from './recreate';
import { rollback, rollbackToOf } from './rollback';
import { rolloutRolling } from './rolling';
import { calculateStatus, getAllReplicaSetsAndSyncRevision, hasProgressDeadline, isScalingEvent, RequeueSync, selectsEverything, sync } from './sync';
import { withDefaults } from './defaults';

export interface DeploymentObserved {
  /** Every ReplicaSet in the Deployment's namespace (ReplicaSet informer). */
  readonly replicaSets: readonly ReplicaSet[];
  /** Every pod in the namespace (pod informer); only Recreate looks at them. */
  readonly pods: readonly Pod[];
}

export function reconcileDeployment(deployment: Deployment, observed: DeploymentObserved, now: Date): ControllerAction[] {
  const d = withDefaults(deployment);
  const claim = claimReplicaSets(d, observed.replicaSets);
  const ctx = new SyncContext(d, claim.owned, observed.replicaSets, podMapOf(d, claim.owned, observed.pods), now);
  ctx.actions.push(...claim.actions);
  try {
    syncDeployment(ctx);
  } catch (e) {
    if (!(e instanceof RequeueSync)) throw e;
    ctx.actions.push({ type: 'requeueAfter', seconds: 0 });
  }
  return finish(ctx, deployment);
}

function syncDeployment(ctx: SyncContext): void {
  const d = ctx.d;
  if (selectsEverything(ctx)) {
    ctx.event('Warning', 'SelectingAll', 'This deployment is selecting all pods. A non-empty selector is required.');
    ctx.status.observedGeneration = Math.max(ctx.status.observedGeneration ?? 0, d.metadata.generation ?? 0);
    return;
  }
  if (d.metadata.deletionTimestamp) {
    const { newRS } = getAllReplicaSetsAndSyncRevision(ctx, false);
    ctx.d.status = calculateStatus(ctx, newRS);
    return;
  }
  checkPausedConditions(ctx);
  if (d.spec.paused) return sync(ctx);
  if (rollbackToOf(d) !== undefined) return rollback(ctx);
  if (isScalingEvent(ctx, getAllReplicaSetsAndSyncRevision(ctx, false))) return sync(ctx);
  const strategy = d.spec.strategy?.type ?? 'RollingUpdate';
  switch (strategy) {
    case 'Recreate':
      return rolloutRecreate(ctx);
    case 'RollingUpdate':
      return rolloutRolling(ctx);
    default: {
      const never: never = strategy;
      throw new Error(`unexpected strategy ${never}`);
    }
  }
}

/**
 * `checkPausedConditions`: Progressing=Unknown DeploymentPaused / DeploymentResumed, so time
 * spent paused never counts against the progress deadline. A timed-out verdict stays.
 */
function checkPausedConditions(ctx: SyncContext): void {
  if (!hasProgressDeadline(ctx)) return;
  const c = getCondition(ctx.status, 'Progressing');
  if (c?.reason === Reason.ProgressDeadlineExceeded) return;
  const pausedShown = c?.reason === Reason.DeploymentPaused;
  if (ctx.d.spec.paused && !pausedShown) setCondition(ctx.status, newCondition('Progressing', 'Unknown', Reason.DeploymentPaused, 'Deployment is paused', ctx.now));
  else if (!ctx.d.spec.paused && pausedShown) setCondition(ctx.status, newCondition('Progressing', 'Unknown', Reason.DeploymentResumed, 'Deployment is resumed', ctx.now));
}

/** `ClaimReplicaSets`: ours by controllerRef and selector; orphans that match are adopted. */
function claimReplicaSets(d: Deployment, replicaSets: readonly ReplicaSet[]): { owned: ReplicaSet[]; actions: ControllerAction[] } {
  const owned: ReplicaSet[] = [];
  const actions: ControllerAction[] = [];
  for (const rs of replicaSets) {
    if ((rs.metadata.namespace ?? '') !== (d.metadata.namespace ?? '')) continue;
    const decision = claimDecision(rs, d, selects(d.spec.selector, rs.metadata.labels));
    if (decision === 'claimed') owned.push(rs);
    if (decision === 'adopt') {
      actions.push({ type: 'patchReplicaSet', key: keyOf(rs), reason: 'adopt', patch: adoptPatch(rs, d) });
      owned.push(rs);
    }
    if (decision === 'release') actions.push({ type: 'patchReplicaSet', key: keyOf(rs), reason: 'release', patch: releasePatch(rs, d) });
  }
  return { owned, actions };
}

/** `getPodMapForDeployment`: selected pods grouped by the owned ReplicaSet that controls them. */
function podMapOf(d: Deployment, owned: readonly ReplicaSet[], pods: readonly Pod[]): Map<string, Pod[]> {
  const map = new Map<string, Pod[]>(owned.map((rs) => [rs.metadata.uid ?? '', []]));
  for (const pod of pods) {
    if ((pod.metadata.namespace ?? '') !== (d.metadata.namespace ?? '') || !selects(d.spec.selector, pod.metadata.labels)) continue;
    map.get(controllerRefOf(pod)?.uid ?? '\0')?.push(pod);
  }
  return map;
}

/** Write the revision annotation and the status, each only when it changed, before any requeue. */
function finish(ctx: SyncContext, raw: Deployment): ControllerAction[] {
  const writes: ControllerAction[] = [];
  const before = ctx.observed.metadata.annotations?.[REVISION];
  const after = ctx.d.metadata.annotations?.[REVISION];
  const rolledBack = ctx.actions.some((a) => a.type === 'updateDeployment');
  if (after !== before && !rolledBack) {
    const { status: _status, ...rest } = raw;
    const annotations = { ...(raw.metadata.annotations ?? {}), [REVISION]: after as string };
    writes.push({ type: 'updateDeployment', key: keyOf(raw), deployment: { ...rest, metadata: { ...raw.metadata, annotations } } });
  }
  const status = wireStatus(ctx.d.status ?? {});
  // Key order is not compared: a store (jsonb) may hand objects back with keys reordered.
  if (!equal(status, wireStatus(ctx.observed.status ?? {}))) {
    writes.push({ type: 'updateStatus', kind: 'Deployment', key: keyOf(raw), status });
  }
  const requeues = ctx.actions.filter((a) => a.type === 'requeueAfter');
  const rest = ctx.actions.filter((a) => a.type !== 'requeueAfter');
  // One requeue at most: the soonest asked for.
  const soonest = requeues.reduce<ControllerAction | undefined>((m, a) => (m && m.type === 'requeueAfter' && a.type === 'requeueAfter' && m.seconds <= a.seconds ? m : a), undefined);
  return [...rest, ...writes, ...(soonest ? [soonest] : [])];
}

/** Zero counts left out, as Go's omitempty prints DeploymentStatus. */
function wireStatus(s: DeploymentStatus): DeploymentStatus {
  const out: DeploymentStatus = {};
  for (const k of ['observedGeneration', 'replicas', 'updatedReplicas', 'readyReplicas', 'availableReplicas', 'unavailableReplicas'] as const) if (s[k]) out[k] = s[k];
  if (s.conditions?.length) out.conditions = s.conditions;
  if (s.collisionCount !== undefined) out.collisionCount = s.collisionCount;
  return out;
}
