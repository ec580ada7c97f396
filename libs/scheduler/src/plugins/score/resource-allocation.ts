import { nonZeroRequests } from '../../framework/info';
import { numbersAt } from '../../framework/node-table';
import { MAX_NODE_SCORE, type NodeInfo, type PodInfo, type Snapshot } from '../../framework/types';

// What NodeResourcesFit's scoring strategies and BalancedAllocation share
// (noderesources/resource_allocation.go): per configured resource, the node's allocatable and
// what would be requested with the pod placed there, then a pure scorer over those lists.

export interface ResourceSpec {
  readonly name: string;
  readonly weight: number;
}

export const DEFAULT_RESOURCES: readonly ResourceSpec[] = [
  { name: 'cpu', weight: 1 },
  { name: 'memory', weight: 1 },
];

export { DEFAULT_MILLI_CPU_REQUEST, DEFAULT_MEMORY_REQUEST } from '../../framework/info';

/** The unused share, 0..100, in integers: (capacity − requested)·100 / capacity. 0 when overcommitted. */
export function leastRequestedScore(requested: number, capacity: number): number {
  if (capacity === 0 || requested > capacity) return 0;
  return Math.trunc(((capacity - requested) * MAX_NODE_SCORE) / capacity);
}

/** The used share, 0..100: requested·100 / capacity, requested capped at capacity (non-zero defaults can overshoot). */
export function mostRequestedScore(requested: number, capacity: number): number {
  if (capacity === 0) return 0;
  return Math.trunc((Math.min(requested, capacity) * MAX_NODE_SCORE) / capacity);
}

/** Σ score·weight / Σ weight over resources the node has (allocatable 0 = not considered). */
function weightedMean(perResource: (requested: number, capacity: number) => number) {
  return (requested: ArrayLike<number>, allocatable: ArrayLike<number>, resources: readonly ResourceSpec[]): number => {
    let nodeScore = 0;
    let weightSum = 0;
    for (let i = 0; i < resources.length; i++) {
      if (allocatable[i] === 0) continue;
      nodeScore += perResource(requested[i], allocatable[i]) * resources[i].weight;
      weightSum += resources[i].weight;
    }
    return weightSum === 0 ? 0 : Math.trunc(nodeScore / weightSum);
  };
}

export const leastAllocatedScore = weightedMean(leastRequestedScore);
export const mostAllocatedScore = weightedMean(mostRequestedScore);

/** A point of RequestedToCapacityRatio's shape: utilization 0..100 → score 0..10. */
export interface UtilizationShapePoint {
  readonly utilization: number;
  readonly score: number;
}

/** `helper.BuildBrokenLinearFunction`: piecewise-linear through the points, flat outside them. */
export function brokenLinear(shape: readonly UtilizationShapePoint[], p: number): number {
  for (let i = 0; i < shape.length; i++) {
    if (p <= shape[i].utilization) {
      if (i === 0) return shape[0].score;
      const a = shape[i - 1];
      const b = shape[i];
      return a.score + Math.trunc(((b.score - a.score) * (p - a.utilization)) / (b.utilization - a.utilization));
    }
  }
  return shape[shape.length - 1].score;
}

/**
 * RequestedToCapacityRatio: each resource's utilization (integer percent) through the shape, whose
 * 0..10 scores are scaled by 10 to 0..100; resources scoring 0 drop out of the weighted mean, which
 * is rounded (not truncated), as Kubernetes does.
 *
 * Worked example, shape {0→0, 100→10} (bin packing), cpu 3000m of 4000m, memory 1 Gi of 4 Gi:
 *   cpu 75 % → 75; memory 25 % → 25; (75 + 25) / 2 = 50.
 */
