import type { KubeObject } from '@keelson/apimachinery';
import { nodeInfoOf, podInfoOf } from '../../framework/info';
import type { FilterPlugin, NodeInfo, PluginContext, PodInfo, Snapshot, Status } from '../../framework/types';

// Fixtures for the filter plugins' specs: objects as the API server stores them, turned into
// the scheduler's PodInfo/NodeInfo by the real info.ts.

type Json = Record<string, unknown>;

export function makePod(name: string, spec: Json = {}, meta: Json = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', uid: `uid-${name}`, ...meta }, spec: { containers: [{ name: 'c', image: 'busybox' }], ...spec } };
}

export const podOf = (name: string, spec: Json = {}, meta: Json = {}): PodInfo => podInfoOf(makePod(name, spec, meta));

export interface NodeOptions {
  labels?: Record<string, string>;
  taints?: unknown[];
  unschedulable?: boolean;
  allocatable?: Record<string, string>;
  pods?: PodInfo[];
}

export function nodeOf(name: string, o: NodeOptions = {}): NodeInfo {
  const node: KubeObject = {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name, ...o.labels } },
    spec: { ...(o.taints ? { taints: o.taints } : {}), ...(o.unschedulable ? { unschedulable: true } : {}) },
    status: { allocatable: o.allocatable ?? { cpu: '4', memory: '8Gi', pods: '110' } },
  };
  return nodeInfoOf(node, o.pods ?? []);
}

export interface SnapshotExtras {
  namespaces?: Record<string, Record<string, string>>;
  pvcs?: KubeObject[];
  pvs?: KubeObject[];
  storageClasses?: KubeObject[];
}

export function snapshotOf(nodes: NodeInfo[], x: SnapshotExtras = {}): Snapshot {
  const byName = new Map(nodes.map((n) => [n.name, n]));
  return {
    nodes,
    nodeInfo: (name) => byName.get(name),
    podsOnNodes: nodes.flatMap((node) => node.pods.map((pod) => ({ pod, node }))),
    namespaces: new Map(Object.entries(x.namespaces ?? { default: { 'kubernetes.io/metadata.name': 'default' } })),
    pvcs: new Map((x.pvcs ?? []).map((c) => [`${c.metadata.namespace}/${c.metadata.name}`, c])),
    pvs: x.pvs ?? [],
    storageClasses: new Map((x.storageClasses ?? []).map((c) => [c.metadata.name ?? '', c])),
  };
}

export const contextOf = (snapshot: Snapshot): PluginContext => ({ state: new Map(), snapshot });

/**
 * One scheduling cycle of a single plugin as the framework runs it: PreFilter once, then
 * Filter per node. A PreFilter failure applies to every node; Skip means every node passes.
 * Returns each node's verdict by name.
 */
export function runFilter(plugin: FilterPlugin, pod: PodInfo, snapshot: Snapshot): Record<string, Status> {
  const ctx = contextOf(snapshot);
  const pre = plugin.preFilter?.(ctx, pod) ?? { code: 'Success' };
  const out: Record<string, Status> = {};
  for (const node of snapshot.nodes) {
    out[node.name] = pre.code === 'Skip' ? { code: 'Success' } : pre.code !== 'Success' ? pre : plugin.filter(ctx, pod, node);
  }
  return out;
}

/** A verdict flattened for table expectations: "Success" or "Unschedulable: Insufficient cpu, Too many pods". */
export const verdict = (s: Status): string => (s.code === 'Success' ? 'Success' : `${s.code}: ${(s.reasons ?? []).join(', ')}`);

export function verdicts(plugin: FilterPlugin, pod: PodInfo, snapshot: Snapshot): Record<string, string> {
  return Object.fromEntries(Object.entries(runFilter(plugin, pod, snapshot)).map(([n, s]) => [n, verdict(s)]));
}
