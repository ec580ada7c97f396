// The Job controller's sync (pkg/controller/job/job_controller.go syncJob), as a story:
// claim the pods, count them, decide whether the Job has failed (backoff limit, deadline),
// then either delete what is still running or manage the pods (suspend, scale to what is
// wanted, replace failures after a backoff), decide whether it has succeeded, and write status.
//
// Counting without finalizers. Kubernetes puts a `batch.kubernetes.io/job-tracking`
// finalizer on every pod and moves each finished pod through status.uncountedTerminatedPods
// before adding it to the counters, so that a pod deleted before it was seen still counts.
// Here a finished pod is never deleted by us before the Job goes, so the counters are
// recomputed from the pods' phases on every sync — a re-sync recounts, it never adds twice —
// and never go below what status already records (a finished pod removed by hand or by pod
// GC is not forgotten). Indexed Jobs union status.completedIndexes with the pods' indexes, as
// Kubernetes does. Pods this controller deletes because the Job failed count as failed at once.
// The shell holds Kubernetes' expectations: it does not re-run a Job's reconcile until the
// pods it created or deleted are seen by the informer (else a stale cache would recreate them).

import { keyOf, ObjectKey } from '../common/actions';
import { adoptPatch, claimDecision, releasePatch } from '../common/owner-references';
import { isPodActive, isPodReady } from '../common/pods';
import { selects } from '../common/selectors';
import { Pod, timeOf, wireTime } from '../common/types';
import { BatchAction } from './actions';
import { backoffRecord } from './backoff';
import { ensureCondition, findCondition, isConditionTrue, Message, newCondition, Reason, withDefaults } from './conditions';
import { completionIndexOf, formatIndexes, succeededIndexes } from './indexes';
import { deletePods, isIndexed, JobContext, manageJob } from './manage';
import { jobStatusChanged } from './status';
import { finishedConditionOf, Job, JOB_CONTROLLER_NAME, JOB_CONTROLLER_UID, JobCondition, JobStatus } from './types';

export interface JobObserved {
  /** Every pod in the Job's namespace (pod informer). */
  readonly pods: readonly Pod[];
  /**
   * False while pod creates/deletes this shell made for the Job are not yet in the pod
   * informer (Kubernetes' ControllerExpectations): counts and conditions are still updated,
   * but no pod is created or deleted from a stale view. Default true.
   */
  readonly expectationsSatisfied?: boolean;
}

