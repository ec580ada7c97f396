// The TTL-after-finished controller (pkg/controller/ttlafterfinished): a finished Job with
// ttlSecondsAfterFinished is deleted that many seconds after it finished, its pods with it
// (propagation Background: the garbage collector removes them after the Job is gone).
//
// Worked example: Complete at 12:00:00 with ttlSecondsAfterFinished 100 → at 12:01:00,
// requeue in 40 s; at 12:01:40 or later, delete.

import { keyOf } from '../common/actions';
import { timeOf } from '../common/types';
import { BatchAction } from './actions';
import { finishedConditionOf, Job } from './types';

/** When the Job finished (its Complete/Failed condition's transition), in ms since the epoch. */
export function jobFinishTime(job: Job): number | undefined {
  return timeOf(finishedConditionOf(job)?.lastTransitionTime);
}

export function reconcileJobTTL(job: Job, now: Date): BatchAction[] {
  const ttl = job.spec.ttlSecondsAfterFinished;
  if (ttl == null || job.metadata.deletionTimestamp) return [];
  const finishedAt = jobFinishTime(job);
  if (finishedAt === undefined) return [];
  const left = (finishedAt + ttl * 1000 - now.getTime()) / 1000;
  if (left > 0) return [{ type: 'requeueAfter', seconds: left }];
  return [{ type: 'deleteJob', key: keyOf(job), propagationPolicy: 'Background' }];
}
