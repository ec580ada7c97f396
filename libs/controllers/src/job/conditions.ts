// Job conditions as job_controller.go writes them, and the API server's Job defaults (so a
// Job stored without them still reconciles as Kubernetes would).

import { wireTime } from '../common/types';
import { Job, JobCondition, JobConditionType } from './types';

export const Reason = {
  BackoffLimitExceeded: 'BackoffLimitExceeded',
  DeadlineExceeded: 'DeadlineExceeded',
  CompletionsReached: 'CompletionsReached',
  JobSuspended: 'JobSuspended',
  JobResumed: 'JobResumed',
} as const;

export const Message = {
  BackoffLimitExceeded: 'Job has reached the specified backoff limit',
  DeadlineExceeded: 'Job was active longer than specified deadline',
  CompletionsReached: 'Reached expected number of succeeded pods',
} as const;

export function newCondition(type: JobConditionType, status: JobCondition['status'], reason: string, message: string, now: Date): JobCondition {
  const t = wireTime(now);
  return { type, status, lastProbeTime: t, lastTransitionTime: t, reason, message };
}

export function findCondition(conditions: readonly JobCondition[] | undefined, type: JobConditionType): JobCondition | undefined {
  return (conditions ?? []).find((c) => c.type === type);
}

export function isConditionTrue(conditions: readonly JobCondition[] | undefined, type: JobConditionType): boolean {
  return findCondition(conditions, type)?.status === 'True';
}

/**
 * `ensureJobConditionStatus`: replace a condition whose status, reason or message differ; add a
 * missing one unless it would be False (a Job never suspended shows no Suspended condition).
 */
export function ensureCondition(conditions: JobCondition[], type: JobConditionType, status: JobCondition['status'], reason: string, message: string, now: Date): boolean {
  const at = conditions.findIndex((c) => c.type === type);
  if (at >= 0) {
    const c = conditions[at];
    if (c.status === status && c.reason === reason && c.message === message) return false;
    conditions[at] = newCondition(type, status, reason, message, now);
    return true;
  }
  if (status === 'False') return false;
  conditions.push(newCondition(type, status, reason, message, now));
  return true;
}

/**
 * `SetDefaults_Job`: neither completions nor parallelism → both 1 (one pod to success);
 * parallelism alone → a work queue (no completions); backoffLimit 6; NonIndexed.
 */
export function withDefaults(job: Job): Job {
  const spec = { ...job.spec };
  if (spec.completions == null && spec.parallelism == null) {
    spec.completions = 1;
    spec.parallelism = 1;
  }
  spec.parallelism ??= 1;
  spec.backoffLimit ??= 6;
  spec.completionMode ??= 'NonIndexed';
  spec.suspend ??= false;
  return { ...job, spec };
}
