import type { FilterPlugin, NodeInfo, PodInfo, Snapshot, Status } from '../framework/types';
import { nodeInfoWithPods, runFilters } from './run-filters';

// A pod that preempted others is nominated to the node it made room on
// (status.nominatedNodeName) until the victims are gone and it binds. Meanwhile other pods
// must not take that room: Kubernetes' addNominatedPods counts nominated pods of equal or
// higher priority on the node when filtering a pod (lower ones may be preempted anyway).

export function nominatedNodeNameOf(pod: PodInfo): string | undefined {
  const name = (pod.pod.status as { nominatedNodeName?: unknown } | undefined)?.nominatedNodeName;
  return typeof name === 'string' && name !== '' ? name : undefined;
}

/** Pending pods grouped by the node they are nominated to. */
export function nominatedPodsByNode(pending: Iterable<PodInfo>): Map<string, PodInfo[]> {
  const byNode = new Map<string, PodInfo[]>();
  for (const p of pending) {
    const node = nominatedNodeNameOf(p);
    if (node === undefined) continue;
    const list = byNode.get(node);
    if (list) list.push(p);
    else byNode.set(node, [p]);
  }
  return byNode;
}

/** The node as `pod` must see it: plus the pods nominated to it with priority ≥ pod's (never the pod itself). */
export function addNominatedPods(pod: PodInfo, node: NodeInfo, nominated: readonly PodInfo[]): NodeInfo {
  const present = new Set(node.pods.map((p) => p.key));
  const extra = nominated.filter((n) => n.key !== pod.key && n.priority >= pod.priority && !present.has(n.key) && nominatedNodeNameOf(n) === node.name);
  return extra.length === 0 ? node : nodeInfoWithPods(node, [...node.pods, ...extra.map((p) => ({ ...p, nodeName: node.name }))]);
}

/**
 * Kubernetes' RunFilterPluginsWithNominatedPods: filter once with the nominated pods added
 * (they may take resources) and, if that passes, once without (they may be what an
 * affinity term needs, and they are not there yet). The pod fits only if both pass.
 */
export function runFiltersWithNominatedPods(pod: PodInfo, node: NodeInfo, snapshot: Snapshot, filters: readonly FilterPlugin[], nominated: readonly PodInfo[]): Status {
  const withNominated = addNominatedPods(pod, node, nominated);
  if (withNominated !== node) {
    const s = runFilters(pod, withNominated, snapshot, filters);
    if (s.code !== 'Success') return s;
  }
  return runFilters(pod, node, snapshot, filters);
}

/** Pods nominated to `node` with lower priority than `pod`: their nomination is void once `pod` preempts there. */
export function lowerPriorityNominatedPods(pod: PodInfo, node: string, nominated: readonly PodInfo[]): PodInfo[] {
  return nominated.filter((n) => n.key !== pod.key && n.priority < pod.priority && nominatedNodeNameOf(n) === node);
}
