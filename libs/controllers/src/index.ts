// @keelson/controllers: pure reconcilers, `reconcile(desired, observed, now) → actions`. The
// controller-manager shell owns informers, work queues (keys only), expectations and IO; it
// calls a reconcile with objects from its caches and executes the returned actions in order
// through the API server (see `ControllerAction` for what each one means).
//
// Inputs each reconcile needs:
//
//   reconcileReplicaSet(rs, observed, now)
//     rs                        the ReplicaSet, from the ReplicaSet informer (key = namespace/name)
//     observed.pods             every pod of rs's namespace, from the pod informer
//                               (active ones are claimed: owned+selected, or selected orphans)
//     observed.replicaSets      the namespace's ReplicaSets, from the ReplicaSet informer
//                               (optional: ranks pods doubled up with sibling revisions' pods)
//     observed.expectationsSatisfied
//                               false while pod creates/deletes this shell made for rs are not
//                               yet in the pod informer (Kubernetes' ControllerExpectations)
//     observed.manageReplicasError
//                               the error of the shell's last create/delete for rs, if any
//     Enqueue rs when: rs changes; a pod changes whose controllerRef is rs, or an orphan pod
//     whose labels rs selects.
//
//   reconcileDeployment(deployment, observed, now)
//     deployment                from the Deployment informer
//     observed.replicaSets      every ReplicaSet of its namespace, from the ReplicaSet informer
//                               (owned ones are used, orphans matching the selector adopted,
//                               names checked for pod-template-hash collisions)
//     observed.pods             every pod of its namespace, from the pod informer (Recreate
//                               waits until the old ReplicaSets' pods are gone)
//     Enqueue the deployment when: it changes; a ReplicaSet changes whose controllerRef is it
//     (or an orphan it selects); a pod owned by one of its ReplicaSets is deleted (Recreate).
//
//   Both return `requeueAfter` when time alone will change the answer (minReadySeconds,
//   progressDeadlineSeconds); seconds 0 = requeue rate-limited now (e.g. hash collision).

export * from './common/actions';
export * from './common/types';
export * from './common/owner-references';
export * from './common/pods';
export * from './common/selectors';
export * from './common/slow-start';

export { reconcileReplicaSet, podFromTemplate } from './replicaset/reconcile';
export type { ReplicaSetObserved, ReplicaSetReconcileOptions } from './replicaset/reconcile';
export { podsToDelete, lessValuable, POD_DELETION_COST } from './replicaset/ranking';

export { reconcileDeployment } from './deployment/reconcile';
export type { DeploymentObserved } from './deployment/reconcile';
export { resolveFenceposts, maxSurge, maxUnavailable, newRSNewReplicas, scaledValue } from './deployment/fenceposts';
export { podTemplateHash, equalIgnoreHash, POD_TEMPLATE_HASH } from './deployment/template';
export { rolloutUndoPatch } from './deployment/rollback';
export { REVISION, REVISION_HISTORY, DESIRED_REPLICAS, MAX_REPLICAS, RESTARTED_AT, lastRevision, revisionOf } from './deployment/annotations';
export { Reason as DeploymentConditionReason } from './deployment/conditions';

// StatefulSet and DaemonSet: flat, their index files already name things apart
// (reconcileStatefulSet, StatefulSetPod, DaemonPod …); DaemonSet's scaledValue would clash with
// the Deployment's, so it goes as daemonSetScaledValue.
export * from './statefulset';
export { reconcileDaemonSet, nodeShouldRunDaemonPod, daemonTolerations, matchesNodeAffinity, tolerates, newDaemonPod, nodeNameAffinity, targetNodeName, isPodUpdated } from './daemonset';
export { scaledValue as daemonSetScaledValue, unavailableCount, surgeCount, constructHistory } from './daemonset';
export type { Eligibility, DaemonSet, DaemonSetSpec, DaemonSetStatus, DaemonSetObserved, DaemonSetAction, Node, Taint, Toleration, DaemonPod } from './daemonset';

// The later controllers, each as a namespace: their helpers share names (isPodReady, Pod, …).
export * as history from './history';
export * as job from './job';
export * as cronjob from './cronjob';
export * as garbagecollector from './garbagecollector';
export * as namespace from './namespace';
export * as nodelifecycle from './nodelifecycle';
export * as nodeipam from './nodeipam';
export * as volume from './volume';
export * as endpoints from './endpoints';
export * as hpa from './hpa';
export * as endpointslice from './endpointslice';

// The controller-manager's shells: work queue, expectations, informers, one shell per controller.
export * from './manager';
