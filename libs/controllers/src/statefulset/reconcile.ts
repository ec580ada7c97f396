import { controllerOf, isPodAvailable, isTerminating, nextAvailableIn, phaseOf, revisionsToTruncate } from '../history';
import { hasStaleClaim, inOrdinalRange, missingClaims, retentionUpdates } from './claims';
import { identityMatches, isMemberOf, newPod, ordinalOf, podRevision, storageMatches, withIdentity, withStorage } from './identity';
import { ownRevisions, statefulSetRevisions, templateAt } from './revisions';
import { completeRollingUpdate, isRunningAndAvailable, isRunningAndReady, replicaCounts, statusChanged } from './status';
import { defaults, type PersistentVolumeClaim, type Pod, type StatefulSet, type StatefulSetAction, type StatefulSetObserved, type StatefulSetStatus } from './types';

// The StatefulSet control loop (stateful_set_control.go) as one pure decision:
//
//   1. revisions: snapshot the template; current and update revision
//   2. replicas: for each ordinal in [start, start+replicas) — recreate failed pods, create
//      missing ones (claims first), repair identity and storage. OrderedReady stops at the first
//      pod that is not yet Running and Ready: web-1 is created only after web-0 is ready.
//   3. condemned: ordinals past the end are deleted highest first, one at a time when ordered
//   4. RollingUpdate: from the highest ordinal down to `partition`, delete the first pod not at
//      the update revision, or wait while an updated pod is not yet available — one at a time
//   5. status, history truncation, and a requeue for pods waiting out minReadySeconds

interface Slot {
  pod: Pod;
  /** false: the pod does not exist yet and `pod` is what would be created */
  created: boolean;
}

export function reconcile(set: StatefulSet, observed: StatefulSetObserved, now: Date): StatefulSetAction[] {
  const d = defaults(set);
  const revisions = statefulSetRevisions(set, observed.revisions);
  const { current, update } = revisions;
  const actions: StatefulSetAction[] = [...revisions.actions];
  const claims = new Map<string, PersistentVolumeClaim>(observed.claims.filter((c) => c.metadata.namespace === set.metadata.namespace).map((c) => [c.metadata.name ?? '', c]));
  const pods = observed.pods.filter((p) => isMemberOf(set, p) && controllerOf(p)?.uid === set.metadata.uid && ordinalOf(p) >= 0);

  const existing = new Map(pods.filter((p) => inOrdinalRange(set, ordinalOf(p))).map((p) => [ordinalOf(p), p]));
  const slots: Slot[] = [];
  for (let ordinal = d.start; ordinal < d.start + d.replicas; ordinal++) {
    const pod = existing.get(ordinal);
    // newVersionedStatefulSetPod: below the partition a missing pod comes back at the current revision.
    const atCurrent = !d.onDelete && ordinal < d.start + d.partition;
    slots.push(pod ? { pod, created: true } : { pod: newPod(set, templateAt(set, atCurrent ? current : update), ordinal, (atCurrent ? current : update).metadata.name), created: false });
  }
  const condemned = pods.filter((p) => !inOrdinalRange(set, ordinalOf(p))).sort((a, b) => ordinalOf(b) - ordinalOf(a));

  const unavailable = (s: Slot) => !s.created || isTerminating(s.pod) || !isRunningAndReady(s.pod) || !isPodAvailable(s.pod, d.minReadySeconds, now);
  const firstUnavailable = slots.find(unavailable)?.pod ?? [...condemned].reverse().find((p) => unavailable({ pod: p, created: true }));

  const live = [...slots.filter((s) => s.created).map((s) => s.pod), ...condemned];
  let status: StatefulSetStatus = {
    observedGeneration: set.metadata.generation,
    ...replicaCounts(live, d.minReadySeconds, now, current.metadata.name, update.metadata.name),
    currentRevision: current.metadata.name,
    updateRevision: update.metadata.name,
    collisionCount: revisions.collisionCount,
  };

  if (!set.metadata.deletionTimestamp) {
    const decided = decidePods(set, slots, condemned, claims, firstUnavailable, now);
    actions.push(...decided.actions);
    if (!decided.blocked && !d.onDelete) {
      const step = rollingUpdateStep(slots, d.partition, update.metadata.name, unavailable);
      if (step) {
        actions.push(step);
        status = { ...status, currentReplicas: status.currentReplicas - 1 };
      }
    }
  }

  status = completeRollingUpdate(set, status);
  if (statusChanged(set, status)) actions.push({ type: 'updateStatus', status });

  const liveRevisions = new Set([current.metadata.name, update.metadata.name, ...pods.map(podRevision)]);
  for (const r of revisionsToTruncate(ownRevisions(set, observed.revisions), d.revisionHistoryLimit, (r) => liveRevisions.has(r.metadata.name))) {
    actions.push({ type: 'deleteControllerRevision', name: r.metadata.name });
  }

  const wait = nextAvailableIn(live.filter((p) => phaseOf(p) === 'Running'), d.minReadySeconds, now);
  if (wait !== undefined) actions.push({ type: 'requeueAfter', seconds: wait / 1000 });
  return actions;
}

