// `manageJob`: bring the number of active pods to what the Job wants now.
//
// Worked example — the seed's countdown Job, completions 5, parallelism 2, pods that succeed:
//   sync 1: succeeded 0, active 0 → want min(5 − 0, 2) = 2 → create 2
//   one pod succeeds: succeeded 1, active 1 → want min(4, 2) = 2 → create 1   (2 running)
//   ...
//   succeeded 4, active 1 → want min(1, 2) = 1 → nothing (never a 6th pod for the last slot)
//   succeeded 5, active 0 → want 0 → complete.
// At no step are more than 2 pods active: want is capped by parallelism and by the
// completions still missing, and a sync either deletes or creates, never both.

import { keyOf } from '../common/actions';
import { isPodReady } from '../common/pods';
import { slowStartBatches } from '../common/slow-start';
import { Pod } from '../common/types';
import { BatchAction } from './actions';
import { BackoffRecord, remainingBackoffSeconds } from './backoff';
import { duplicatedIndexPods, firstPendingIndexes, OrderedIntervals } from './indexes';
import { byRemovalOrder, podForJob } from './pods';
import { Job } from './types';

/** Kubernetes' `MaxPodCreateDeletePerSync`. */
export const MAX_POD_CREATE_DELETE_PER_SYNC = 500;

export interface JobContext {
  readonly job: Job;
  readonly now: Date;
  readonly actions: BatchAction[];
  readonly activePods: readonly Pod[];
  readonly succeeded: number;
  /** Indexed Jobs only. */
  readonly succeededIndexes?: OrderedIntervals;
  readonly backoff: BackoffRecord;
  ready: number;
  terminating: number;
}

export function isIndexed(job: Job): boolean {
  return job.spec.completionMode === 'Indexed';
}

/** Returns the number of pods active once the actions are done. */
export function manageJob(ctx: JobContext): number {
  const { job } = ctx;
  const active = ctx.activePods.length;
  if (job.spec.suspend) return active - deletePods(ctx, activePodsForRemoval(job, ctx.activePods, active));

  const wantActive = wantedActive(job, ctx.succeeded, active);
  const toDelete = activePodsForRemoval(job, ctx.activePods, Math.max(0, active - wantActive)).slice(0, MAX_POD_CREATE_DELETE_PER_SYNC);
  // A sync deletes or creates, never both; deleting takes precedence.
  if (toDelete.length > 0) return active - deletePods(ctx, toDelete);

  // podReplacementPolicy Failed: a terminating pod still holds its slot until it is gone.
  const holding = job.spec.podReplacementPolicy === 'Failed' ? ctx.terminating : 0;
  let diff = wantActive - holding - active;
  if (diff <= 0) return active;
  const wait = remainingBackoffSeconds(ctx.backoff, ctx.now);
  if (wait > 0) {
    ctx.actions.push({ type: 'requeueAfter', seconds: wait });
    return active;
  }
  diff = Math.min(diff, MAX_POD_CREATE_DELETE_PER_SYNC);
  const indexes = isIndexed(job) ? firstPendingIndexes(ctx.succeededIndexes ?? [], ctx.activePods, diff, job.spec.completions ?? 0) : undefined;
  if (indexes) diff = indexes.length;
  let next = 0;
  slowStartBatches(diff).forEach((size, batch) => {
    for (let i = 0; i < size; i++, next++) {
      ctx.actions.push({ type: 'createPod', namespace: job.metadata.namespace ?? '', pod: podForJob(job, indexes?.[next]), batch });
    }
  });
  return active + diff;
}

/**
 * How many pods should run. With completions: the completions still missing, at most
 * parallelism. Without (a work queue): parallelism until the first success, then leave
 * whatever is running to finish.
 */
export function wantedActive(job: Job, succeeded: number, active: number): number {
  const parallelism = job.spec.parallelism ?? 1;
  if (job.spec.completions == null) return succeeded > 0 ? active : parallelism;
  return Math.max(0, Math.min(job.spec.completions - succeeded, parallelism));
}

/** `activePodsForRemoval`: for Indexed Jobs, duplicates and index-less pods first; then the least valuable. */
export function activePodsForRemoval(job: Job, pods: readonly Pod[], atLeast: number): Pod[] {
  let remove: Pod[] = [];
  let left: Pod[] = [...pods];
  if (isIndexed(job)) ({ remove, keep: left } = duplicatedIndexPods(pods, job.spec.completions ?? 0, byRemovalOrder));
  if (remove.length < atLeast) remove = [...remove, ...[...left].sort(byRemovalOrder).slice(0, atLeast - remove.length)];
  return remove;
}

/** Returns how many were deleted; they now count as terminating, and no longer as ready. */
export function deletePods(ctx: JobContext, pods: readonly Pod[]): number {
  for (const p of pods) {
    ctx.actions.push({ type: 'deletePod', key: keyOf(p) });
    if (isPodReady(p)) ctx.ready--;
  }
  ctx.terminating += pods.length;
  return pods.length;
}
