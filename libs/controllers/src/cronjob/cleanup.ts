// History limits (cronjob_controllerv2.go cleanupFinishedJobs): keep the newest
// successfulJobsHistoryLimit Complete Jobs and failedJobsHistoryLimit Failed ones, delete the
// rest oldest first (by status.startTime, never-started last, name as tie-breaker).
//
// Worked example: limit 3 with Complete Jobs started at 10:00, 10:01, 10:02, 10:03, 10:04 →
// the 10:00 and 10:01 Jobs are deleted.

import { keyOf } from '../common/actions';
import { timeOf } from '../common/types';
import { BatchAction } from '../job/actions';
import { CronJob, finishedConditionOf, Job } from '../job/types';

/** `byJobStartTime`. */
export function byStartTime(a: Job, b: Job): number {
  const [ta, tb] = [timeOf(a.status?.startTime), timeOf(b.status?.startTime)];
  if (ta === undefined && tb !== undefined) return 1;
  if (ta !== undefined && tb === undefined) return -1;
  if (ta !== tb) return (ta ?? 0) - (tb ?? 0);
  return (a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : (a.metadata.name ?? '') > (b.metadata.name ?? '') ? 1 : 0;
}

/** Jobs to delete; one already being deleted still counts against the limit but is not deleted again. */
export function jobsOverHistoryLimits(cronJob: CronJob, jobs: readonly Job[]): Job[] {
  const out: Job[] = [];
  const limits = { Complete: cronJob.spec.successfulJobsHistoryLimit, Failed: cronJob.spec.failedJobsHistoryLimit };
  for (const type of ['Complete', 'Failed'] as const) {
    const limit = limits[type];
    if (limit == null) continue;
    const finished = jobs.filter((j) => finishedConditionOf(j)?.type === type).sort(byStartTime);
    out.push(...finished.slice(0, Math.max(0, finished.length - limit)).filter((j) => !j.metadata.deletionTimestamp));
  }
  return out;
}

export function cleanupFinishedJobs(cronJob: CronJob, jobs: readonly Job[]): BatchAction[] {
  return jobsOverHistoryLimits(cronJob, jobs).flatMap((j): BatchAction[] => [
    { type: 'deleteJob', key: keyOf(j), propagationPolicy: 'Background' },
    { type: 'recordEvent', key: keyOf(cronJob), kind: 'CronJob', eventType: 'Normal', reason: 'SuccessfulDelete', message: `Deleted job ${j.metadata.name}` },
  ]);
}
