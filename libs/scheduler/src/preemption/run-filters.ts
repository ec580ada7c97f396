import type { FilterPlugin, NodeInfo, PodInfo, Snapshot, Status } from '../framework/types';
import { nodeInfoOf } from '../framework/info';
import { success } from '../framework/types';
import { withNodeInfos } from '../cache/snapshot';

// What-if filtering for preemption and nominated pods: "would the pod fit on this node if it
// held these pods instead?" Kubernetes patches PreFilter state through AddPod/RemovePod
// extensions; our plugins have no such hooks, so PreFilter runs again against a snapshot in
// which the node is replaced. Slower, but exact for plugins that look at other nodes' pods.

/**
 * A NodeInfo holding `pods` instead of its own — a new object; the original is untouched. Built
 * by nodeInfoOf like any other, so everything derived from the pods (requested, ports, the pods
 * with affinity, NodeNumbers) follows the new list.
 */
export function nodeInfoWithPods(node: NodeInfo, pods: readonly PodInfo[]): NodeInfo {
  return nodeInfoOf(node.node, [...pods], node);
}

/** PreFilter then Filter of every plugin for one node, the first failure returned (with its plugin). */
export function runFilters(pod: PodInfo, node: NodeInfo, snapshot: Snapshot, filters: readonly FilterPlugin[]): Status {
  const view = snapshot.nodeInfo(node.name) === node ? snapshot : withNodeInfos(snapshot, new Map([[node.name, node]]));
  const ctx = { state: new Map<string, unknown>(), snapshot: view };
  for (const plugin of filters) {
    if (plugin.preFilter) {
      const pre = plugin.preFilter(ctx, pod);
      if (pre.code === 'Skip') continue;
      if (pre.code !== 'Success') return { ...pre, plugin: plugin.name };
    }
    const s = plugin.filter(ctx, pod, node);
    if (s.code !== 'Success') return { ...s, plugin: plugin.name };
  }
  return success;
}
