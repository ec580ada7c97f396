import { isPodAvailable, isTerminating } from '../history';
import { nodeShouldRunDaemonPod } from './eligibility';
import { isPodUpdated } from './pod-template';
import type { DaemonSet, Node, Pod } from './types';

// DaemonSet RollingUpdate (update.go). Without surge, old pods are deleted — no more than
// maxUnavailable nodes down at once — and manage() creates their replacements. With surge, a
// new pod is started next to an old one on up to maxSurge nodes, and the old one is deleted
// once the new one is available.

/**
 * intstr.GetScaledValueFromIntOrPercent(value, total, roundUp=true).
 * Worked example: maxUnavailable "25%" of 10 nodes = ceil(2.5) = 3; "10%" of 3 nodes = ceil(0.3) = 1;
 * "0%" = 0; 2 = 2 whatever the node count.
 */
export function scaledValue(value: number | string | undefined, total: number, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value === 'number') return value;
  const m = /^(\d+)%$/.exec(value);
  if (!m) return /^\d+$/.test(value) ? Number(value) : fallback;
  return Math.ceil((Number(m[1]) * total) / 100);
}

const rolling = (ds: DaemonSet) => ds.spec.updateStrategy?.rollingUpdate;
export const unavailableCount = (ds: DaemonSet, desired: number): number => scaledValue(rolling(ds)?.maxUnavailable, desired, 1);
export const surgeCount = (ds: DaemonSet, desired: number): number => scaledValue(rolling(ds)?.maxSurge, desired, 0);

/** findUpdatedPodsOnNode: the node's one new and one old pod, or `ok: false` when there are more (manage() will prune). */
function updatedPodsOnNode(ds: DaemonSet, pods: readonly Pod[], hash: string): { newPod?: Pod; oldPod?: Pod; ok: boolean } {
  let newPod: Pod | undefined;
  let oldPod: Pod | undefined;
  for (const pod of pods) {
    if (isTerminating(pod)) continue;
    if (isPodUpdated(ds, pod, hash)) {
      if (newPod) return { ok: false };
      newPod = pod;
    } else {
      if (oldPod) return { ok: false };
      oldPod = pod;
    }
  }
  return { newPod, oldPod, ok: true };
}

export interface RollingDecision {
  deletePods: string[];
  createOnNodes: string[];
}

/** One rolling-update step. `byNode` holds every node that should run a pod (possibly with none) and any that has pods. */
export function rollingUpdate(ds: DaemonSet, nodes: readonly Node[], byNode: ReadonlyMap<string, readonly Pod[]>, hash: string, now: Date): RollingDecision {
  const nodeByName = new Map(nodes.map((n) => [n.metadata.name, n]));
  const entries = new Map<string, readonly Pod[]>(byNode);
  let desired = 0;
  for (const node of nodes) {
    if (!nodeShouldRunDaemonPod(node, ds).shouldRun) continue;
    desired++;
    if (!entries.has(node.metadata.name)) entries.set(node.metadata.name, []);
  }
  let maxUnavailable = unavailableCount(ds, desired);
  const maxSurge = surgeCount(ds, desired);
  // An impossible 0/0 configuration behaves as maxUnavailable 1.
  if (desired > 0 && maxUnavailable === 0 && maxSurge === 0) maxUnavailable = 1;
  const minReady = ds.spec.minReadySeconds ?? 0;
  const available = (p: Pod) => isPodAvailable(p, minReady, now);
  const names = [...entries.keys()].sort();

  if (maxSurge === 0) {
    // Worked example: 5 nodes, maxUnavailable 2, one new pod still starting → 1 unavailable, so
    // one more old pod (the first candidate by node name) may go now. Old pods that are not
    // available anyway are replaced without counting against the budget.
    let numUnavailable = 0;
    const replacements: string[] = [];
    const candidates: string[] = [];
    for (const name of names) {
      const { newPod, oldPod, ok } = updatedPodsOnNode(ds, entries.get(name) ?? [], hash);
      if (!ok || (!oldPod && !newPod) || (oldPod && newPod)) numUnavailable++;
      else if (newPod) {
        if (!available(newPod)) numUnavailable++;
      } else if (oldPod) {
        if (!available(oldPod)) replacements.push(oldPod.metadata.name ?? '');
        else if (numUnavailable < maxUnavailable) candidates.push(oldPod.metadata.name ?? '');
      }
    }
    const room = Math.min(Math.max(maxUnavailable - numUnavailable, 0), candidates.length);
    return { deletePods: [...replacements, ...candidates.slice(0, room)], createOnNodes: [] };
  }

  // Worked example: 4 nodes, maxSurge 1: a new pod starts on the first node; while it is not
  // available numSurge = 1 and no other node surges; once it is, the old pod there is deleted
  // and the next node surges.
  const deletePods: string[] = [];
  const shouldNotRun: string[] = [];
  const candidates: string[] = [];
  const allowed: string[] = [];
  let numSurge = 0;
  let numAvailable = 0;
  for (const name of names) {
    const { newPod, oldPod, ok } = updatedPodsOnNode(ds, entries.get(name) ?? [], hash);
    if (!ok) {
      numSurge++;
      continue;
    }
    if (oldPod ? available(oldPod) : newPod ? available(newPod) : false) numAvailable++;
    if (!oldPod) continue;
    const node = nodeByName.get(name);
    const shouldRun = node !== undefined && nodeShouldRunDaemonPod(node, ds).shouldRun;
    if (!newPod) {
      if (!available(oldPod)) {
        if (!shouldRun) deletePods.push(oldPod.metadata.name ?? '');
        else allowed.push(name);
      } else if (!shouldRun) {
        shouldNotRun.push(oldPod.metadata.name ?? '');
      } else if (numSurge < maxSurge) {
        candidates.push(name);
      }
    } else if (!available(newPod)) {
      numSurge++;
    } else {
      deletePods.push(oldPod.metadata.name ?? '');
    }
  }
  // With surge the owner expects full availability: pods on nodes the set no longer fits go
  // only as far as other pods are available to stand in for them.
  const deletable = Math.min(Math.max(numAvailable - desired, 0), shouldNotRun.length);
  deletePods.push(...shouldNotRun.slice(0, deletable));
  const room = Math.min(Math.max(maxSurge - numSurge, 0), candidates.length);
  return { deletePods, createOnNodes: [...allowed, ...candidates.slice(0, room)] };
}
