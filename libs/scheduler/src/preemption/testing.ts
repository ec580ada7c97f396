import type { KubeObject } from '@keelson/apimachinery';
import { nodeInfoOf, podInfoOf } from '../framework/info';
import type { FilterPlugin, NodeInfo, PodInfo } from '../framework/types';
import { NodePorts } from '../plugins/filter/node-ports';
import { NodeResourcesFit } from '../plugins/filter/node-resources-fit';
import { TaintToleration } from '../plugins/filter/taint-toleration';

export const FILTERS: readonly FilterPlugin[] = [TaintToleration, NodePorts, NodeResourcesFit];

export interface PodOptions {
  cpu?: number; // whole cpus
  priority?: number;
  labels?: Record<string, string>;
  startTime?: string;
  preemptionPolicy?: 'Never' | 'PreemptLowerPriority';
  nominatedNodeName?: string;
  deleting?: boolean;
}

export function pod(name: string, o: PodOptions = {}): PodInfo {
  return podInfoOf({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', uid: `uid-${name}`, labels: o.labels ?? {}, ...(o.deleting ? { deletionTimestamp: '2024-01-01T00:00:00Z' } : {}) },
    spec: {
      containers: [{ name: 'c', image: 'busybox', resources: { requests: { cpu: String(o.cpu ?? 1) } } }],
      priority: o.priority ?? 0,
      ...(o.preemptionPolicy ? { preemptionPolicy: o.preemptionPolicy } : {}),
    },
    status: { ...(o.startTime ? { startTime: o.startTime } : {}), ...(o.nominatedNodeName ? { nominatedNodeName: o.nominatedNodeName } : {}) },
  });
}

/** A node with `cpu` whole cpus and these pods on it. */
export function node(name: string, cpu: number, pods: PodInfo[] = [], taints: unknown[] = []): NodeInfo {
  const n: KubeObject = { apiVersion: 'v1', kind: 'Node', metadata: { name }, spec: { taints }, status: { allocatable: { cpu: String(cpu), memory: '64Gi', pods: '110' } } };
  return nodeInfoOf(n, pods.map((p) => ({ ...p, nodeName: name })));
}

export function pdb(name: string, matchLabels: Record<string, string>, o: { disruptionsAllowed?: number; minAvailable?: number | string; maxUnavailable?: number | string } = {}): KubeObject {
  return {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: { name, namespace: 'default' },
    spec: { selector: { matchLabels }, ...(o.minAvailable !== undefined ? { minAvailable: o.minAvailable } : {}), ...(o.maxUnavailable !== undefined ? { maxUnavailable: o.maxUnavailable } : {}) },
    ...(o.disruptionsAllowed !== undefined ? { status: { disruptionsAllowed: o.disruptionsAllowed } } : {}),
  };
}
