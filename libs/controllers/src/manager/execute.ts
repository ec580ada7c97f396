import type { KubeObject } from '@keelson/apimachinery';
import { objectPath } from '@keelson/informer';
import type { ControllerAction } from '../common/actions';
import type { BatchAction } from '../job/actions';
import { ActionFailed, applyActions, type ActionHandlers, type Writes } from './apply';
import type { SyncResult } from './controller';
import type { InvolvedObject } from './events';
import { paths as kindPaths } from './paths';

// The requests of the ReplicaSet/Deployment/Job/CronJob reconcilers' shared vocabulary. Pod
// creates go in their slow-start batches (a batch concurrently, the next only when all of it
// succeeded); consecutive pod deletes go concurrently, as Kubernetes' manageReplicas does.

export interface ExecuteContext {
  write: Writes;
  /** the objects the actions were decided on, to PUT status onto (keyed by kind) */
  current: { ReplicaSet?: KubeObject; Deployment?: KubeObject; Job?: KubeObject; CronJob?: KubeObject };
  /** pod creates/deletes the sync meant to make but did not (failed, skipped, already gone): lower expectations */
  onNotApplied?: (actions: readonly ShellAction[]) => void;
  /** the object whose pods these are, for SuccessfulCreate/SuccessfulDelete events */
  podOwner?: InvolvedObject;
}

const paths = {
  ...kindPaths,
  replicaSets: (ns: string, name?: string, sub?: string) => objectPath('apps', 'v1', 'replicasets', ns, name, sub),
  deployments: (ns: string, name?: string, sub?: string) => objectPath('apps', 'v1', 'deployments', ns, name, sub),
};
const statusPaths = { ReplicaSet: paths.replicaSets, Deployment: paths.deployments, Job: paths.jobs, CronJob: paths.cronJobs };

export type ShellAction = ControllerAction | BatchAction;

/** A run of pod creates of one slow-start batch, or of consecutive pod deletes. */
const together = (prev: ShellAction, next: ShellAction) =>
  (prev.type === 'deletePod' && next.type === 'deletePod') || (prev.type === 'createPod' && next.type === 'createPod' && prev.batch === next.batch);

export function executeControllerActions(actions: readonly ShellAction[], ctx: ExecuteContext): Promise<SyncResult> {
  return applyActions(actions, handlers(ctx), { together, onStopped: ctx.onNotApplied });
}

/** The error of a pod create/delete that failed (the ReplicaSet's ReplicaFailure condition shows it), if that is what `err` is. */
export function podWriteError(err: unknown): Error | undefined {
  return err instanceof ActionFailed && (err.action === 'createPod' || err.action === 'deletePod') ? err.error : undefined;
}

function handlers(ctx: ExecuteContext): ActionHandlers<ShellAction> {
  const { write, podOwner: owner } = ctx;
  // Pod events are written in the background, as client-go's recorder does: the next batch does not wait on them.
  const podEvent = (eventType: 'Normal' | 'Warning', reason: string, message: string) => owner && void write.event(owner, eventType, reason, message);
  return {
    createPod: async (a) => {
      try {
        const pod = await write.create(paths.pods(a.namespace), a.pod);
        podEvent('Normal', 'SuccessfulCreate', `Created pod: ${pod.metadata.name}`);
      } catch (err) {
        podEvent('Warning', 'FailedCreate', `Error creating: ${(err as Error).message}`);
        throw err;
      }
    },
    deletePod: async (a) => {
      // Already gone: the informer may never show us a deletion to count.
      if (await write.remove(paths.pods(a.key.namespace, a.key.name), a.key.uid)) podEvent('Normal', 'SuccessfulDelete', `Deleted pod: ${a.key.name}`);
      else ctx.onNotApplied?.([a]);
    },
    patchPod: (a) => write.patch(paths.pods(a.key.namespace, a.key.name), a.patch, 'strategic'),
    createReplicaSet: (a) => write.create(paths.replicaSets(a.namespace), a.replicaSet),
    updateReplicaSet: (a) => write.update(paths.replicaSets(a.key.namespace, a.key.name), a.replicaSet),
    patchReplicaSet: (a) => write.patch(paths.replicaSets(a.key.namespace, a.key.name), a.patch, 'strategic'),
    deleteReplicaSet: (a) => write.remove(paths.replicaSets(a.key.namespace, a.key.name), a.key.uid),
    updateDeployment: (a) => write.update(paths.deployments(a.key.namespace, a.key.name), a.deployment),
    // The name is the lock: AlreadyExists means this scheduled time already ran.
    createJob: (a) => write.createOnce(paths.jobs(a.namespace), a.job),
    deleteJob: (a) => write.remove(paths.jobs(a.key.namespace, a.key.name), a.key.uid, { propagationPolicy: a.propagationPolicy }),
    updateStatus: (a) => {
      const obj = ctx.current[a.kind];
      if (!obj) throw new Error(`no current ${a.kind} to write status onto`);
      return write.update(statusPaths[a.kind](a.key.namespace, a.key.name, 'status'), { ...obj, status: a.status });
    },
    recordEvent: (a) => write.event({ kind: a.kind, namespace: a.key.namespace, name: a.key.name, uid: a.key.uid }, a.eventType, a.reason, a.message),
  };
}
