import type { KubeObject } from '@keelson/apimachinery';

// A pod's priority as the Priority admission plugin would set it. Keelson's apiserver admits
// every pod with spec.priority 0, so the scheduler resolves it: the named PriorityClass's
// value; without a name, the cluster's globalDefault class; else spec.priority as written.
// The two system classes exist in every cluster even when not stored.

export const SYSTEM_PRIORITY_CLASSES: Readonly<Record<string, number>> = {
  'system-node-critical': 2_000_001_000,
  'system-cluster-critical': 2_000_000_000,
};

const valueOf = (pc: KubeObject | undefined): number | undefined => {
  const v = (pc as { value?: unknown } | undefined)?.value;
  return typeof v === 'number' ? v : undefined;
};

/** The globalDefault PriorityClass; with several (a misconfiguration) the lowest value, as admission does. */
export function globalDefaultPriority(classes: Iterable<KubeObject>): number | undefined {
  let best: number | undefined;
  for (const pc of classes) {
    if ((pc as { globalDefault?: unknown }).globalDefault !== true) continue;
    const v = valueOf(pc);
    if (v !== undefined && (best === undefined || v < best)) best = v;
  }
  return best;
}

export function resolvePriority(pod: KubeObject, classes: ReadonlyMap<string, KubeObject>): number {
  const spec = (pod.spec ?? {}) as { priority?: unknown; priorityClassName?: unknown };
  const written = typeof spec.priority === 'number' ? spec.priority : 0;
  const className = typeof spec.priorityClassName === 'string' ? spec.priorityClassName : '';
  if (className !== '') return valueOf(classes.get(className)) ?? SYSTEM_PRIORITY_CLASSES[className] ?? written;
  if (written !== 0) return written;
  return globalDefaultPriority(classes.values()) ?? 0;
}
