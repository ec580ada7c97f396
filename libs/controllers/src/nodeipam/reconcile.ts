// nodeipam's range allocator, one Node per pass: a Node without spec.podCIDR gets the next
// free /24 of the cluster CIDR (10.244.0.0/16), a Node that has one keeps it. The allocations
// are the Nodes themselves, so a deleted Node's /24 is free again as soon as it leaves the
// cache, and a restarted controller recomputes the same picture.
//
// The cache lags the controller's own writes: `pending` holds what this controller patched
// but has not seen come back yet, so two Nodes synced back to back never get the same /24.
// The search starts after the /24 handed out last (`after`), as nodeipam's cidrset does, so a
// just-released /24 is not reused while the other nodes may still route it to the departed one.
import { planPodCIDRs, type NodePodCIDR, type PodCIDRProblemReason, type PodCIDRRange } from '@keelson/overlay';
import type { Node } from '../nodelifecycle/types';

export interface NodeIpamObserved {
  /** Every Node in the cache. */
  readonly nodes: readonly Node[];
  /** node name → podCIDR this controller wrote and the cache does not show yet. */
  readonly pending?: ReadonlyMap<string, string>;
  /** The /24 handed out last. */
  readonly after?: string;
}

export type NodeIpamAction =
  /** Merge patch of spec.podCIDR and spec.podCIDRs, conditional on the Node's resourceVersion. */
  | { readonly type: 'allocatePodCIDR'; readonly name: string; readonly resourceVersion?: string; readonly podCIDR: string }
  /** A Warning event on the Node (CIDRNotAvailable, CIDROutOfRange, CIDRAlreadyAllocated). */
  | { readonly type: 'reportProblem'; readonly name: string; readonly uid?: string; readonly reason: PodCIDRProblemReason; readonly message: string };

type NodeWithCIDR = Node & { spec?: { podCIDR?: string } };

/** Nodes in creation order (then by name): when two claim one /24, the older keeps it. */
function byAge(a: Node, b: Node): number {
  const at = a.metadata.creationTimestamp ?? '';
  const bt = b.metadata.creationTimestamp ?? '';
  if (at !== bt) return at < bt ? -1 : 1;
  return (a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : 1;
}

export function reconcileNodeCIDR(node: NodeWithCIDR, observed: NodeIpamObserved, options: { range?: PodCIDRRange } = {}): NodeIpamAction[] {
  const name = node.metadata.name ?? '';
  if (node.metadata.deletionTimestamp) return [];
  const pending = observed.pending ?? new Map<string, string>();
  // Every Node's claim (its own, or ours in flight); of the others only those with one, so
  // this Node is the only one the plan allocates for.
  const claims: NodePodCIDR[] = [...observed.nodes.filter((n) => n.metadata.name !== name), node]
    .sort(byAge)
    .map((n) => ({ name: n.metadata.name ?? '', podCIDR: (n as NodeWithCIDR).spec?.podCIDR || pending.get(n.metadata.name ?? '') }))
    .filter((n) => n.podCIDR || n.name === name);
  const plan = planPodCIDRs(claims, { range: options.range, after: observed.after });

  const actions: NodeIpamAction[] = plan.actions.map((a) => ({ type: 'allocatePodCIDR', name, resourceVersion: node.metadata.resourceVersion, podCIDR: a.podCIDR }));
  for (const p of plan.problems) if (p.node === name) actions.push({ type: 'reportProblem', name, uid: node.metadata.uid, reason: p.reason, message: p.message });
  return actions;
}
