import type { KubeObject } from '@keelson/apimachinery';
import { podInfoOf } from '../framework/info';
import type { PodInfo } from '../framework/types';

/** A pending pod for queue specs: name, priority, and any spec fields to add. */
export function pendingPod(name: string, priority = 0, spec: Record<string, unknown> = {}, labels: Record<string, string> = {}): PodInfo {
  const pod: KubeObject = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', uid: `uid-${name}`, labels },
    spec: { priority, containers: [{ name: 'c', image: 'busybox' }], ...spec },
  };
  return podInfoOf(pod);
}

/** A clock the spec moves by hand. */
export function manualClock(start = 0): { now: () => number; advance: (ms: number) => number } {
  let t = start;
  return { now: () => t, advance: (ms) => (t += ms) };
}
