// Builders for the CronJob specs: the seed's `hello` CronJob and Jobs it owns.

import { CronJob, CronJobSpec, CronJobStatus, Job, JobCondition } from '../job/types';
import { ago } from '../job/testing';
import { CRONJOB_SCHEDULED_TIMESTAMP } from './job-template';

export function cronJob(spec: Partial<CronJobSpec> = {}, status?: CronJobStatus, extra: { created?: number; deleting?: boolean } = {}): CronJob {
  return {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name: 'hello', namespace: 'default', uid: 'uid-hello', creationTimestamp: ago(extra.created ?? 30), ...(extra.deleting ? { deletionTimestamp: ago(0) } : {}) },
    spec: {
      schedule: '*/1 * * * *',
      jobTemplate: { spec: { template: { spec: { restartPolicy: 'OnFailure', containers: [{ name: 'hello', image: 'busybox' }] } } } },
      ...spec,
    },
    ...(status ? { status } : {}),
  };
}

export interface OwnedJobShape {
  /** Seconds ago it was scheduled (and started). */
  scheduled: number;
  finished?: 'Complete' | 'Failed';
  owner?: string;
  deleting?: boolean;
}

/** A Job `hello-<minutes>` of the CronJob, as the controller would have made it. */
export function ownedJob({ scheduled, finished, owner = 'hello', deleting }: OwnedJobShape): Job {
  const at = ago(scheduled);
  const name = `${owner}-${Math.floor(Date.parse(at) / 60000)}`;
  const conditions: JobCondition[] = finished ? [{ type: finished, status: 'True', lastTransitionTime: ago(scheduled - 10) }] : [];
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name,
      namespace: 'default',
      uid: `uid-${name}`,
      annotations: { [CRONJOB_SCHEDULED_TIMESTAMP]: at },
      ownerReferences: [{ apiVersion: 'batch/v1', kind: 'CronJob', name: owner, uid: `uid-${owner}`, controller: true, blockOwnerDeletion: true }],
      ...(deleting ? { deletionTimestamp: ago(0) } : {}),
    },
    spec: { template: {} },
    status: { startTime: at, conditions, ...(finished === 'Complete' ? { completionTime: ago(scheduled - 10) } : {}) },
  };
}

export const activeRef = (j: Job) => ({ kind: 'Job', apiVersion: 'batch/v1', namespace: 'default', name: j.metadata.name, uid: j.metadata.uid });
