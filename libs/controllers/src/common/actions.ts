// What a reconcile asks the shell to do. Past the reconcile everything is IO: the shell sends
// each action to the API server in order, carrying as `cause` the event it was reacting to.

import { KubeObject } from '@keelson/apimachinery';
import { OwnerReferencesPatch } from './owner-references';
import { DeploymentStatus, Pod, ReplicaSet, ReplicaSetStatus } from './types';

export interface ObjectKey {
  namespace: string;
  name: string;
  /** Precondition: act only on this incarnation of the name. */
  uid: string;
}

export type ControllerAction =
  /**
   * Create one pod (`metadata.generateName` is `<rs>-`, the API server appends 5 random
   * characters). Creates of one reconcile come in slow-start batches (see `slowStartBatches`):
   * the shell runs batch n+1 only after every create of batch n succeeded, and stops at the
   * first failure, as Kubernetes' slowStartBatch.
   */
  | { readonly type: 'createPod'; readonly namespace: string; readonly pod: Pod; readonly batch: number }
  | { readonly type: 'deletePod'; readonly key: ObjectKey }
  /** Strategic merge patch of ownerReferences: adopt an orphan or release a pod we no longer select. */
  | { readonly type: 'patchPod'; readonly key: ObjectKey; readonly reason: 'adopt' | 'release'; readonly patch: OwnerReferencesPatch }
  | { readonly type: 'createReplicaSet'; readonly namespace: string; readonly replicaSet: ReplicaSet }
  /** Update (PUT) of spec.replicas / spec.minReadySeconds / metadata.annotations; the rest unchanged. */
  | { readonly type: 'updateReplicaSet'; readonly key: ObjectKey; readonly replicaSet: ReplicaSet }
  | { readonly type: 'patchReplicaSet'; readonly key: ObjectKey; readonly reason: 'adopt' | 'release'; readonly patch: OwnerReferencesPatch }
  | { readonly type: 'deleteReplicaSet'; readonly key: ObjectKey }
  /** Update (PUT) of the object with only `metadata`/`spec` changed: the rollback of a deprecated rollbackTo, or revision annotations. */
  | { readonly type: 'updateDeployment'; readonly key: ObjectKey; readonly deployment: KubeObject }
  | { readonly type: 'updateStatus'; readonly kind: 'ReplicaSet'; readonly key: ObjectKey; readonly status: ReplicaSetStatus }
  | { readonly type: 'updateStatus'; readonly kind: 'Deployment'; readonly key: ObjectKey; readonly status: DeploymentStatus }
  /** A Kubernetes Event on the object (`kubectl describe` shows them). */
  | { readonly type: 'recordEvent'; readonly key: ObjectKey; readonly kind: string; readonly eventType: 'Normal' | 'Warning'; readonly reason: string; readonly message: string }
  /** Look at this object again after `seconds` even if nothing changes (minReadySeconds, progress deadline). */
  | { readonly type: 'requeueAfter'; readonly seconds: number };

export type ActionType = ControllerAction['type'];

export function keyOf(obj: KubeObject): ObjectKey {
  return { namespace: obj.metadata.namespace ?? '', name: obj.metadata.name ?? '', uid: obj.metadata.uid ?? '' };
}

/** Exhaustiveness guard for `switch (action.type)`. */
export function assertNever(x: never): never {
  throw new Error(`unexpected ${JSON.stringify(x)}`);
}