export function reconcileJob(job: Job, observed: JobObserved, now: Date): BatchAction[] {
  const j = withDefaults(job);
  const key = keyOf(j);
  if (finishedConditionOf(j) || (j.spec.managedBy !== undefined && j.spec.managedBy !== JOB_CONTROLLER_NAME)) return [];
  if (j.spec.completionMode !== 'NonIndexed' && j.spec.completionMode !== 'Indexed') {
    return [event(key, 'Warning', 'UnknownCompletionMode', 'Skipped Job sync because completion mode is unknown')];
  }
  const actions: BatchAction[] = [];
  const pods = claimPods(j, observed.pods, actions);
  const events: BatchAction[] = [];
  const requeues: number[] = [];
  const status: JobStatus = structuredClone(j.status ?? {});
  const conditions: JobCondition[] = (status.conditions ??= []);
  const completions = j.spec.completions ?? 0;

  const indexed = isIndexed(j);
  const counted = (p: Pod) => !indexed || (completionIndexOf(p) ?? Infinity) < completions;
  const succeededPods = pods.filter((p) => p.status?.phase === 'Succeeded' && counted(p));
  const failedPods = pods.filter((p) => p.status?.phase === 'Failed' && counted(p));
  const activePods = pods.filter(isPodActive);
  const succeededIdx = indexed ? succeededIndexes(status.completedIndexes, pods, completions) : undefined;
  const succeeded = succeededIdx ? succeededIdx.reduce((n, i) => n + i.last - i.first + 1, 0) : Math.max(status.succeeded ?? 0, succeededPods.length);
  let failed = Math.max(status.failed ?? 0, failedPods.length);
  if (!status.startTime && !j.spec.suspend) status.startTime = wireTime(now);

  const ctx: JobContext = {
    job: j,
    now,
    actions,
    activePods,
    succeeded,
    succeededIndexes: succeededIdx,
    backoff: backoffRecord(succeededPods, failedPods),
    ready: activePods.filter(isPodReady).length,
    terminating: pods.filter(isTerminating).length,
  };

  // Has it failed, or met its success criteria in an earlier sync?
  let finished: JobCondition | undefined = isConditionTrue(conditions, 'SuccessCriteriaMet') ? findCondition(conditions, 'SuccessCriteriaMet') : undefined;
  finished ??= isConditionTrue(conditions, 'FailureTarget') ? findCondition(conditions, 'FailureTarget') : undefined;
  if (!finished) {
    if (failed > (j.spec.backoffLimit ?? 6) || pastBackoffLimitOnFailure(j, pods)) {
      finished = newCondition('FailureTarget', 'True', Reason.BackoffLimitExceeded, Message.BackoffLimitExceeded, now);
    } else if (secondsToDeadline(j, status, now) !== undefined) {
      const left = secondsToDeadline(j, status, now) as number;
      if (left <= 0) finished = newCondition('FailureTarget', 'True', Reason.DeadlineExceeded, Message.DeadlineExceeded, now);
      else requeues.push(left);
    }
  }

  let active: number;
  if (finished) {
    // Whatever still runs goes; on failure, those pods count as failed.
    const deleted = deletePods(ctx, activePods);
    if (finished.type === 'FailureTarget') failed += deleted;
    active = 0;
  } else {
    const manage = !j.metadata.deletionTimestamp && observed.expectationsSatisfied !== false;
    active = manage ? manageJob(ctx) : activePods.length;
    const complete = j.spec.completions == null ? succeeded > 0 && active === 0 : succeeded >= completions && active === 0;
    if (complete) finished = newCondition('SuccessCriteriaMet', 'True', Reason.CompletionsReached, Message.CompletionsReached, now);
    else if (manage) syncSuspended(j, status, conditions, key, events, now);
  }

  Object.assign(status, { active, ready: ctx.ready, terminating: ctx.terminating, succeeded, failed });
  // active/succeeded/failed are `omitempty` on the wire; ready and terminating are pointers.
  for (const k of ['active', 'succeeded', 'failed'] as const) if (status[k] === 0) delete status[k];
  if (succeededIdx) status.completedIndexes = formatIndexes(succeededIdx);
  if (finished) enactFinished(j, status, conditions, finished, succeeded, key, events, now);
  if (conditions.length === 0) delete status.conditions;
  for (const a of actions) if (a.type === 'requeueAfter') requeues.push(a.seconds);

  const out: BatchAction[] = actions.filter((a) => a.type !== 'requeueAfter');
  if (jobStatusChanged(j.status, status)) out.push({ type: 'updateStatus', kind: 'Job', key, status });
  out.push(...events);
  if (requeues.length > 0) out.push({ type: 'requeueAfter', seconds: Math.min(...requeues) });
  return out;
}

/**
 * Record the interim condition (FailureTarget, SuccessCriteriaMet), then the terminal one
 * (Failed, Complete) once no pod of the Job is still terminating — Kubernetes 1.31+.
 */
