// pkg/controller/deployment/sync.go: find (or make) the new ReplicaSet and keep revisions in
// step, scale proportionally when the Deployment is resized mid-rollout or paused, clean up
// old revisions, and compute status.

import { isEmptySelector } from '../common/selectors';
import { clone, DeploymentStatus, ReplicaSet } from '../common/types';
import { DESIRED_REPLICAS, MAX_REPLICAS, REVISION, intAnnotation, isSaturated, maxRevision, revisionOf, setNewReplicaSetAnnotations } from './annotations';
import { getCondition, newCondition, Reason, setCondition } from './conditions';
import { SyncContext } from './context';
import { isRollingUpdate, maxSurge, maxUnavailable, newRSNewReplicas, replicasOf, sumReplicas, sumStatus } from './fenceposts';
import { equalIgnoreHash, podTemplateHash, POD_TEMPLATE_HASH, templateWithHash } from './template';
import { newControllerRef } from '../common/owner-references';

/** Thrown to end a sync early and come back (Go returns an error and the key is requeued). */
export class RequeueSync extends Error {}

export interface ReplicaSets {
  newRS: ReplicaSet | undefined;
  oldRSs: ReplicaSet[];
}

const byCreation = (a: ReplicaSet, b: ReplicaSet): number => {
  const [ta, tb] = [a.metadata.creationTimestamp ?? '', b.metadata.creationTimestamp ?? ''];
  return ta !== tb ? (ta < tb ? -1 : 1) : (a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : 1;
};
export const sortByCreation = (rss: ReplicaSet[]): ReplicaSet[] => rss.sort(byCreation);
export const isActive = (rs: ReplicaSet | undefined): rs is ReplicaSet => rs !== undefined && replicasOf(rs) > 0;

/** `FindNewReplicaSet`: the oldest ReplicaSet whose template is the Deployment's. */
export function findNewReplicaSet(ctx: SyncContext): ReplicaSet | undefined {
  return sortByCreation([...ctx.rsList]).find((rs) => equalIgnoreHash(rs.spec.template, ctx.d.spec.template));
}

/**
 * `getAllReplicaSetsAndSyncRevision`: the new ReplicaSet (created when asked and missing) at
 * revision max(old)+1, the Deployment's revision annotation following it.
 */
export function getAllReplicaSetsAndSyncRevision(ctx: SyncContext, createIfNotExisted: boolean): ReplicaSets {
  const existing = findNewReplicaSet(ctx);
  const oldRSs = ctx.rsList.filter((rs) => rs !== existing);
  const newRevision = maxRevision(oldRSs) + 1;
  const d = ctx.d;
  if (existing) {
    const copy = clone(existing);
    const annotationsUpdated = setNewReplicaSetAnnotations(d, copy, newRevision, true);
    const minReadyChanged = (copy.spec.minReadySeconds ?? 0) !== (d.spec.minReadySeconds ?? 0);
    let newRS = existing;
    if (annotationsUpdated || minReadyChanged) {
      copy.spec.minReadySeconds = d.spec.minReadySeconds ?? 0;
      newRS = ctx.updateReplicaSet(copy);
    }
    setDeploymentRevision(ctx, newRS.metadata.annotations?.[REVISION]);
    if (hasProgressDeadline(ctx) && !getCondition(ctx.status, 'Progressing')) {
      setCondition(ctx.status, newCondition('Progressing', 'True', Reason.FoundNewReplicaSet, `Found new replica set "${newRS.metadata.name}"`, ctx.now));
    }
    return { newRS, oldRSs: ctx.rsList.filter((rs) => rs.metadata.name !== newRS.metadata.name) };
  }
  if (!createIfNotExisted) return { newRS: undefined, oldRSs };

  const hash = podTemplateHash(d.spec.template, d.status?.collisionCount);
  const name = `${d.metadata.name}-${hash}`;
  const taken = ctx.namespaceReplicaSets.find((rs) => rs.metadata.name === name);
  if (taken) {
    // A ReplicaSet of that name with another template or owner: a hash collision. Count it, so
    // the next sync hashes differently, and come back.
    ctx.status.collisionCount = (ctx.status.collisionCount ?? 0) + 1;
    throw new RequeueSync(`replicaset "${name}" already exists`);
  }
  const template = templateWithHash(d.spec.template, hash);
  const selector = clone(d.spec.selector);
  const newRS: ReplicaSet = {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name, namespace: d.metadata.namespace, ownerReferences: [newControllerRef(d)], labels: { ...(template.metadata?.labels ?? {}) } },
    spec: { replicas: 0, minReadySeconds: d.spec.minReadySeconds ?? 0, selector: { ...selector, matchLabels: { ...(selector.matchLabels ?? {}), [POD_TEMPLATE_HASH]: hash } }, template },
  };
  newRS.spec.replicas = newRSNewReplicas(d, [...oldRSs, newRS], newRS);
  setNewReplicaSetAnnotations(d, newRS, newRevision, false);
  ctx.createReplicaSet(newRS);
  if (replicasOf(newRS) > 0) ctx.event('Normal', 'ScalingReplicaSet', `Scaled up replica set ${name} from 0 to ${replicasOf(newRS)}`);
  setDeploymentRevision(ctx, String(newRevision));
  if (hasProgressDeadline(ctx)) setCondition(ctx.status, newCondition('Progressing', 'True', Reason.NewReplicaSetCreated, `Created new replica set "${name}"`, ctx.now));
  return { newRS, oldRSs };
}

