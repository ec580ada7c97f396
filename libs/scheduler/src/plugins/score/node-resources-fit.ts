import type { PluginArgs, PluginContext, PluginFactory, PodInfo, NodeInfo, ScorePlugin } from '../../framework/types';
import {
  DEFAULT_RESOURCES,
  fillAllocation,
  leastAllocatedScore,
  mostAllocatedScore,
  podRequestList,
  requestedToCapacityRatioScore,
  type ResourceSpec,
  type UtilizationShapePoint,
} from './resource-allocation';
import { cycleSlot } from './cycle-slot';

// NodeResourcesFit's Score (noderesources/fit.go): one of three strategies over the configured
// resources, counting pods without requests at 100m cpu / 200 Mi memory.
//   LeastAllocated (default) spreads: a node with more room left scores higher.
//   MostAllocated packs: the fuller node scores higher.
//   RequestedToCapacityRatio: a user-drawn utilization → score curve.

export type ScoringStrategyType = 'LeastAllocated' | 'MostAllocated' | 'RequestedToCapacityRatio';

export interface NodeResourcesFitArgs {
  scoringStrategy?: {
    type?: ScoringStrategyType;
    resources?: ResourceSpec[];
    requestedToCapacityRatio?: { shape?: UtilizationShapePoint[] };
  };
}

const NAME = 'NodeResourcesFit';
const podRequestsSlot = () => cycleSlot<number[]>(`PreScore${NAME}`);

/** Kubernetes' default RequestedToCapacityRatio shape favours packing: 0 % → 0, 100 % → 10. */
const DEFAULT_SHAPE: readonly UtilizationShapePoint[] = [
  { utilization: 0, score: 0 },
  { utilization: 100, score: 10 },
];

export const nodeResourcesFit: PluginFactory<ScorePlugin> = (args: PluginArgs) => {
  const strategy = (args as NodeResourcesFitArgs).scoringStrategy ?? {};
  const resources = strategy.resources?.length ? strategy.resources : DEFAULT_RESOURCES;
  const type = strategy.type ?? 'LeastAllocated';
  const scorer =
    type === 'MostAllocated'
      ? mostAllocatedScore
      : type === 'RequestedToCapacityRatio'
        ? requestedToCapacityRatioScore(strategy.requestedToCapacityRatio?.shape ?? DEFAULT_SHAPE)
        : leastAllocatedScore;
  // scratch space reused for every node: the cycle scores nodes one at a time
  const requested = new Float64Array(resources.length);
  const allocatable = new Float64Array(resources.length);
  const slot = podRequestsSlot();

  const requestsFor = (ctx: PluginContext, pod: PodInfo): number[] => {
    let podRequests = slot.get(ctx.state);
    if (!podRequests) slot.set(ctx.state, (podRequests = podRequestList(pod, resources, false)));
    return podRequests;
  };

  return {
    name: NAME,
    preScore(ctx, pod) {
      slot.set(ctx.state, podRequestList(pod, resources, false));
      return { code: 'Success' };
    },
    score(ctx, pod, node: NodeInfo, at?: number) {
      fillAllocation(ctx.snapshot, node, at, requestsFor(ctx, pod), resources, false, requested, allocatable);
      return scorer(requested, allocatable, resources);
    },
  } satisfies ScorePlugin;
};

/** The default profile's instance: LeastAllocated over cpu and memory, weights 1/1. */
export const NodeResourcesFit = nodeResourcesFit({});
