import type { KubeObject } from '@keelson/apimachinery';
import { objectPath } from '@keelson/informer';
import { assertNever, type ControllerAction } from '../common/actions';
import type { BatchAction } from '../job/actions';
import { ignoreNotFound, isAlreadyExists, isNotFound, type ControllerClient } from './client';
import type { EventRecorder } from './events';
import { paths as kindPaths } from './paths';

// Runs the ReplicaSet/Deployment/Job/CronJob reconcilers' actions through the API server, in order,
// stopping at the first failure: the next sync re-reads the cache and decides again. Pod
// creates go in their slow-start batches (a batch concurrently, the next only when all of it
// succeeded); consecutive pod deletes go concurrently, as Kubernetes' manageReplicas does.

export interface ExecuteContext {
  client: ControllerClient;
  recorder: EventRecorder;
  fieldManager: string;
  cause: number | undefined;
  /** the objects the actions were decided on, to PUT status onto (keyed by kind) */
  current: { ReplicaSet?: KubeObject; Deployment?: KubeObject; Job?: KubeObject; CronJob?: KubeObject };
  /** pods the sync meant to create/delete but did not (failed or skipped): lower expectations */
  onCreatesMissed?: (n: number) => void;
  onDeletesMissed?: (n: number) => void;
  /** kind/name of the object whose pods these are, for SuccessfulCreate events */
  podOwner?: { kind: string; namespace: string; name: string; uid?: string };
}

export interface ExecuteResult {
  requeueAfterSeconds?: number;
  /** the first failed pod create/delete, for the ReplicaSet's ReplicaFailure condition */
  manageError?: Error;
}

const paths = {
  ...kindPaths,
  replicaSets: (ns: string, name?: string, sub?: string) => objectPath('apps', 'v1', 'replicasets', ns, name, sub),
  deployments: (ns: string, name?: string, sub?: string) => objectPath('apps', 'v1', 'deployments', ns, name, sub),
};
const statusPaths = { ReplicaSet: paths.replicaSets, Deployment: paths.deployments, Job: paths.jobs, CronJob: paths.cronJobs };

export type ShellAction = ControllerAction | BatchAction;

/** A failed write, named by its action; keeps the Status' code and reason so callers can tell a conflict. */
export class ActionFailed extends Error {
  readonly code?: number;
  readonly reason?: string;
  constructor(
    readonly action: string,
    readonly error: Error,
  ) {
    super(`${action}: ${error.message}`);
    const status = error as { code?: number; reason?: string };
    this.code = status.code;
    this.reason = status.reason;
  }
}

