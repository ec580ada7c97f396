// The Job a CronJob makes for one scheduled time (cronjob/utils.go getJobFromTemplate2).
//
// The name is the lock against running a time twice: `<cronjob>-<minutes since the epoch>`.
// Worked example: `hello` scheduled at 2025-01-01T12:00:00Z = 1 735 732 800 s → 28 928 880 min
// → Job `hello-28928880`; the next minute's is `hello-28928881`.

import { newControllerRef } from '../common/owner-references';
import { CronJob, Job } from '../job/types';

export const CRONJOB_SCHEDULED_TIMESTAMP = 'batch.kubernetes.io/cronjob-scheduled-timestamp';

/** `getJobName`. */
export function jobNameFor(cronJob: CronJob, scheduled: Date): string {
  return `${cronJob.metadata.name}-${Math.floor(scheduled.getTime() / 60000)}`;
}

/**
 * Go's `time.RFC3339` in a zone: `2025-01-01T21:00:00+09:00`, or `…Z` at offset zero.
 */
export function rfc3339In(t: Date, timeZone: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', timeZoneName: 'longOffset' })
      .formatToParts(t)
      .map((p) => [p.type, p.value]),
  );
  const offset = String(parts.timeZoneName).replace('GMT', '');
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:${parts.second}${['', '+00:00', '-00:00'].includes(offset) ? 'Z' : offset}`;
}

export function jobFromTemplate(cronJob: CronJob, scheduled: Date): Job {
  const template = structuredClone(cronJob.spec.jobTemplate);
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name: jobNameFor(cronJob, scheduled),
      namespace: cronJob.metadata.namespace,
      labels: { ...(template.metadata?.labels ?? {}) },
      annotations: { ...(template.metadata?.annotations ?? {}), [CRONJOB_SCHEDULED_TIMESTAMP]: rfc3339In(scheduled, cronJob.spec.timeZone || 'UTC') },
      ownerReferences: [{ ...newControllerRef(cronJob), apiVersion: 'batch/v1', kind: 'CronJob' }],
    },
    spec: template.spec,
  };
}
