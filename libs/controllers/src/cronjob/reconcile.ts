// The CronJob controller's sync (pkg/controller/cronjob/cronjob_controllerv2.go syncCronJob
// and cleanupFinishedJobs), as a story: bring status.active in line with the Jobs that exist,
// then — unless deleting, suspended or the schedule is unusable — find the most recent due
// time, check the starting deadline, the concurrency policy and whether that time already
// ran, create its Job, clean up history, and come back at the next scheduled time.
//
// One difference of shape: Kubernetes appends the Job it just created to status.active using
// the uid from the create response. A pure reconcile has no response, so it records only
// lastScheduleTime (which, with the Job's deterministic name, stops a second run of the same
// time), and the Job joins status.active at the next reconcile, when the Job informer shows
// it — the same repair Kubernetes does after an AlreadyExists for a Job it owns.

import { keyOf, ObjectKey } from '../common/actions';
import { controllerRefOf } from '../common/owner-references';
import { timeOf, wireTime } from '../common/types';
import { BatchAction } from '../job/actions';
import { sameStatus } from '../job/status';
import { CronJob, CronJobStatus, finishedConditionOf, Job, JobReference } from '../job/types';
import { cleanupFinishedJobs } from './cleanup';
import { CRONJOB_SCHEDULED_TIMESTAMP, jobFromTemplate, jobNameFor } from './job-template';
import { isScheduleError, isValidTimeZone, mostRecentScheduleTime, parseSchedule, Schedule, secondsToNextSchedule } from './schedule';

export interface CronJobObserved {
  /** Every Job in the CronJob's namespace (Job informer). */
  readonly jobs: readonly Job[];
}

/** The API server's CronJob defaults, for objects stored without them. */
export function withCronJobDefaults(cronJob: CronJob): CronJob {
  const spec = { ...cronJob.spec };
  spec.concurrencyPolicy ??= 'Allow';
  spec.suspend ??= false;
  spec.successfulJobsHistoryLimit ??= 3;
  spec.failedJobsHistoryLimit ??= 1;
  return { ...cronJob, spec };
}

export function reconcileCronJob(cronJob: CronJob, observed: CronJobObserved, now: Date): BatchAction[] {
  const cj = withCronJobDefaults(cronJob);
  const key = keyOf(cj);
  const out: BatchAction[] = [];
  const event = (eventType: 'Normal' | 'Warning', reason: string, message: string) => out.push({ type: 'recordEvent', key, kind: 'CronJob', eventType, reason, message });
  const status: CronJobStatus = structuredClone(cj.status ?? {});
  const jobs = observed.jobs.filter((j) => j.metadata.namespace === cj.metadata.namespace && controllerRefOf(j)?.uid === cj.metadata.uid);
  syncActive(status, jobs, event);

  const requeue = schedule(cj, status, now, out, event);
  if (!cj.metadata.deletionTimestamp) out.push(...cleanupFinishedJobs(cj, jobs));
  if (status.active?.length === 0) delete status.active;
  if (!sameStatus(cj.status, status)) out.push({ type: 'updateStatus', kind: 'CronJob', key, status });
  if (requeue !== undefined) out.push({ type: 'requeueAfter', seconds: requeue });
  return out;
}

type Emit = (eventType: 'Normal' | 'Warning', reason: string, message: string) => void;

