import { isPodAvailable, isPodReady } from '../history';
import { nodeShouldRunDaemonPod } from './eligibility';
import { byAgeBoundFirst } from './manage';
import { isPodUpdated } from './pod-template';
import type { DaemonSet, DaemonSetStatus, Node, Pod } from './types';

/**
 * updateDaemonSetStatus: counted per node, looking at each node's oldest pod.
 * Worked example: 3 nodes, one tainted so the set does not fit it but an old pod is still
 * there; of the other two one has a ready pod, one none yet → desired 2, current 1,
 * misscheduled 1, ready 1, available 1, unavailable 2 - 1 = 1.
 */
export function daemonSetStatus(
  ds: DaemonSet,
  nodes: readonly Node[],
  byNode: ReadonlyMap<string, readonly Pod[]>,
  hash: string,
  now: Date,
  observeGeneration: boolean,
  collisionCount: number,
): DaemonSetStatus {
  const s = { desiredNumberScheduled: 0, currentNumberScheduled: 0, numberMisscheduled: 0, numberReady: 0, numberAvailable: 0, updatedNumberScheduled: 0 };
  for (const node of nodes) {
    const { shouldRun } = nodeShouldRunDaemonPod(node, ds);
    const pods = [...(byNode.get(node.metadata.name) ?? [])].sort(byAgeBoundFirst);
    if (!shouldRun) {
      if (pods.length > 0) s.numberMisscheduled++;
      continue;
    }
    s.desiredNumberScheduled++;
    if (pods.length === 0) continue;
    s.currentNumberScheduled++;
    const pod = pods[0];
    if (isPodReady(pod)) {
      s.numberReady++;
      if (isPodAvailable(pod, ds.spec.minReadySeconds ?? 0, now)) s.numberAvailable++;
    }
    if (isPodUpdated(ds, pod, hash)) s.updatedNumberScheduled++;
  }
  const old = ds.status?.observedGeneration;
  return {
    ...s,
    numberUnavailable: s.desiredNumberScheduled - s.numberAvailable,
    ...(observeGeneration ? { observedGeneration: ds.metadata.generation } : old !== undefined ? { observedGeneration: old } : {}),
    ...(collisionCount > 0 || ds.status?.collisionCount !== undefined ? { collisionCount } : {}),
  };
}

const COUNTS = ['desiredNumberScheduled', 'currentNumberScheduled', 'numberMisscheduled', 'numberReady', 'updatedNumberScheduled', 'numberAvailable', 'numberUnavailable'] as const;

/** storeDaemonSetStatus skips the write when every count is unchanged and the generation is observed. */
export function statusChanged(ds: DaemonSet, status: DaemonSetStatus): boolean {
  const old = ds.status ?? {};
  if (COUNTS.some((f) => (old[f] ?? 0) !== status[f])) return true;
  if ((old.collisionCount ?? 0) !== (status.collisionCount ?? 0)) return true;
  return (old.observedGeneration ?? 0) < (ds.metadata.generation ?? 0) && status.observedGeneration !== old.observedGeneration;
}
