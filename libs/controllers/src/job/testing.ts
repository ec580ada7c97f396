// Builders and an action printer for the Job and CronJob specs.

import { assertNever } from '../common/actions';
import { NOW, ago } from '../common/test-fixtures';
import { Pod } from '../common/types';
import { BatchAction } from './actions';
import { JOB_COMPLETION_INDEX, JOB_CONTROLLER_UID, Job, JobSpec, JobStatus } from './types';

export { NOW, ago };

export function job(name: string, spec: Partial<JobSpec> = {}, status?: JobStatus, extra: { deleting?: boolean } = {}): Job {
  const uid = `uid-${name}`;
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, namespace: 'default', uid, creationTimestamp: ago(3600), ...(extra.deleting ? { deletionTimestamp: ago(0) } : {}) },
    spec: {
      selector: { matchLabels: { [JOB_CONTROLLER_UID]: uid } },
      template: { metadata: { labels: { [JOB_CONTROLLER_UID]: uid, 'job-name': name } }, spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] } },
      ...spec,
    },
    ...(status ? { status } : {}),
  };
}

export interface JobPodShape {
  phase?: NonNullable<Pod['status']>['phase'];
  ready?: boolean;
  index?: number;
  restarts?: number;
  /** Seconds ago the pod finished (Succeeded/Failed). */
  finished?: number;
  deleting?: boolean;
  created?: number;
  owner?: string | null;
}

/** A pod of Job `owner` (default `pi`), Running and ready unless told otherwise. */
export function jobPod(name: string, shape: JobPodShape = {}): Pod {
  const owner = shape.owner === undefined ? 'pi' : shape.owner;
  const phase = shape.phase ?? 'Running';
  const ready = shape.ready ?? phase === 'Running';
  const index: Record<string, string> = shape.index === undefined ? {} : { [JOB_COMPLETION_INDEX]: String(shape.index) };
  const finishedAt = shape.finished === undefined ? undefined : ago(shape.finished);
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: 'default',
      uid: `uid-${name}`,
      creationTimestamp: ago(shape.created ?? 600),
      labels: { ...(owner ? { [JOB_CONTROLLER_UID]: `uid-${owner}` } : {}), ...index },
      annotations: index,
      ...(shape.deleting ? { deletionTimestamp: ago(0) } : {}),
      ...(owner ? { ownerReferences: [{ apiVersion: 'batch/v1', kind: 'Job', name: owner, uid: `uid-${owner}`, controller: true, blockOwnerDeletion: true }] } : {}),
    },
    spec: { nodeName: 'node-1', containers: [{ name: 'c', image: 'busybox' }] },
    status: {
      phase,
      conditions: [{ type: 'Ready', status: ready ? 'True' : 'False', lastTransitionTime: finishedAt ?? ago(300) }],
      containerStatuses: [{ name: 'c', restartCount: shape.restarts ?? 0, ready, ...(finishedAt ? { state: { terminated: { finishedAt } } } : {}) } as { name: string }],
    },
  };
}

/** One line per action, for specs that compare what a reconcile asked for. */
export function show(a: BatchAction): string {
  switch (a.type) {
    case 'createPod': {
      const ix = a.pod.metadata.annotations?.[JOB_COMPLETION_INDEX];
      return `createPod ${a.pod.metadata.generateName}${ix === undefined ? '' : ` index=${ix}`} batch=${a.batch}`;
    }
    case 'deletePod':
      return `deletePod ${a.key.name}`;
    case 'patchPod':
      return `patchPod ${a.key.name} ${a.reason}`;
    case 'createJob':
      return `createJob ${a.job.metadata.name}`;
    case 'deleteJob':
      return `deleteJob ${a.key.name} ${a.propagationPolicy}`;
    case 'updateStatus':
      return `updateStatus ${a.kind} ${a.key.name}`;
    case 'recordEvent':
      return `event ${a.eventType} ${a.reason}`;
    case 'requeueAfter':
      return `requeueAfter ${Math.round(a.seconds * 1000) / 1000}`;
    default:
      return assertNever(a);
  }
}

export const showAll = (actions: readonly BatchAction[]): string[] => actions.map(show);

export function statusOf(actions: readonly BatchAction[]): JobStatus | undefined {
  const a = actions.find((x) => x.type === 'updateStatus' && x.kind === 'Job');
  return a?.type === 'updateStatus' && a.kind === 'Job' ? a.status : undefined;
}