/** Steps 2 and 3. `blocked`: an ordered set is waiting on a pod, so no update may start. */
function decidePods(
  set: StatefulSet,
  slots: readonly Slot[],
  condemned: readonly Pod[],
  claims: ReadonlyMap<string, PersistentVolumeClaim>,
  firstUnavailable: Pod | undefined,
  now: Date,
): { actions: StatefulSetAction[]; blocked: boolean } {
  const { monotonic, minReadySeconds } = defaults(set);
  const actions: StatefulSetAction[] = [];

  // processReplica: true = stop here (an ordered set goes no further this round).
  const processReplica = ({ pod, created }: Slot): boolean => {
    const phase = phaseOf(pod);
    if (created && (phase === 'Failed' || phase === 'Succeeded')) {
      // The replacement is created on a later sync, once this one is gone from the store.
      if (!isTerminating(pod)) actions.push({ type: 'deletePod', name: pod.metadata.name ?? '', reason: 'Failed' });
      return true;
    }
    if (!created) {
      if (hasStaleClaim(set, ordinalOf(pod), claims)) return true;
      actions.push(...missingClaims(set, pod, claims), { type: 'createPod', pod });
      return monotonic;
    }
    if (phase === 'Pending') actions.push(...missingClaims(set, pod, claims));
    if (monotonic && (isTerminating(pod) || !isRunningAndReady(pod) || !isRunningAndAvailable(pod, minReadySeconds, now))) return true;
    if (isTerminating(pod)) return false;
    let repaired = pod;
    if (!identityMatches(set, repaired)) repaired = withIdentity(set, repaired);
    if (!storageMatches(set, repaired)) {
      repaired = withStorage(set, repaired);
      actions.push(...missingClaims(set, repaired, claims));
    }
    actions.push(...retentionUpdates(set, pod, claims));
    if (repaired !== pod) actions.push({ type: 'updatePod', pod: repaired });
    return false;
  };
  for (const slot of slots) if (processReplica(slot) && monotonic) return { actions, blocked: true };

  for (const pod of condemned) actions.push(...retentionUpdates(set, pod, claims));

  // processCondemned, highest ordinal first. An ordered set deletes one pod per sync and only
  // while everything else is healthy — except that the first unhealthy pod may itself go.
  for (const pod of condemned) {
    if (isTerminating(pod)) {
      if (monotonic) return { actions, blocked: true };
      continue;
    }
    const healthy = isRunningAndReady(pod) && isRunningAndAvailable(pod, minReadySeconds, now);
    if (monotonic && !healthy && pod !== firstUnavailable) return { actions, blocked: true };
    actions.push({ type: 'deletePod', name: pod.metadata.name ?? '', reason: 'ScaleDown' });
    if (monotonic) return { actions, blocked: true };
  }
  return { actions, blocked: false };
}

/**
 * Step 4, with maxUnavailable 1 (MaxUnavailableStatefulSet is an alpha gate, off in 1.32).
 * Worked example: web-0..web-2 at r1, update r2, partition 1. Sync 1 deletes web-2; it comes
 * back at r2 and until it is available every sync stops at it; then web-1 goes; web-0 (below
 * the partition) stays at r1 until the partition is lowered to 0.
 */
function rollingUpdateStep(slots: readonly Slot[], partition: number, updateRevision: string, unavailable: (s: Slot) => boolean): StatefulSetAction | undefined {
  for (let target = slots.length - 1; target >= partition; target--) {
    const slot = slots[target];
    if (podRevision(slot.pod) !== updateRevision && !isTerminating(slot.pod)) {
      return { type: 'deletePod', name: slot.pod.metadata.name ?? '', reason: 'Update' };
    }
    if (unavailable(slot)) return undefined;
  }
  return undefined;
}