export async function executeControllerActions(actions: readonly ShellAction[], ctx: ExecuteContext): Promise<ExecuteResult> {
  const { client, cause, fieldManager: fm } = ctx;
  const w = { cause, fieldManager: fm };
  let requeue: number | undefined;
  for (let i = 0; i < actions.length; ) {
    const a = actions[i];
    if (a.type === 'createPod' || a.type === 'deletePod') {
      // A run of the same kind: creates of one batch, or consecutive deletes.
      let j = i + 1;
      while (j < actions.length && actions[j].type === a.type && (a.type !== 'createPod' || (actions[j] as typeof a).batch === a.batch)) j++;
      const run = actions.slice(i, j);
      const failure = a.type === 'createPod' ? await createPods(run as CreatePod[], ctx) : await deletePods(run as DeletePod[], ctx);
      if (failure) {
        if (a.type === 'createPod') ctx.onCreatesMissed?.(actions.slice(j).filter((x) => x.type === 'createPod').length);
        return { manageError: failure };
      }
      i = j;
      continue;
    }
    try {
      switch (a.type) {
        case 'patchPod':
          await client.patch(paths.pods(a.key.namespace, a.key.name), a.patch, { ...w, patchType: 'strategic' });
          break;
        case 'createReplicaSet':
          await client.create(paths.replicaSets(a.namespace), a.replicaSet, w);
          break;
        case 'updateReplicaSet':
          await client.update(paths.replicaSets(a.key.namespace, a.key.name), a.replicaSet, w);
          break;
        case 'patchReplicaSet':
          await client.patch(paths.replicaSets(a.key.namespace, a.key.name), a.patch, { ...w, patchType: 'strategic' });
          break;
        case 'deleteReplicaSet':
          await client.delete(paths.replicaSets(a.key.namespace, a.key.name), { preconditions: { uid: a.key.uid } }, w).catch(ignoreNotFound);
          break;
        case 'updateDeployment':
          await client.update(paths.deployments(a.key.namespace, a.key.name), a.deployment, w);
          break;
        case 'createJob':
          await client.create(paths.jobs(a.namespace), a.job, w).catch((e) => {
            if (!isAlreadyExists(e)) throw e; // the name is the lock: this time already ran
          });
          break;
        case 'deleteJob':
          await client.delete(paths.jobs(a.key.namespace, a.key.name), { preconditions: { uid: a.key.uid }, propagationPolicy: a.propagationPolicy }, w).catch(ignoreNotFound);
          break;
        case 'updateStatus': {
          const path = statusPaths[a.kind];
          const obj = ctx.current[a.kind];
          if (!obj) throw new Error(`no current ${a.kind} to write status onto`);
          await client.update(path(a.key.namespace, a.key.name, 'status'), { ...obj, status: a.status }, w);
          break;
        }
        case 'recordEvent':
          await ctx.recorder.record({ kind: a.kind, namespace: a.key.namespace, name: a.key.name, uid: a.key.uid }, a.eventType, a.reason, a.message, cause);
          break;
        case 'requeueAfter':
          requeue = requeue === undefined ? a.seconds : Math.min(requeue, a.seconds);
          break;
        default:
          assertNever(a);
      }
    } catch (err) {
      throw new ActionFailed(a.type, err as Error);
    }
    i++;
  }
  return requeue === undefined ? {} : { requeueAfterSeconds: requeue };
}

type CreatePod = Extract<ShellAction, { type: 'createPod' }>;
type DeletePod = Extract<ShellAction, { type: 'deletePod' }>;

async function createPods(run: CreatePod[], ctx: ExecuteContext): Promise<Error | undefined> {
  const results = await Promise.allSettled(run.map((a) => ctx.client.create(paths.pods(a.namespace), a.pod, { cause: ctx.cause, fieldManager: ctx.fieldManager })));
  const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (ctx.podOwner) {
    // Events are written in the background, as client-go's recorder does: the next batch does not wait on them.
    const o = ctx.podOwner;
    for (const r of results) {
      if (r.status === 'fulfilled') void ctx.recorder.record(o, 'Normal', 'SuccessfulCreate', `Created pod: ${r.value.metadata.name}`, ctx.cause);
    }
    if (failed.length) void ctx.recorder.record(o, 'Warning', 'FailedCreate', `Error creating: ${(failed[0].reason as Error).message}`, ctx.cause);
  }
  if (failed.length) ctx.onCreatesMissed?.(failed.length);
  return failed.length ? (failed[0].reason as Error) : undefined;
}

async function deletePods(run: DeletePod[], ctx: ExecuteContext): Promise<Error | undefined> {
  const results = await Promise.allSettled(
    run.map((a) => ctx.client.delete(paths.pods(a.key.namespace, a.key.name), { preconditions: { uid: a.key.uid } }, { cause: ctx.cause, fieldManager: ctx.fieldManager })),
  );
  let firstError: Error | undefined;
  let missed = 0;
  results.forEach((r, i) => {
    if (r.status === 'fulfilled') {
      if (ctx.podOwner) void ctx.recorder.record(ctx.podOwner, 'Normal', 'SuccessfulDelete', `Deleted pod: ${run[i].key.name}`, ctx.cause);
      return;
    }
    missed++; // not found: already gone, the informer may never show us a deletion to count
    if (!isNotFound(r.reason)) firstError ??= r.reason as Error;
  });
  if (missed) ctx.onDeletesMissed?.(missed);
  return firstError;
}

