// Revisions and replica annotations (deployment_util.go): which revision each ReplicaSet is, and
// the size of the Deployment it was last scaled for (used by proportional scaling).

import { Deployment, ReplicaSet } from '../common/types';
import { maxSurge, replicasOf } from './fenceposts';

export const REVISION = 'deployment.kubernetes.io/revision';
export const REVISION_HISTORY = 'deployment.kubernetes.io/revision-history';
export const DESIRED_REPLICAS = 'deployment.kubernetes.io/desired-replicas';
export const MAX_REPLICAS = 'deployment.kubernetes.io/max-replicas';
export const DEPRECATED_ROLLBACK_TO = 'deprecated.deployment.rollback.to';
export const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';
export const RESTARTED_AT = 'kubectl.kubernetes.io/restartedAt';
const MAX_REV_HISTORY_LENGTH_IN_CHARS = 2000;

/** Never copied between a Deployment and its ReplicaSets. */
export const ANNOTATIONS_TO_SKIP = new Set([LAST_APPLIED, REVISION, REVISION_HISTORY, DESIRED_REPLICAS, MAX_REPLICAS, DEPRECATED_ROLLBACK_TO]);

/** The revision number, 0 when absent; NaN when unparsable (Go's error). */
export function revisionOf(obj: { metadata: { annotations?: Record<string, string> } }): number {
  const v = obj.metadata.annotations?.[REVISION];
  if (v === undefined) return 0;
  return /^\d+$/.test(v) ? Number(v) : NaN;
}

export function maxRevision(rss: readonly ReplicaSet[]): number {
  return rss.reduce((m, rs) => (Number.isNaN(revisionOf(rs)) ? m : Math.max(m, revisionOf(rs))), 0);
}

/** `LastRevision`: the second highest revision, the one `rollout undo` goes back to. */
export function lastRevision(rss: readonly ReplicaSet[]): number {
  let [max, second] = [0, 0];
  for (const rs of rss) {
    const v = revisionOf(rs);
    if (Number.isNaN(v)) continue;
    if (v >= max) [max, second] = [v, max];
    else if (v > second) second = v;
  }
  return second;
}

/**
 * `SetNewReplicaSetAnnotations` (mutates `rs`): copy the Deployment's own annotations, raise the
 * revision to `newRevision` when behind (remembering the old one in revision-history: that is a
 * rollback to this ReplicaSet), and on creation stamp desired/max replicas. True if changed.
 */
export function setNewReplicaSetAnnotations(d: Deployment, rs: ReplicaSet, newRevision: number, exists: boolean): boolean {
  const ann = (rs.metadata.annotations = { ...(rs.metadata.annotations ?? {}) });
  let changed = false;
  for (const [k, v] of Object.entries(d.metadata.annotations ?? {})) {
    if (ANNOTATIONS_TO_SKIP.has(k) || ann[k] === v) continue;
    ann[k] = v;
    changed = true;
  }
  const had = Object.prototype.hasOwnProperty.call(ann, REVISION);
  const oldRevision = revisionOf(rs);
  if (Number.isNaN(oldRevision)) return false;
  if (oldRevision < newRevision) {
    ann[REVISION] = String(newRevision);
    changed = true;
    if (had) appendRevisionHistory(ann, String(oldRevision));
  }
  if (!exists && setReplicasAnnotations(rs, replicasOf(d), replicasOf(d) + maxSurge(d))) changed = true;
  return changed;
}

/** Keep the oldest entries out once the list would pass 2000 characters, as Kubernetes does. */
function appendRevisionHistory(ann: Record<string, string>, oldRevision: string): void {
  const history = ann[REVISION_HISTORY] ?? '';
  if (!history) {
    ann[REVISION_HISTORY] = oldRevision;
    return;
  }
  const revisions = history.split(',');
  let total = history.length + oldRevision.length + 1;
  let start = 0;
  while (total > MAX_REV_HISTORY_LENGTH_IN_CHARS && start < revisions.length) total -= revisions[start++].length + 1;
  if (total <= MAX_REV_HISTORY_LENGTH_IN_CHARS) ann[REVISION_HISTORY] = [...revisions.slice(start), oldRevision].join(',');
}

export function replicasAnnotationsNeedUpdate(rs: ReplicaSet, desired: number, max: number): boolean {
  const ann = rs.metadata.annotations ?? {};
  return ann[DESIRED_REPLICAS] !== String(desired) || ann[MAX_REPLICAS] !== String(max);
}

/** Mutates `rs`; true if changed. */
export function setReplicasAnnotations(rs: ReplicaSet, desired: number, max: number): boolean {
  if (!replicasAnnotationsNeedUpdate(rs, desired, max)) return false;
  rs.metadata.annotations = { ...(rs.metadata.annotations ?? {}), [DESIRED_REPLICAS]: String(desired), [MAX_REPLICAS]: String(max) };
  return true;
}

export function intAnnotation(rs: ReplicaSet, key: string): number | undefined {
  const v = rs.metadata.annotations?.[key];
  return v !== undefined && /^-?\d+$/.test(v) ? Number(v) : undefined;
}

/** `IsSaturated`: the new ReplicaSet has, wants and makes available all of spec.replicas. */
export function isSaturated(d: Deployment, rs: ReplicaSet | undefined): boolean {
  if (!rs) return false;
  const desired = intAnnotation(rs, DESIRED_REPLICAS);
  return desired !== undefined && replicasOf(rs) === replicasOf(d) && desired === replicasOf(d) && (rs.status?.availableReplicas ?? 0) === replicasOf(d);
}
