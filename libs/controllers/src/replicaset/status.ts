// ReplicaSet status, as pkg/controller/replicaset/replica_set_utils.go calculateStatus and
// updateReplicaSetStatus compute it from the pods the ReplicaSet owns.

import equal from 'fast-deep-equal';
import { matches, mapToRequirements } from '@keelson/apimachinery';
import { availableInMs, isPodReady } from '../common/pods';
import { Pod, ReplicaSet, ReplicaSetCondition, ReplicaSetStatus, wireTime } from '../common/types';

export const REPLICA_FAILURE = 'ReplicaFailure';

/** What the shell saw go wrong when it last ran this ReplicaSet's creates/deletes. */
export interface ManageReplicasError {
  readonly message: string;
}

export function calculateStatus(rs: ReplicaSet, owned: readonly Pod[], manageError: ManageReplicasError | undefined, now: Date): ReplicaSetStatus {
  // The template's labels are a superset of the selector; "fully labeled" pods carry them all.
  const templateLabels = mapToRequirements(rs.spec.template.metadata?.labels ?? {});
  const minReadySeconds = rs.spec.minReadySeconds ?? 0;
  let fullyLabeled = 0;
  let ready = 0;
  let available = 0;
  for (const pod of owned) {
    if (matches(templateLabels, pod.metadata.labels)) fullyLabeled++;
    if (isPodReady(pod)) {
      ready++;
      if (availableInMs(pod, minReadySeconds, now) === 0) available++;
    }
  }
  let conditions = rs.status?.conditions ?? [];
  const failure = conditions.find((c) => c.type === REPLICA_FAILURE);
  if (manageError && !failure) {
    const diff = owned.length - (rs.spec.replicas ?? 1);
    const reason = diff < 0 ? 'FailedCreate' : diff > 0 ? 'FailedDelete' : '';
    conditions = setCondition(conditions, { type: REPLICA_FAILURE, status: 'True', lastTransitionTime: wireTime(now), reason, message: manageError.message });
  } else if (!manageError && failure) {
    conditions = conditions.filter((c) => c.type !== REPLICA_FAILURE);
  }
  return {
    replicas: owned.length,
    fullyLabeledReplicas: fullyLabeled,
    readyReplicas: ready,
    availableReplicas: available,
    observedGeneration: rs.status?.observedGeneration ?? 0,
    ...(conditions.length ? { conditions } : {}),
  };
}

/** `SetCondition`: same status and reason is no change; otherwise replace, moved to the end. */
function setCondition(conditions: readonly ReplicaSetCondition[], c: ReplicaSetCondition): ReplicaSetCondition[] {
  const current = conditions.find((x) => x.type === c.type);
  if (current && current.status === c.status && current.reason === c.reason) return [...conditions];
  return [...conditions.filter((x) => x.type !== c.type), c];
}

/**
 * `updateReplicaSetStatus`: the status to write, or undefined when the counts, conditions and
 * observedGeneration already say it. Zero counts are left out, as Go's omitempty prints them.
 */
export function statusUpdate(rs: ReplicaSet, next: ReplicaSetStatus): ReplicaSetStatus | undefined {
  const cur = rs.status ?? { replicas: 0 };
  const generation = rs.metadata.generation ?? 0;
  const same =
    (cur.replicas ?? 0) === next.replicas &&
    (cur.fullyLabeledReplicas ?? 0) === (next.fullyLabeledReplicas ?? 0) &&
    (cur.readyReplicas ?? 0) === (next.readyReplicas ?? 0) &&
    (cur.availableReplicas ?? 0) === (next.availableReplicas ?? 0) &&
    (cur.observedGeneration ?? 0) === generation &&
    equal(cur.conditions ?? [], next.conditions ?? []);
  if (same) return undefined;
  const out: ReplicaSetStatus = { replicas: next.replicas };
  if (next.fullyLabeledReplicas) out.fullyLabeledReplicas = next.fullyLabeledReplicas;
  if (next.readyReplicas) out.readyReplicas = next.readyReplicas;
  if (next.availableReplicas) out.availableReplicas = next.availableReplicas;
  if (generation) out.observedGeneration = generation;
  if (next.conditions?.length) out.conditions = next.conditions;
  return out;
}
