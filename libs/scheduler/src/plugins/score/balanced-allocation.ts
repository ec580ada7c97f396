import type { PluginArgs, PluginContext, PluginFactory, PodInfo, ScorePlugin } from '../../framework/types';
import { cycleSlot } from './cycle-slot';
import { balancedResourceScore, DEFAULT_RESOURCES, fillAllocation, podRequestList, type ResourceSpec } from './resource-allocation';

// NodeResourcesBalancedAllocation (noderesources/balanced_allocation.go): favour nodes whose
// cpu and memory would be used in similar proportion once the pod is there. It looks at actual
// requests (no 100m/200 Mi defaults), and skips best-effort pods altogether: for them every
// node would look equally balanced, which used to pile them onto one node (kubernetes#129138).

const NAME = 'NodeResourcesBalancedAllocation';

export const nodeResourcesBalancedAllocation: PluginFactory<ScorePlugin> = (args: PluginArgs) => {
  const configured = (args as { resources?: ResourceSpec[] }).resources;
  const resources = configured?.length ? configured : DEFAULT_RESOURCES;
  const requested = new Float64Array(resources.length);
  const allocatable = new Float64Array(resources.length);
  const slot = cycleSlot<number[]>(`PreScore${NAME}`);

  // PreScore stores only a list with some request (it skips the pod otherwise), so a stored list
  // needs no per-node check; a Score called without PreScore computes and checks its own
  const requestsFor = (ctx: PluginContext, pod: PodInfo): number[] | undefined => {
    const stored = slot.get(ctx.state);
    if (stored) return stored;
    const podRequests = podRequestList(pod, resources, true);
    return podRequests.every((r) => r === 0) ? undefined : podRequests;
  };

  return {
    name: NAME,
    preScore(ctx, pod) {
      const podRequests = podRequestList(pod, resources, true);
      if (podRequests.every((r) => r === 0)) return { code: 'Skip' };
      slot.set(ctx.state, podRequests);
      return { code: 'Success' };
    },
    score(ctx, pod, node, at?: number) {
      const podRequests = requestsFor(ctx, pod);
      if (!podRequests) return 0;
      fillAllocation(ctx.snapshot, node, at, podRequests, resources, true, requested, allocatable);
      return balancedResourceScore(requested, allocatable);
    },
  } satisfies ScorePlugin;
};

export const NodeResourcesBalancedAllocation = nodeResourcesBalancedAllocation({});