function enactFinished(j: Job, status: JobStatus, conditions: JobCondition[], finished: JobCondition, succeeded: number, key: ObjectKey, events: BatchAction[], now: Date): void {
  if (!findCondition(conditions, finished.type as 'FailureTarget')) conditions.push(finished);
  if ((status.terminating ?? 0) > 0) return;
  const type = finished.type === 'SuccessCriteriaMet' ? 'Complete' : 'Failed';
  conditions.push(newCondition(type, 'True', finished.reason ?? '', finished.message ?? '', now));
  if (type === 'Complete') {
    status.completionTime = wireTime(now);
    if (j.spec.completions != null && succeeded > j.spec.completions) events.push(event(key, 'Warning', 'TooManySucceededPods', 'Too many succeeded pods running after completion count reached'));
    events.push(event(key, 'Normal', 'Completed', 'Job completed'));
  } else {
    events.push(event(key, 'Warning', finished.reason ?? '', finished.message ?? ''));
  }
}

/** Suspended=True on suspend; Suspended=False and a fresh startTime on resume. */
function syncSuspended(j: Job, status: JobStatus, conditions: JobCondition[], key: ObjectKey, events: BatchAction[], now: Date): void {
  if (j.spec.suspend) {
    if (ensureCondition(conditions, 'Suspended', 'True', Reason.JobSuspended, 'Job suspended', now)) events.push(event(key, 'Normal', 'Suspended', 'Job suspended'));
  } else if (ensureCondition(conditions, 'Suspended', 'False', Reason.JobResumed, 'Job resumed', now)) {
    events.push(event(key, 'Normal', 'Resumed', 'Job resumed'));
    // activeDeadlineSeconds counts continuous activity, so time spent suspended is not held against it.
    status.startTime = wireTime(now);
  }
}

/** restartPolicy OnFailure: the kubelet restarts containers in place, so restarts are the failures. */
export function pastBackoffLimitOnFailure(j: Job, pods: readonly Pod[]): boolean {
  if ((j.spec.template.spec as { restartPolicy?: string } | undefined)?.restartPolicy !== 'OnFailure') return false;
  let restarts = 0;
  for (const p of pods) {
    if (p.status?.phase !== 'Running' && p.status?.phase !== 'Pending') continue;
    for (const s of [...(p.status.initContainerStatuses ?? []), ...(p.status.containerStatuses ?? [])]) restarts += s.restartCount ?? 0;
  }
  const limit = j.spec.backoffLimit ?? 6;
  return limit === 0 ? restarts > 0 : restarts >= limit;
}

/** Seconds left before activeDeadlineSeconds; undefined when there is none or the Job is suspended. */
function secondsToDeadline(j: Job, status: JobStatus, now: Date): number | undefined {
  const started = timeOf(status.startTime);
  if (j.spec.activeDeadlineSeconds == null || started === undefined || j.spec.suspend) return undefined;
  return j.spec.activeDeadlineSeconds - (now.getTime() - started) / 1000;
}

/** `controller.CountTerminatingPods`: being deleted, not yet finished. */
function isTerminating(p: Pod): boolean {
  return Boolean(p.metadata.deletionTimestamp) && p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed';
}

/** `getPodsForJob`: ours by controllerRef and selector; orphans adopted, strays released. */
function claimPods(j: Job, pods: readonly Pod[], actions: BatchAction[]): Pod[] {
  const selector = j.spec.selector ?? { matchLabels: { [JOB_CONTROLLER_UID]: j.metadata.uid ?? '' } };
  const owned: Pod[] = [];
  for (const p of pods) {
    if (p.metadata.namespace !== j.metadata.namespace) continue;
    const decision = claimDecision(p, j, selects(selector, p.metadata.labels));
    if (decision === 'claimed') owned.push(p);
    else if (decision === 'adopt') {
      actions.push({ type: 'patchPod', key: keyOf(p), reason: 'adopt', patch: adoptPatch(p, { ...j, apiVersion: 'batch/v1', kind: 'Job' }) });
      owned.push(p);
    } else if (decision === 'release') actions.push({ type: 'patchPod', key: keyOf(p), reason: 'release', patch: releasePatch(p, j) });
  }
  return owned;
}

function event(key: ObjectKey, eventType: 'Normal' | 'Warning', reason: string, message: string): BatchAction {
  return { type: 'recordEvent', key, kind: 'Job', eventType, reason, message };
}
