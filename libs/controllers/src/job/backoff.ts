// Delay before replacing failed pods (pkg/controller/job/backoff_utils.go): 10 s after the
// first failure since the last success, doubling per further failure, capped at 6 min.
//
// Worked example: failures at 10:00:00, 10:00:12 and 10:00:40, none succeeded since. Three
// failures → 10 s · 2 · 2 = 40 s after the last one: new pods from 10:01:20; at 10:01:00 the
// remaining delay is 20 s. Kubernetes keeps this record in memory, fed by newly finished
// pods; we rebuild it from every finished pod (finished pods stay until the Job goes), which
// gives the same answer and survives a controller restart.

import { podReadyCondition } from '../common/pods';
import { Pod, timeOf } from '../common/types';

export const DEFAULT_JOB_POD_FAILURE_BACKOFF_SECONDS = 10;
export const MAX_JOB_POD_FAILURE_BACKOFF_SECONDS = 360;

/** The container-status fields the finish time needs (common's ContainerStatus names fewer). */
interface TerminatedState {
  state?: { terminated?: { finishedAt?: string } };
}

export interface BackoffRecord {
  readonly failuresAfterLastSuccess: number;
  /** Milliseconds since the epoch; undefined when there is no failure to wait for. */
  readonly lastFailureTime?: number;
}

/**
 * `getFinishedTime`: the latest container finish when all containers finished, else when
 * Ready turned False, else the deletion time less the grace period, else creation.
 */
export function finishedTime(pod: Pod): number {
  const statuses = (pod.status?.containerStatuses ?? []) as (TerminatedState & object)[];
  let latest: number | undefined;
  for (const s of statuses) {
    const t = timeOf(s.state?.terminated?.finishedAt);
    if (t === undefined) {
      latest = undefined;
      break;
    }
    latest = latest === undefined ? t : Math.max(latest, t);
  }
  if (latest !== undefined) return latest;
  const ready = podReadyCondition(pod);
  const readyFalse = ready?.status === 'False' ? timeOf(ready.lastTransitionTime) : undefined;
  if (readyFalse !== undefined) return readyFalse;
  const deleted = timeOf(pod.metadata.deletionTimestamp);
  if (deleted !== undefined) return deleted - (pod.metadata.deletionGracePeriodSeconds ?? 0) * 1000;
  return timeOf(pod.metadata.creationTimestamp) ?? 0;
}

/** Failures that finished after the last success, and the latest of them. */
export function backoffRecord(succeeded: readonly Pod[], failed: readonly Pod[]): BackoffRecord {
  const lastSuccess = Math.max(-Infinity, ...succeeded.map(finishedTime));
  const after = failed.map(finishedTime).filter((t) => t > lastSuccess);
  if (after.length === 0) return { failuresAfterLastSuccess: 0 };
  return { failuresAfterLastSuccess: after.length, lastFailureTime: Math.max(...after) };
}

/** `getRemainingTimeForFailuresCount`, in seconds (0 = create now). */
export function remainingBackoffSeconds(record: BackoffRecord, now: Date, base = DEFAULT_JOB_POD_FAILURE_BACKOFF_SECONDS, max = MAX_JOB_POD_FAILURE_BACKOFF_SECONDS): number {
  if (record.failuresAfterLastSuccess === 0 || record.lastFailureTime === undefined) return 0;
  let delay = base;
  for (let i = 1; i < record.failuresAfterLastSuccess; i++) {
    delay *= 2;
    if (delay >= max) {
      delay = max;
      break;
    }
  }
  const elapsed = (now.getTime() - record.lastFailureTime) / 1000;
  return delay < elapsed ? 0 : delay - elapsed;
}