/** `SetDeploymentRevision`: the Deployment's revision annotation follows its new ReplicaSet. */
function setDeploymentRevision(ctx: SyncContext, revision: string | undefined): void {
  if (revision === undefined || ctx.d.metadata.annotations?.[REVISION] === revision) return;
  ctx.d.metadata.annotations = { ...(ctx.d.metadata.annotations ?? {}), [REVISION]: revision };
}

export const hasProgressDeadline = (ctx: SyncContext): boolean => {
  const s = ctx.d.spec.progressDeadlineSeconds;
  return s !== undefined && s !== 2147483647;
};

/** `isScalingEvent`: an active ReplicaSet was sized for a different spec.replicas. */
export function isScalingEvent(ctx: SyncContext, rss: ReplicaSets): boolean {
  return [...rss.oldRSs, rss.newRS].filter(isActive).some((rs) => {
    const desired = intAnnotation(rs, DESIRED_REPLICAS);
    return desired !== undefined && desired !== replicasOf(ctx.d);
  });
}

/** `sync`: for a paused Deployment or a scaling event — resize, clean up, status; no rollout step. */
export function sync(ctx: SyncContext): void {
  const rss = getAllReplicaSetsAndSyncRevision(ctx, false);
  scale(ctx, rss);
  cleanupDeployment(ctx, rss.oldRSs.map((rs) => ctx.find(rs)));
  ctx.d.status = calculateStatus(ctx, rss.newRS && ctx.find(rss.newRS));
}

/**
 * `scale`: one active ReplicaSet (or none) takes all of spec.replicas; a saturated new one
 * empties the old; otherwise a rolling Deployment spreads the change proportionally.
 *
 * Worked example (Kubernetes' own): 10 replicas, maxSurge 3, mid-rollout with old at 8 and new
 * at 5 (13 = 10 + 3, both annotated max-replicas 13); the user scales to 15, so the ceiling is
 * 15 + 3 = 18 and 18 − 13 = 5 replicas are to be added.
 * Largest first: old gets round(8·18/13) − 8 = round(11.08) − 8 = 3, new gets
 * min(round(5·18/13) − 5, 5 − 3) = min(2, 2) = 2. Old 11, new 7: 18 pods, ratio kept.
 * Any rounding leftover goes to the first (largest) ReplicaSet.
 */
export function scale(ctx: SyncContext, rss: ReplicaSets): void {
  const d = ctx.d;
  const activeOrLatest = findActiveOrLatest(rss);
  if (activeOrLatest) {
    if (replicasOf(activeOrLatest) !== replicasOf(d)) ctx.scale(activeOrLatest, replicasOf(d));
    return;
  }
  if (isSaturated(d, rss.newRS)) {
    for (const old of rss.oldRSs.filter(isActive)) ctx.scale(old, 0);
    return;
  }
  if (!isRollingUpdate(d)) return;
  const all = [...rss.oldRSs, rss.newRS].filter(isActive);
  const allowed = replicasOf(d) > 0 ? replicasOf(d) + maxSurge(d) : 0;
  const toAdd = allowed - sumReplicas(all);
  const operation = toAdd > 0 ? 'up' : toAdd < 0 ? 'down' : '';
  // Larger first; on equal size newer first when growing (older first when shrinking).
  all.sort((a, b) => replicasOf(b) - replicasOf(a) || (toAdd > 0 ? byCreation(b, a) : byCreation(a, b)));
  let added = 0;
  const sizes = all.map((rs) => {
    if (toAdd === 0) return replicasOf(rs);
    const p = proportion(ctx, rs, toAdd, added);
    added += p;
    return replicasOf(rs) + p;
  });
  if (toAdd !== 0 && sizes.length) sizes[0] = Math.max(0, sizes[0] + toAdd - added);
  all.forEach((rs, i) => ctx.scale(rs, sizes[i], { operation }));
}