/** Returns the seconds until the CronJob should be looked at again, if it should. */
function schedule(cj: CronJob, status: CronJobStatus, now: Date, out: BatchAction[], event: Emit): number | undefined {
  if (cj.metadata.deletionTimestamp) return undefined;
  if (cj.spec.timeZone && !isValidTimeZone(cj.spec.timeZone)) {
    event('Warning', 'UnknownTimeZone', `invalid timeZone: "${cj.spec.timeZone}": unknown time zone ${cj.spec.timeZone}`);
    return undefined;
  }
  if (cj.spec.suspend) return undefined;
  const sched = parseSchedule(cj.spec.schedule, cj.spec.timeZone);
  if (isScheduleError(sched)) {
    event('Warning', sched.reason, sched.message);
    return undefined;
  }
  const since = new Date(timeOf(status.lastScheduleTime) ?? timeOf(cj.metadata.creationTimestamp) ?? now.getTime());
  const next = (from: Date) => secondsToNextSchedule(from, now, sched);
  const { mostRecent, missed } = mostRecentScheduleTime(since, now, sched, cj.spec.startingDeadlineSeconds);
  if (!mostRecent) return next(since);
  if (missed === 'many') event('Warning', 'TooManyMissedTimes', 'too many missed start times. Set or decrease .spec.startingDeadlineSeconds or check clock skew');

  const deadline = cj.spec.startingDeadlineSeconds;
  if (deadline != null && mostRecent.getTime() + deadline * 1000 < now.getTime()) {
    event('Warning', 'MissSchedule', `Missed scheduled time to start a job: ${rfc1123z(mostRecent)}`);
    return next(since);
  }
  const name = jobNameFor(cj, mostRecent);
  if ((status.active ?? []).some((r) => r.name === name) || timeOf(status.lastScheduleTime) === mostRecent.getTime()) return next(since);
  if (cj.spec.concurrencyPolicy === 'Forbid' && (status.active ?? []).length > 0) {
    event('Normal', 'JobAlreadyActive', 'Not starting job because prior execution is running and concurrency policy is Forbid');
    return next(since);
  }
  if (cj.spec.concurrencyPolicy === 'Replace') {
    for (const ref of status.active ?? []) {
      out.push({ type: 'deleteJob', key: refKey(ref), propagationPolicy: 'Background' });
      event('Normal', 'SuccessfulDelete', `Deleted job ${ref.name}`);
    }
    status.active = [];
  }
  out.push({ type: 'createJob', namespace: cj.metadata.namespace ?? '', job: jobFromTemplate(cj, mostRecent) });
  event('Normal', 'SuccessfulCreate', `Created job ${name}`);
  status.lastScheduleTime = wireTime(mostRecent);
  return next(mostRecent);
}

/**
 * Finished Jobs leave status.active, vanished ones too; an unfinished Job of ours that is
 * missing is put back (UnexpectedJob only when we did not create it); lastSuccessfulTime
 * follows the newest completion.
 */
function syncActive(status: CronJobStatus, jobs: readonly Job[], event: Emit): void {
  const active = [...(status.active ?? [])];
  for (const j of jobs) {
    const found = active.some((r) => r.uid === j.metadata.uid);
    const finished = finishedConditionOf(j);
    if (!found && !finished && !j.metadata.deletionTimestamp) {
      const scheduled = timeOf(j.metadata.annotations?.[CRONJOB_SCHEDULED_TIMESTAMP]);
      if (scheduled === undefined) event('Warning', 'UnexpectedJob', `Saw a job that the controller did not create or forgot: ${j.metadata.name}`);
      else if (scheduled > (timeOf(status.lastScheduleTime) ?? -Infinity)) status.lastScheduleTime = wireTime(new Date(scheduled));
      active.push(refOf(j));
    } else if (found && finished) {
      active.splice(active.findIndex((r) => r.uid === j.metadata.uid), 1);
      event('Normal', 'SawCompletedJob', `Saw completed job: ${j.metadata.name}, status: ${finished.type}`);
    }
    const completed = finished?.type === 'Complete' ? timeOf(j.status?.completionTime) : undefined;
    if (completed !== undefined && completed > (timeOf(status.lastSuccessfulTime) ?? -Infinity)) status.lastSuccessfulTime = j.status?.completionTime;
  }
  const present = new Set(jobs.map((j) => j.metadata.uid));
  for (const r of [...active]) {
    if (present.has(r.uid)) continue;
    active.splice(active.indexOf(r), 1);
    event('Normal', 'MissingJob', `Active job went missing: ${r.name}`);
  }
  status.active = active;
}

function refOf(j: Job): JobReference {
  return { kind: 'Job', namespace: j.metadata.namespace, name: j.metadata.name, uid: j.metadata.uid, apiVersion: 'batch/v1', resourceVersion: j.metadata.resourceVersion };
}

function refKey(r: JobReference): ObjectKey {
  return { namespace: r.namespace ?? '', name: r.name ?? '', uid: r.uid ?? '' };
}

/** Go's `time.RFC1123Z` in UTC: `Wed, 01 Jan 2025 12:00:00 +0000`. */
function rfc1123z(t: Date): string {
  return t.toUTCString().replace('GMT', '+0000');
}
