// The ReplicaSet controller's sync (pkg/controller/replicaset/replica_set.go): claim the pods
// the selector picks, create or delete to reach spec.replicas, then write status.

import { ControllerAction, keyOf } from '../common/actions';
import { adoptPatch, claimDecision, controllerRefOf, newControllerRef, releasePatch } from '../common/owner-references';
import { availableInMs, isPodActive, isPodReady } from '../common/pods';
import { selects } from '../common/selectors';
import { BURST_REPLICAS, slowStartBatches } from '../common/slow-start';
import { clone, Pod, ReplicaSet } from '../common/types';
import { podsToDelete } from './ranking';
import { calculateStatus, ManageReplicasError, statusUpdate } from './status';

export interface ReplicaSetObserved {
  /** Every pod in the ReplicaSet's namespace (pod informer). */
  readonly pods: readonly Pod[];
  /**
   * ReplicaSets of the namespace (ReplicaSet informer). Only used to rank pods on scale-down by
   * how many of their siblings' pods share a node; may be left out.
   */
  readonly replicaSets?: readonly ReplicaSet[];
  /**
   * False while creates/deletes this controller asked for earlier are not yet visible in the
   * pod informer (Kubernetes' expectations): then only ownership and status are reconciled, so
   * a slow cache never doubles the pods.
   */
  readonly expectationsSatisfied?: boolean;
  /** The error of the shell's last creates/deletes for this ReplicaSet, for ReplicaFailure. */
  readonly manageReplicasError?: ManageReplicasError;
}

export interface ReplicaSetReconcileOptions {
  readonly burstReplicas?: number;
}

export function reconcileReplicaSet(rs: ReplicaSet, observed: ReplicaSetObserved, now: Date, options: ReplicaSetReconcileOptions = {}): ControllerAction[] {
  const actions: ControllerAction[] = [];
  const namespace = rs.metadata.namespace ?? '';

  // Claim: keep what we own and select, adopt selected orphans, release what we no longer select.
  const owned: Pod[] = [];
  for (const pod of observed.pods) {
    if (!isPodActive(pod) || (pod.metadata.namespace ?? '') !== namespace) continue;
    const decision = claimDecision(pod, rs, selects(rs.spec.selector, pod.metadata.labels));
    if (decision === 'claimed') owned.push(pod);
    if (decision === 'adopt') {
      actions.push({ type: 'patchPod', key: keyOf(pod), reason: 'adopt', patch: adoptPatch(pod, rs) });
      owned.push(pod);
    }
    if (decision === 'release') actions.push({ type: 'patchPod', key: keyOf(pod), reason: 'release', patch: releasePatch(pod, rs) });
  }

  if (observed.expectationsSatisfied !== false && !rs.metadata.deletionTimestamp) {
    actions.push(...manageReplicas(rs, owned, observed, now, options.burstReplicas ?? BURST_REPLICAS));
  }

  const status = statusUpdate(rs, calculateStatus(rs, owned, observed.manageReplicasError, now));
  if (status) actions.push({ type: 'updateStatus', kind: 'ReplicaSet', key: keyOf(rs), status });

  const requeue = untilNextAvailable(rs, owned, now);
  if (requeue !== undefined) actions.push({ type: 'requeueAfter', seconds: requeue });
  return actions;
}

function manageReplicas(rs: ReplicaSet, owned: readonly Pod[], observed: ReplicaSetObserved, now: Date, burst: number): ControllerAction[] {
  const diff = owned.length - (rs.spec.replicas ?? 1);
  if (diff < 0) {
    const count = Math.min(-diff, burst);
    const actions: ControllerAction[] = [];
    slowStartBatches(count).forEach((size, batch) => {
      for (let i = 0; i < size; i++) actions.push({ type: 'createPod', namespace: rs.metadata.namespace ?? '', pod: podFromTemplate(rs), batch });
    });
    return actions;
  }
  if (diff > 0) {
    const victims = podsToDelete(owned, relatedPods(rs, observed), Math.min(diff, burst), now);
    return victims.map((pod) => ({ type: 'deletePod', key: keyOf(pod) }));
  }
  return [];
}

/** `controller.GetPodFromTemplate`: the template's labels, annotations, finalizers and spec, owned by `rs`. */
export function podFromTemplate(rs: ReplicaSet): Pod {
  const meta = rs.spec.template.metadata ?? {};
  const name = rs.metadata.name ?? '';
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      generateName: `${name}-`,
      namespace: rs.metadata.namespace,
      ...(meta.labels ? { labels: { ...meta.labels } } : {}),
      ...(meta.annotations ? { annotations: { ...meta.annotations } } : {}),
      ...(meta.finalizers ? { finalizers: [...meta.finalizers] } : {}),
      ownerReferences: [newControllerRef(rs)],
    },
    spec: clone(rs.spec.template.spec ?? {}),
  };
}

/**
 * `getIndirectlyRelatedPods`: pods selected by this ReplicaSet or by any ReplicaSet with the same
 * controller (the other revisions of its Deployment). None when it has no controller.
 */
function relatedPods(rs: ReplicaSet, observed: ReplicaSetObserved): Pod[] {
  const controller = controllerRefOf(rs);
  if (!controller) return [];
  const siblings = (observed.replicaSets ?? [rs]).filter((other) => controllerRefOf(other)?.uid === controller.uid);
  if (!siblings.some((s) => s.metadata.uid === rs.metadata.uid)) siblings.push(rs);
  return observed.pods.filter((pod) => siblings.some((s) => selects(s.spec.selector, pod.metadata.labels)));
}

/**
 * Kubernetes resyncs after minReadySeconds when pods are ready but not yet available; here the
 * wait is the exact remainder for the soonest such pod, in seconds.
 */
function untilNextAvailable(rs: ReplicaSet, owned: readonly Pod[], now: Date): number | undefined {
  const minReadySeconds = rs.spec.minReadySeconds ?? 0;
  if (!minReadySeconds) return undefined;
  const waits = owned.filter(isPodReady).map((p) => availableInMs(p, minReadySeconds, now) ?? 0).filter((ms) => ms > 0);
  return waits.length ? Math.min(...waits) / 1000 : undefined;
}
