// The podCIDR controller's decision, as nodeipam's range allocator makes it on each Node event:
// every Node without spec.podCIDR gets the next free /24; a Node that has one keeps it
// (spec.podCIDR is immutable once set, so a bad one is reported, never rewritten).
//
// Who should run it: the controller-manager (one leader), not each node agent. With several
// agents claiming their own /24 two could pick the same one between reading the Node list and
// writing; a single allocator that sees every Node cannot. The write itself should be a
// conditional append on the Node (expected last sequence), and — so that "never twice" also
// holds while a new leader's cache is still catching up — backed by one log subject per CIDR
// claimed with a conditional append, as libs/apiserver's allocators do for ClusterIPs. The agent
// waits for spec.podCIDR before it wires pods, as kubelet does.
import { allocatePodCIDR, DEFAULT_RANGE, intToIp, PodCIDRRangeFull, podCIDRIndex, type PodCIDRRange } from './cidr';

export interface NodePodCIDR {
  readonly name: string;
  readonly podCIDR?: string;
}

export interface PodCIDRAction {
  readonly patchNode: string;
  readonly podCIDR: string;
}

export type PodCIDRProblemReason = 'CIDRNotAvailable' | 'CIDROutOfRange' | 'CIDRAlreadyAllocated';

export interface PodCIDRProblem {
  readonly node: string;
  readonly reason: PodCIDRProblemReason;
  readonly podCIDR?: string;
  readonly message: string;
}

export interface PodCIDRPlan {
  readonly actions: readonly PodCIDRAction[];
  readonly problems: readonly PodCIDRProblem[];
}

/**
 * Nodes are taken in the order given (the caller passes creation order), so when two Nodes
 * carry the same CIDR the older one keeps it and the younger is reported.
 */
export function planPodCIDRs(nodes: readonly NodePodCIDR[], options: { range?: PodCIDRRange; after?: string } = {}): PodCIDRPlan {
  const range = options.range ?? DEFAULT_RANGE;
  const allocated = new Map<string, string>();
  const owner = new Map<number, string>();
  const problems: PodCIDRProblem[] = [];
  for (const node of nodes) {
    if (!node.podCIDR) continue;
    const i = podCIDRIndex(range, node.podCIDR);
    if (i === undefined) {
      problems.push({ node: node.name, reason: 'CIDROutOfRange', podCIDR: node.podCIDR, message: `${node.podCIDR} is not a /${range.nodePrefix} of ${intToIp(range.base)}/${range.clusterPrefix}` });
    } else if (owner.has(i)) {
      problems.push({ node: node.name, reason: 'CIDRAlreadyAllocated', podCIDR: node.podCIDR, message: `${node.podCIDR} is already node ${owner.get(i)}'s` });
    } else {
      owner.set(i, node.name);
      allocated.set(node.name, node.podCIDR);
    }
  }

  const actions: PodCIDRAction[] = [];
  let after = options.after;
  for (const node of nodes) {
    if (node.podCIDR) continue;
    try {
      const podCIDR = allocatePodCIDR(allocated, { range, after });
      allocated.set(node.name, podCIDR);
      actions.push({ patchNode: node.name, podCIDR });
      after = podCIDR;
    } catch (e) {
      if (!(e instanceof PodCIDRRangeFull)) throw e;
      problems.push({ node: node.name, reason: 'CIDRNotAvailable', message: e.message });
    }
  }
  return { actions, problems };
}

/** What the controller applies: one patch per Node that has no podCIDR yet. */
export function reconcilePodCIDRs(nodes: readonly NodePodCIDR[], options: { range?: PodCIDRRange; after?: string } = {}): readonly PodCIDRAction[] {
  return planPodCIDRs(nodes, options).actions;
}

/** The merge patch for one action (podCIDRs mirrors podCIDR for a single-stack cluster). */
export function podCIDRPatch(action: PodCIDRAction): { spec: { podCIDR: string; podCIDRs: string[] } } {
  return { spec: { podCIDR: action.podCIDR, podCIDRs: [action.podCIDR] } };
}