export function requestedToCapacityRatioScore(shape: readonly UtilizationShapePoint[]) {
  const scaled = shape.map((p) => ({ utilization: p.utilization, score: p.score * (MAX_NODE_SCORE / 10) }));
  return (requested: ArrayLike<number>, allocatable: ArrayLike<number>, resources: readonly ResourceSpec[]): number => {
    let nodeScore = 0;
    let weightSum = 0;
    for (let i = 0; i < resources.length; i++) {
      const capacity = allocatable[i];
      if (capacity === 0) continue;
      const utilization = requested[i] > capacity ? 100 : Math.trunc((requested[i] * 100) / capacity);
      const s = brokenLinear(scaled, utilization);
      if (s > 0) {
        nodeScore += s * resources[i].weight;
        weightSum += resources[i].weight;
      }
    }
    return weightSum === 0 ? 0 : Math.round(nodeScore / weightSum);
  };
}

let fractions = new Float64Array(8);

/**
 * BalancedAllocation: 100·(1 − std) of the requested/allocatable fractions (each capped at 1).
 * With two resources std = |f₁ − f₂| / 2; with more, the population standard deviation.
 *
 * Worked example: cpu 3000m/4000m = 0.75, memory 5 Gi/10 Gi = 0.5 → std 0.125 → 87.5 → 87.
 */
export function balancedResourceScore(requested: ArrayLike<number>, allocatable: ArrayLike<number>, count = requested.length): number {
  if (fractions.length < count) fractions = new Float64Array(count);
  let n = 0;
  let total = 0;
  for (let i = 0; i < count; i++) {
    if (allocatable[i] === 0) continue;
    const f = Math.min(requested[i] / allocatable[i], 1);
    total += f;
    fractions[n++] = f;
  }
  let std = 0;
  if (n === 2) {
    std = Math.abs((fractions[0] - fractions[1]) / 2);
  } else if (n > 2) {
    const mean = total / n;
    let sum = 0;
    for (let i = 0; i < n; i++) sum += (fractions[i] - mean) * (fractions[i] - mean);
    std = Math.sqrt(sum / n);
  }
  return Math.trunc((1 - std) * MAX_NODE_SCORE);
}

// --- requests -------------------------------------------------------------------------------

/** Resources Kubernetes always scores; any other (extended, hugepages) only when the pod asks for it. */
const NATIVE = new Set(['cpu', 'memory', 'ephemeral-storage']);

export { nonZeroRequests, nodeNonZeroRequested } from '../../framework/info';

/** The pod's request per configured resource; `useRequested` = actual requests (BalancedAllocation), else non-zero ones. */
export function podRequestList(pod: PodInfo, resources: readonly ResourceSpec[], useRequested: boolean): number[] {
  const nonZero = useRequested ? undefined : nonZeroRequests(pod);
  return resources.map(({ name }) => {
    if (nonZero && (name === 'cpu' || name === 'memory')) return nonZero[name];
    return pod.requests[name] ?? 0;
  });
}

/**
 * Fills `allocatable` and `requested` (node's + pod's) per resource, leaving 0/0 for a resource
 * the node lacks or an extended resource the pod does not ask for, so scorers skip it.
 * Runs once per node per plugin: cpu and memory, nearly always the only resources, are read
 * from the node's NodeNumbers rather than by computed key.
 */
export function fillAllocation(
  snapshot: Snapshot,
  node: NodeInfo,
  at: number | undefined,
  podRequests: readonly number[],
  resources: readonly ResourceSpec[],
  useRequested: boolean,
  requested: Float64Array,
  allocatable: Float64Array,
): void {
  for (let i = 0; i < resources.length; i++) {
    const name = resources[i].name;
    let alloc: number;
    let onNode: number;
    if (name === 'cpu') {
      const n = numbersAt(snapshot, node, at);
      alloc = n.allocatableCpu;
      onNode = useRequested ? n.requestedCpu : n.nonZeroCpu;
    } else if (name === 'memory') {
      const n = numbersAt(snapshot, node, at);
      alloc = n.allocatableMemory;
      onNode = useRequested ? n.requestedMemory : n.nonZeroMemory;
    } else {
      // other resources are rare enough to be read by name from the NodeInfo
      alloc = podRequests[i] === 0 && !NATIVE.has(name) ? 0 : (node.allocatable[name] ?? 0);
      onNode = node.requested[name] ?? 0;
    }
    allocatable[i] = alloc;
    requested[i] = alloc === 0 ? 0 : onNode + podRequests[i];
  }
}
