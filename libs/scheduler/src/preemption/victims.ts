import type { KubeObject } from '@keelson/apimachinery';
import type { FilterPlugin, NodeInfo, PodInfo, Snapshot, Status } from '../framework/types';
import { runFiltersWithNominatedPods } from './nominated';
import { splitByPdbViolation } from './pdb';
import { nodeInfoWithPods } from './run-filters';

// Kubernetes' SelectVictimsOnNode and pickOneNodeForPreemption (defaultpreemption).

export interface Candidate {
  readonly node: string;
  /** most important first */
  readonly victims: PodInfo[];
  readonly pdbViolations: number;
}

/** status.startTime in ms; a pod not started yet counts as starting now, i.e. last. */
export function startTimeOf(pod: PodInfo): number {
  const t = (pod.pod.status as { startTime?: unknown } | undefined)?.startTime;
  const ms = typeof t === 'string' ? Date.parse(t) : NaN;
  return Number.isNaN(ms) ? Infinity : ms;
}

/** MoreImportantPod: higher priority, then the one running longer. Negative when a comes first. */
export function byImportance(a: PodInfo, b: PodInfo): number {
  if (a.priority !== b.priority) return b.priority - a.priority;
  const sa = startTimeOf(a);
  const sb = startTimeOf(b);
  return sa === sb ? 0 : sa < sb ? -1 : 1;
}

export interface VictimContext {
  readonly snapshot: Snapshot;
  readonly filters: readonly FilterPlugin[];
  readonly pdbs: readonly KubeObject[];
  readonly nominated: readonly PodInfo[];
}

/**
 * The fewest pods to evict from `node` for `pod` to fit, or null when evicting every
 * lower-priority pod would still not be enough. Start from the node without any of them,
 * then put back (reprieve) as many as still lets the pod fit, most important first — those
 * whose eviction would break a PodDisruptionBudget before the others, so they are kept if
 * at all possible.
 */
export function selectVictimsOnNode(pod: PodInfo, node: NodeInfo, ctx: VictimContext): Candidate | null {
  const lower = node.pods.filter((p) => p.priority < pod.priority);
  if (lower.length === 0) return null;
  const lowerKeys = new Set(lower.map((p) => p.key));
  let kept = node.pods.filter((p) => !lowerKeys.has(p.key));
  const fits = (pods: readonly PodInfo[]): boolean => {
    const s: Status = runFiltersWithNominatedPods(pod, nodeInfoWithPods(node, pods), ctx.snapshot, ctx.filters, ctx.nominated);
    return s.code === 'Success';
  };
  if (!fits(kept)) return null;

  const { violating, nonViolating } = splitByPdbViolation([...lower].sort(byImportance), ctx.pdbs, ctx.snapshot);
  const victims: PodInfo[] = [];
  let pdbViolations = 0;
  const reprieve = (p: PodInfo): boolean => {
    const withP = [...kept, p];
    if (fits(withP)) {
      kept = withP;
      return true;
    }
    victims.push(p);
    return false;
  };
  for (const p of violating) if (!reprieve(p)) pdbViolations++;
  for (const p of nonViolating) reprieve(p);
  victims.sort(byImportance);
  return { node: node.name, victims, pdbViolations };
}

/**
 * Kubernetes' pickOneNodeForPreemption: the candidate with
 *   1. fewest PDB violations, then
 *   2. the lowest priority among its most important victim, then
 *   3. the smallest sum of victim priorities, then
 *   4. fewest victims, then
 *   5. the latest start among its highest-priority victims (disturb young pods), then
 *   6. the first one.
 * The sum adds 2^31 to each priority (as Kubernetes does with MaxInt32+1) so negative
 * priorities cannot make more victims look cheaper: two victims at −10 sum to 2^32 − 20,
 * more than one victim at 0 (2^31).
 */
export function pickOneNodeForPreemption(candidates: readonly Candidate[]): Candidate | undefined {
  const noVictims = candidates.find((c) => c.victims.length === 0);
  if (noVictims) return noVictims;
  const OFFSET = 2 ** 31;
  const keys = (c: Candidate): number[] => {
    const top = c.victims[0].priority;
    const earliestTop = Math.min(...c.victims.filter((v) => v.priority === top).map(startTimeOf));
    return [c.pdbViolations, top, c.victims.reduce((s, v) => s + v.priority + OFFSET, 0), c.victims.length, -earliestTop];
  };
  let best: { c: Candidate; k: number[] } | undefined;
  for (const c of candidates) {
    const k = keys(c);
    if (!best || lexLess(k, best.k)) best = { c, k };
  }
  return best?.c;
}

function lexLess(a: readonly number[], b: readonly number[]): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] < b[i];
  return false;
}
