// Which pods go first when a ReplicaSet scales down: Kubernetes' `ActivePodsWithRanks` order
// (pkg/controller/controller_utils.go), the least valuable first.
//
//   1. unassigned < assigned
//   2. Pending < Unknown < Running
//   3. not ready < ready
//   4. lower controller.kubernetes.io/pod-deletion-cost < higher
//   5. more related pods on the same node < fewer (the rank: spread what is doubled up)
//   6. both ready: ready more recently < longer (on a log2 scale of age)
//   7. more container restarts < fewer
//   8. created more recently < earlier (on a log2 scale of age)

import { isPodActive, isPodReady, podReadyCondition } from '../common/pods';
import { Pod, timeOf } from '../common/types';

const PHASE_ORDINAL: Readonly<Record<string, number>> = { Pending: 0, Unknown: 1, Running: 2 };

export const POD_DELETION_COST = 'controller.kubernetes.io/pod-deletion-cost';

export interface RankedPod {
  readonly pod: Pod;
  /** Active related pods (the owner's and its siblings') on this pod's node. */
  readonly rank: number;
}

/** `getPodsRankedByRelatedPodsOnSameNode`. */
export function rankByRelatedPodsOnSameNode(pods: readonly Pod[], related: readonly Pod[]): RankedPod[] {
  const onNode = new Map<string, number>();
  for (const p of related) {
    if (!isPodActive(p)) continue;
    const node = p.spec?.nodeName ?? '';
    onNode.set(node, (onNode.get(node) ?? 0) + 1);
  }
  return pods.map((pod) => ({ pod, rank: onNode.get(pod.spec?.nodeName ?? '') ?? 0 }));
}

/** `getPodsToDelete`: the `count` least valuable pods (no sorting when all of them go). */
export function podsToDelete(pods: readonly Pod[], related: readonly Pod[], count: number, now: Date): Pod[] {
  if (count >= pods.length) return pods.slice(0, count);
  const ranked = rankByRelatedPodsOnSameNode(pods, related);
  // Array.prototype.sort is stable; Go's sort.Sort is not, so ties may order differently.
  ranked.sort((a, b) => (lessValuable(a, b, now) ? -1 : lessValuable(b, a, now) ? 1 : 0));
  return ranked.slice(0, count).map((r) => r.pod);
}

/** `ActivePodsWithRanks.Less`: true when `a` should be deleted before `b`. */
export function lessValuable(a: RankedPod, b: RankedPod, now: Date): boolean {
  const [pa, pb] = [a.pod, b.pod];
  const [na, nb] = [pa.spec?.nodeName ?? '', pb.spec?.nodeName ?? ''];
  if (na !== nb && (na === '' || nb === '')) return na === '';
  const [oa, ob] = [PHASE_ORDINAL[pa.status?.phase ?? ''] ?? 0, PHASE_ORDINAL[pb.status?.phase ?? ''] ?? 0];
  if (oa !== ob) return oa < ob;
  const [ra, rb] = [isPodReady(pa), isPodReady(pb)];
  if (ra !== rb) return !ra;
  const [ca, cb] = [deletionCost(pa), deletionCost(pb)];
  if (ca !== cb) return ca < cb;
  if (a.rank !== b.rank) return a.rank > b.rank;
  if (ra && rb) {
    const [ta, tb] = [timeOf(podReadyCondition(pa)?.lastTransitionTime), timeOf(podReadyCondition(pb)?.lastTransitionTime)];
    if (ta !== tb) return newerOnLogScale(ta, tb, pa, pb, now);
  }
  const restarts = compareMaxContainerRestarts(pa, pb);
  if (restarts !== undefined) return restarts;
  const [cta, ctb] = [timeOf(pa.metadata.creationTimestamp), timeOf(pb.metadata.creationTimestamp)];
  if (cta !== ctb) return newerOnLogScale(cta, ctb, pa, pb, now);
  return false;
}

/** `controller.kubernetes.io/pod-deletion-cost`, 0 when absent or not an int32. */
export function deletionCost(pod: Pod): number {
  const v = pod.metadata.annotations?.[POD_DELETION_COST];
  if (v === undefined || !/^[+-]?\d+$/.test(v)) return 0;
  const n = Number(v);
  return n >= -(2 ** 31) && n < 2 ** 31 ? n : 0;
}

/**
 * LogarithmicScaleDown (on by default since 1.22): times are bucketed by log2 of their age in
 * nanoseconds, so pods of about the same age count as equally new and the uid breaks the tie
 * (deleting a random one of the young ones rather than always the very youngest).
 * Worked example, now = 1000 s: a pod 100 s old is in bucket ⌊log2(1e11)⌋ = 36, one 120 s old
 * also in 36 → tie, uid decides; one 10 s old is in 33 → it is newer and goes first.
 * A missing time counts as newest (`afterOrZero`).
 */
function newerOnLogScale(ta: number | undefined, tb: number | undefined, pa: Pod, pb: Pod, now: Date): boolean {
  if (ta === undefined || tb === undefined) return ta === undefined;
  const diff = logBucket(now.getTime() - ta) - logBucket(now.getTime() - tb);
  if (diff === 0) return (pa.metadata.uid ?? '') < (pb.metadata.uid ?? '');
  return diff < 0;
}

function logBucket(ageMs: number): number {
  return ageMs > 0 ? Math.floor(Math.log2(ageMs * 1e6)) : -1;
}

/** More restarts goes first; regular containers decide, then restartable init (sidecar) containers. */
function compareMaxContainerRestarts(a: Pod, b: Pod): boolean | undefined {
  const [ra, sa] = maxRestarts(a);
  const [rb, sb] = maxRestarts(b);
  if (ra !== rb) return ra > rb;
  if (sa !== sb) return sa > sb;
  return undefined;
}

function maxRestarts(pod: Pod): [regular: number, sidecar: number] {
  const regular = Math.max(0, ...(pod.status?.containerStatuses ?? []).map((c) => c.restartCount ?? 0));
  const sidecars = new Set((pod.spec?.initContainers ?? []).filter((c) => c.restartPolicy === 'Always').map((c) => c.name));
  const sidecar = Math.max(0, ...(pod.status?.initContainerStatuses ?? []).filter((c) => sidecars.has(c.name)).map((c) => c.restartCount ?? 0));
  return [regular, sidecar];
}
