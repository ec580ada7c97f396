// Pod readiness and availability as k8s.io/kubernetes/pkg/api/v1/pod and pkg/controller read them.

import { Pod, PodCondition, timeOf } from './types';

export function podReadyCondition(pod: Pod): PodCondition | undefined {
  return (pod.status?.conditions ?? []).find((c) => c.type === 'Ready');
}

export function isPodReady(pod: Pod): boolean {
  return podReadyCondition(pod)?.status === 'True';
}

/**
 * Available = Ready for longer than minReadySeconds. Kubernetes compares with a strict
 * `Before`: ready at 10:00:00 with minReadySeconds 5 is available from 10:00:05 plus a tick,
 * not at 10:00:05 itself.
 */
export function isPodAvailable(pod: Pod, minReadySeconds: number, now: Date): boolean {
  return availableInMs(pod, minReadySeconds, now) === 0;
}

/**
 * 0 when available now, the milliseconds until it will be when ready but not yet long enough,
 * undefined when not ready at all. Worked example: ready since 10:00:00, minReadySeconds 30,
 * now 10:00:20 → 10 001 ms (10 s to reach the boundary, one more for the strict comparison).
 */
export function availableInMs(pod: Pod, minReadySeconds: number, now: Date): number | undefined {
  const ready = podReadyCondition(pod);
  if (ready?.status !== 'True') return undefined;
  if (!minReadySeconds) return 0;
  const since = timeOf(ready.lastTransitionTime);
  if (since === undefined) return undefined;
  const wait = since + minReadySeconds * 1000 - now.getTime();
  return wait < 0 ? 0 : wait + 1;
}

/** `controller.IsPodActive`: not finished and not being deleted. */
export function isPodActive(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return phase !== 'Succeeded' && phase !== 'Failed' && !pod.metadata.deletionTimestamp;
}
