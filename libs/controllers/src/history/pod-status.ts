import type { KubeObject } from '@keelson/apimachinery';

// Pod readiness as podutil (k8s.io/kubernetes/pkg/api/v1/pod) reads it, shared by the two
// controllers that manage pods directly. Kept here, next to the revision helpers both use, so
// neither controller imports the other.

export interface PodCondition {
  type: string;
  status: string;
  lastTransitionTime?: string;
}

export interface PodLike extends KubeObject {
  spec?: { nodeName?: string; [k: string]: unknown };
  status?: { phase?: string; conditions?: PodCondition[]; [k: string]: unknown };
}

export const phaseOf = (pod: PodLike): string => pod.status?.phase ?? '';

export const readyCondition = (pod: PodLike): PodCondition | undefined => pod.status?.conditions?.find((c) => c.type === 'Ready');

export const isPodReady = (pod: PodLike): boolean => readyCondition(pod)?.status === 'True';

export const isTerminating = (pod: PodLike): boolean => pod.metadata.deletionTimestamp !== undefined && pod.metadata.deletionTimestamp !== null;

/**
 * The instant a ready pod counts as available: minReadySeconds after it became Ready.
 * undefined for a pod that is not ready. podutil.IsPodAvailable demands the instant be strictly
 * before `now`; a missing transition time never becomes available unless minReadySeconds is 0.
 */
export function availableSince(pod: PodLike, minReadySeconds: number): number | undefined {
  const ready = readyCondition(pod);
  if (ready?.status !== 'True') return undefined;
  if (minReadySeconds <= 0) return Number.NEGATIVE_INFINITY;
  const since = Date.parse(ready.lastTransitionTime ?? '');
  return Number.isNaN(since) ? Number.POSITIVE_INFINITY : since + minReadySeconds * 1000;
}

/** Worked example: Ready at 10:00:00, minReadySeconds 30 → available from just after 10:00:30. */
export function isPodAvailable(pod: PodLike, minReadySeconds: number, now: Date): boolean {
  const since = availableSince(pod, minReadySeconds);
  return since !== undefined && (since === Number.NEGATIVE_INFINITY || since < now.getTime());
}

/**
 * Milliseconds until the first of `pods` that is ready but not yet available becomes available
 * (plus one, since availability needs "strictly after"), or undefined if none is waiting.
 */
export function nextAvailableIn(pods: readonly PodLike[], minReadySeconds: number, now: Date): number | undefined {
  let next: number | undefined;
  for (const pod of pods) {
    const since = availableSince(pod, minReadySeconds);
    if (since === undefined || !Number.isFinite(since) || since < now.getTime()) continue;
    const wait = since - now.getTime() + 1;
    next = next === undefined ? wait : Math.min(next, wait);
  }
  return next;
}

/** Creation time in ms; a missing timestamp sorts as the oldest. */
export const createdAt = (obj: KubeObject): number => Date.parse(obj.metadata.creationTimestamp ?? '') || 0;
