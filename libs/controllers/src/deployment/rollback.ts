// Rollback. Since apps/v1 `kubectl rollout undo` does it client side (kubectl 1.32,
// polymorphichelpers/rollback.go): it refuses a paused Deployment, finds the ReplicaSet of the
// revision asked for (0 = the previous one), and sends one JSON patch that replaces the
// Deployment's spec.template with that ReplicaSet's (hash label removed) and its annotations
// with the ReplicaSet's (keeping the Deployment's own revision/last-applied ones). The
// controller then sees a template equal to an old ReplicaSet's: that one becomes the new
// ReplicaSet again, gets revision max+1, and the rollout runs as for any change.
//
// What stays here is pkg/controller/deployment/rollback.go for the deprecated
// `deprecated.deployment.rollback.to` annotation (extensions/v1beta1 rollbackTo) that old
// clients may still set; and `rolloutUndoPatch`, kubectl's half, for the specs and for tools.

import { Deployment, ReplicaSet } from '../common/types';
import { ANNOTATIONS_TO_SKIP, DEPRECATED_ROLLBACK_TO, lastRevision, revisionOf } from './annotations';
import { Reason } from './conditions';
import { SyncContext } from './context';
import { getAllReplicaSetsAndSyncRevision } from './sync';
import { equalIgnoreHash, templateWithoutHash } from './template';
import { keyOf } from '../common/actions';

export function rollbackToOf(d: Deployment): number | undefined {
  const v = d.metadata.annotations?.[DEPRECATED_ROLLBACK_TO];
  if (v === undefined) return undefined;
  return /^\d+$/.test(v) ? Number(v) : 0;
}

/** `rollback`: copy the template of the asked revision back into the Deployment, clear the request. */
export function rollback(ctx: SyncContext): void {
  const { newRS, oldRSs } = getAllReplicaSetsAndSyncRevision(ctx, true);
  const all = [...oldRSs, ...(newRS ? [newRS] : [])];
  let revision = rollbackToOf(ctx.d) ?? 0;
  if (revision === 0) revision = lastRevision(all);
  const target = revision === 0 ? undefined : all.find((rs) => revisionOf(rs) === revision);
  if (!target) {
    ctx.event('Warning', Reason.RollbackRevisionNotFound, revision === 0 ? 'Unable to find last revision.' : 'Unable to find the revision to rollback to.');
    return updateAndClearRollbackTo(ctx);
  }
  if (!equalIgnoreHash(ctx.d.spec.template, target.spec.template)) {
    ctx.d.spec.template = templateWithoutHash(target.spec.template);
    ctx.d.metadata.annotations = annotationsFor(ctx.d, target);
    ctx.event('Normal', Reason.RollbackDone, `Rolled back deployment "${ctx.d.metadata.name}" to revision ${revision}`);
  } else {
    ctx.event('Warning', Reason.RollbackTemplateUnchanged, `The rollback revision contains the same template as current deployment "${ctx.d.metadata.name}"`);
  }
  updateAndClearRollbackTo(ctx);
}

function updateAndClearRollbackTo(ctx: SyncContext): void {
  const annotations = { ...(ctx.d.metadata.annotations ?? {}) };
  delete annotations[DEPRECATED_ROLLBACK_TO];
  const { status: _status, ...rest } = ctx.d;
  ctx.actions.push({ type: 'updateDeployment', key: keyOf(ctx.d), deployment: { ...rest, metadata: { ...ctx.d.metadata, annotations } } });
}

/** `SetDeploymentAnnotationsTo`: the Deployment's skipped annotations, plus the ReplicaSet's others. */
function annotationsFor(d: Deployment, rs: ReplicaSet): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(d.metadata.annotations ?? {})) if (ANNOTATIONS_TO_SKIP.has(k)) out[k] = v;
  for (const [k, v] of Object.entries(rs.metadata.annotations ?? {})) if (!ANNOTATIONS_TO_SKIP.has(k)) out[k] = v;
  return out;
}

export type JsonPatchOp = { op: 'replace'; path: string; value: unknown };

/**
 * What `kubectl rollout undo deployment/x [--to-revision=n]` sends, or why it sends nothing.
 * `replicaSets` are the ones the Deployment controls.
 */
export function rolloutUndoPatch(d: Deployment, replicaSets: readonly ReplicaSet[], toRevision = 0): { patch: JsonPatchOp[] } | { skipped: string } | { error: string } {
  if (d.spec.paused) return { error: "you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume' and try again" };
  let revision = toRevision;
  if (revision === 0) {
    revision = lastRevision(replicaSets);
    if (revision === 0) return { error: 'no rollout history found for deployment ' + JSON.stringify(d.metadata.name) };
  }
  const target = replicaSets.find((rs) => revisionOf(rs) === revision);
  if (!target) return { error: `unable to find specified revision ${revision} in history` };
  if (equalIgnoreHash(target.spec.template, d.spec.template)) return { skipped: `skipped rollback (current template already matches revision ${revision})` };
  return {
    patch: [
      { op: 'replace', path: '/spec/template', value: templateWithoutHash(target.spec.template) },
      { op: 'replace', path: '/metadata/annotations', value: annotationsFor(d, target) },
    ],
  };
}
