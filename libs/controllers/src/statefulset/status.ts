import { isPodAvailable, isPodReady, isTerminating, phaseOf } from '../history';
import { podRevision } from './identity';
import type { Pod, StatefulSet, StatefulSetStatus } from './types';

export const isRunningAndReady = (pod: Pod): boolean => phaseOf(pod) === 'Running' && isPodReady(pod);
export const isRunningAndAvailable = (pod: Pod, minReadySeconds: number, now: Date): boolean =>
  phaseOf(pod) === 'Running' && isPodAvailable(pod, minReadySeconds, now);

/** computeReplicaStatus over the pods that exist; terminating pods count as replicas but at no revision. */
export function replicaCounts(pods: readonly Pod[], minReadySeconds: number, now: Date, currentRevision: string, updateRevision: string) {
  const counts = { replicas: 0, readyReplicas: 0, availableReplicas: 0, currentReplicas: 0, updatedReplicas: 0 };
  for (const pod of pods) {
    counts.replicas++;
    if (isRunningAndReady(pod)) {
      counts.readyReplicas++;
      if (isRunningAndAvailable(pod, minReadySeconds, now)) counts.availableReplicas++;
    }
    if (!isTerminating(pod)) {
      if (podRevision(pod) === currentRevision) counts.currentReplicas++;
      if (podRevision(pod) === updateRevision) counts.updatedReplicas++;
    }
  }
  return counts;
}

/**
 * completeRollingUpdate: once every replica is updated and ready, the update revision becomes
 * the current one. Worked example: 3 replicas, updated 3, ready 3 → currentRevision :=
 * updateRevision, currentReplicas := 3. With ready 2 the rollout is not complete yet.
 */
export function completeRollingUpdate(set: StatefulSet, status: StatefulSetStatus): StatefulSetStatus {
  const rolling = set.spec.updateStrategy?.type !== 'OnDelete';
  if (rolling && status.updatedReplicas === status.replicas && status.readyReplicas === status.replicas) {
    return { ...status, currentReplicas: status.updatedReplicas, currentRevision: status.updateRevision };
  }
  return status;
}

const FIELDS = ['replicas', 'readyReplicas', 'currentReplicas', 'updatedReplicas', 'availableReplicas', 'currentRevision', 'updateRevision', 'collisionCount'] as const;

/** inconsistentStatus: worth writing when generation advanced or any counted field differs (missing counts as 0). */
export function statusChanged(set: StatefulSet, status: StatefulSetStatus): boolean {
  const old = set.status ?? {};
  if (old.observedGeneration === undefined || (status.observedGeneration ?? 0) > old.observedGeneration) return true;
  const value = (s: Partial<StatefulSetStatus>, f: (typeof FIELDS)[number]) => s[f] ?? (f.endsWith('Revision') ? '' : 0);
  return FIELDS.some((f) => value(old, f) !== value(status, f));
}