/** `GetProportion` / `getReplicaSetFraction`, rounding half away from zero as Go's math.Round. */
function proportion(ctx: SyncContext, rs: ReplicaSet, toAdd: number, added: number): number {
  const d = ctx.d;
  if (replicasOf(rs) === 0 || toAdd === 0 || toAdd === added) return 0;
  let fraction: number;
  if (replicasOf(d) === 0) fraction = -replicasOf(rs);
  else {
    const target = replicasOf(d) + maxSurge(d);
    const annotated = intAnnotation(rs, MAX_REPLICAS) ?? ctx.observed.status?.replicas ?? 0;
    const size = (replicasOf(rs) * target) / annotated;
    fraction = Math.sign(size) * Math.round(Math.abs(size)) - replicasOf(rs);
  }
  const allowed = toAdd - added;
  return toAdd > 0 ? Math.min(fraction, allowed) : Math.max(fraction, allowed);
}

/** `FindActiveOrLatest`: the only active ReplicaSet, or the newest when none is; else undefined. */
function findActiveOrLatest({ newRS, oldRSs }: ReplicaSets): ReplicaSet | undefined {
  if (!newRS && !oldRSs.length) return undefined;
  const olds = sortByCreation([...oldRSs]).reverse();
  const active = [...olds, newRS].filter(isActive);
  if (active.length === 0) return newRS ?? olds[0];
  return active.length === 1 ? active[0] : undefined;
}

/**
 * `cleanupDeployment`: keep revisionHistoryLimit old ReplicaSets; delete the lowest revisions
 * beyond that, but only those scaled to 0 with no pods left and their spec observed.
 */
export function cleanupDeployment(ctx: SyncContext, oldRSs: readonly ReplicaSet[]): void {
  const limit = ctx.d.spec.revisionHistoryLimit;
  if (limit === undefined || limit === 2147483647) return;
  const cleanable = oldRSs.filter((rs) => !rs.metadata.deletionTimestamp);
  const diff = cleanable.length - limit;
  if (diff <= 0) return;
  cleanable.sort((a, b) => {
    const [ra, rb] = [revisionOf(a), revisionOf(b)];
    return Number.isNaN(ra) || Number.isNaN(rb) || ra === rb ? byCreation(a, b) : ra - rb;
  });
  for (const rs of cleanable.slice(0, diff)) {
    if ((rs.status?.replicas ?? 0) !== 0 || replicasOf(rs) !== 0 || (rs.metadata.generation ?? 0) > (rs.status?.observedGeneration ?? 0)) continue;
    ctx.deleteReplicaSet(rs);
  }
}

/** `calculateStatus`: counts from the ReplicaSets' own status, and the Available condition. */
export function calculateStatus(ctx: SyncContext, newRS: ReplicaSet | undefined): DeploymentStatus {
  const d = ctx.d;
  const all = ctx.rsList;
  const available = sumStatus(all, 'availableReplicas');
  const status: DeploymentStatus = {
    observedGeneration: d.metadata.generation ?? 0,
    replicas: sumStatus(all, 'replicas'),
    updatedReplicas: sumStatus(newRS ? [newRS] : [], 'replicas'),
    readyReplicas: sumStatus(all, 'readyReplicas'),
    availableReplicas: available,
    unavailableReplicas: Math.max(0, sumReplicas(all) - available),
    ...(ctx.status.conditions ? { conditions: clone(ctx.status.conditions) } : {}),
    ...(ctx.status.collisionCount !== undefined ? { collisionCount: ctx.status.collisionCount } : {}),
  };
  if (available >= replicasOf(d) - maxUnavailable(d)) setCondition(status, newCondition('Available', 'True', Reason.MinimumReplicasAvailable, 'Deployment has minimum availability.', ctx.now));
  else setCondition(status, newCondition('Available', 'False', Reason.MinimumReplicasUnavailable, 'Deployment does not have minimum availability.', ctx.now));
  return status;
}

/** A Deployment selecting everything is refused, as Kubernetes does, with only observedGeneration written. */
export function selectsEverything(ctx: SyncContext): boolean {
  return isEmptySelector(ctx.d.spec.selector);
}
