import type { KubeObject } from '@keelson/apimachinery';
import { nodeInfoOf, podInfoOf } from '../../framework/info';
import type { NodeInfo, PluginContext, PodInfo, ScorePlugin, Snapshot, Status } from '../../framework/types';

// Builders for specs: pods and nodes as the API would hold them, turned into PodInfo/NodeInfo
// by the scheduler's own info.ts, and a runner that drives one score plugin like the cycle does.

let uid = 0;

export function makePod(name: string, spec: Record<string, unknown> = {}, meta: { namespace?: string; labels?: Record<string, string> } = {}): PodInfo {
  const pod: KubeObject = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: meta.namespace ?? 'default', uid: `uid-${++uid}`, labels: meta.labels ?? {} },
    spec: { containers: [{ name: 'c', image: 'app:1' }], ...spec },
  };
  return podInfoOf(pod);
}

/** A container asking for cpu/memory, e.g. container({ cpu: '500m', memory: '1Gi' }). */
export const container = (requests: Record<string, string> = {}, image = 'app:1') => ({ name: 'c', image, resources: { requests } });

export interface NodeSpec {
  labels?: Record<string, string>;
  allocatable?: Record<string, string>;
  taints?: { key: string; value?: string; effect: string }[];
  images?: { names: string[]; sizeBytes: number }[];
  pods?: PodInfo[];
}

export function makeNode(name: string, n: NodeSpec = {}): NodeInfo {
  const node: KubeObject = {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name, ...n.labels } },
    spec: { taints: n.taints ?? [] },
    status: { allocatable: n.allocatable ?? { cpu: '4', memory: '8Gi', pods: '110' }, images: n.images ?? [] },
  };
  return nodeInfoOf(node, n.pods ?? []);
}

export function makeSnapshot(nodes: NodeInfo[], namespaces: Record<string, Record<string, string>> = {}): Snapshot {
  const byName = new Map(nodes.map((n) => [n.name, n]));
  return {
    nodes,
    nodeInfo: (name) => byName.get(name),
    podsOnNodes: nodes.flatMap((node) => node.pods.map((pod) => ({ pod, node }))),
    namespaces: new Map(Object.entries(namespaces)),
    pvcs: new Map(),
    pvs: [],
    storageClasses: new Map(),
  };
}

/** PreScore → Score → NormalizeScore over `nodes`, as the cycle runs a plugin; node name → final score, or the PreScore status when not Success. */
export function runScorePlugin(plugin: ScorePlugin, pod: PodInfo, nodes: NodeInfo[], snapshot = makeSnapshot(nodes)): Record<string, number> | Status {
  const ctx: PluginContext = { state: new Map(), snapshot };
  const pre = plugin.preScore?.(ctx, pod, nodes);
  if (pre && pre.code !== 'Success') return pre;
  const scores = nodes.map((n) => ({ node: n.name, score: plugin.score(ctx, pod, n) }));
  plugin.normalizeScore?.(ctx, pod, scores);
  return Object.fromEntries(scores.map((s) => [s.node, s.score]));
}
