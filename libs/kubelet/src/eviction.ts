// Memory-pressure eviction, after pkg/kubelet/eviction: parse `--eviction-hard`, decide
// whether the threshold is crossed, rank pods, and say what an evicted pod's status is.
//
// Ranking (the seed's order, a reading of Kubernetes' rankMemoryPressure):
//   1. BestEffort pods, largest usage first;
//   2. pods using more memory than they requested, largest excess first;
//   3. the rest, lowest priority first, then largest usage.
// Example: BestEffort a (50Mi), Burstable b (request 100Mi, using 300Mi), Burstable c
// (request 1Gi, using 200Mi, priority 0), Guaranteed d (1Gi, 900Mi, priority 1000) →
// a, b, c, d.
import { formatQuantity, parseQuantity } from '@keelson/admission/quantity';
import { qosClass } from './qos';
import type { Pod, PodStatus } from './types';

export interface EvictionThreshold {
  readonly signal: string;
  readonly operator: 'LessThan';
  /** Either an absolute quantity or a percentage of capacity. */
  readonly quantity?: string;
  readonly percentage?: number;
}

/** "memory.available<100Mi,nodefs.available<10%" → thresholds. Throws on malformed input. */
export function parseEvictionHard(spec: string): EvictionThreshold[] {
  return spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((entry) => {
      const m = /^([a-z.]+)<(.+)$/.exec(entry);
      if (!m) throw new Error(`invalid eviction threshold syntax ${JSON.stringify(entry)}, expected <signal><operator><value>`);
      const [, signal, value] = m;
      if (value.endsWith('%')) {
        const percentage = Number(value.slice(0, -1));
        if (!(percentage >= 0 && percentage <= 100)) throw new Error(`invalid percentage ${JSON.stringify(value)} for signal ${signal}`);
        return { signal, operator: 'LessThan' as const, percentage };
      }
      parseQuantity(value);
      return { signal, operator: 'LessThan' as const, quantity: value };
    });
}

/** The threshold in bytes, given the node's memory capacity for percentages. */
export function thresholdBytes(t: EvictionThreshold, capacityBytes: number): number {
  return t.quantity !== undefined ? parseQuantity(t.quantity) : Math.floor((capacityBytes * (t.percentage ?? 0)) / 100);
}

export interface PodUsage {
  readonly pod: Pod;
  /** Working-set bytes of the pod's containers. */
  readonly memoryUsage: number;
}

const memoryRequests = (pod: Pod): number => (pod.spec?.containers ?? []).reduce((sum, c) => sum + parseQuantity(c.resources?.requests?.memory ?? c.resources?.limits?.memory ?? 0), 0);

function group(p: PodUsage): number {
  if (qosClass(p.pod) === 'BestEffort') return 0;
  return p.memoryUsage > memoryRequests(p.pod) ? 1 : 2;
}

/** Pods to evict in order, or none when available memory is not below the threshold. */
export function evictionCandidates(pods: readonly PodUsage[], memoryAvailable: number, threshold: number): PodUsage[] {
  if (memoryAvailable >= threshold) return [];
  const priority = (p: PodUsage) => p.pod.spec?.priority ?? 0;
  const excess = (p: PodUsage) => p.memoryUsage - memoryRequests(p.pod);
  return [...pods].sort((a, b) => {
    const ga = group(a);
    const gb = group(b);
    if (ga !== gb) return ga - gb;
    if (ga === 0) return b.memoryUsage - a.memoryUsage;
    if (ga === 1) return excess(b) - excess(a) || priority(a) - priority(b);
    return priority(a) - priority(b) || b.memoryUsage - a.memoryUsage;
  });
}

/** What the pod's containers used when it was picked, by container name (working-set bytes). */
export type ContainerMemoryUsage = Readonly<Record<string, number>>;

/**
 * The kubelet's eviction message (pkg/kubelet/eviction/helpers.go), trailing spaces and all:
 * "The node was low on resource: memory. Threshold quantity: 100Mi, available: 80Mi. " and,
 * for each container using more than it requested,
 * "Container app was using 120Mi, request is 0, has larger consumption of memory. ".
 */
export function evictionMessage(pod: Pod, threshold: string, availableBytes: number, usage: ContainerMemoryUsage = {}): string {
  let message = `The node was low on resource: memory. Threshold quantity: ${threshold}, available: ${formatQuantity(availableBytes, 'BinarySI')}. `;
  for (const c of pod.spec?.containers ?? []) {
    const used = usage[c.name];
    const request = c.resources?.requests?.memory;
    if (used !== undefined && used > parseQuantity(request ?? 0)) message += `Container ${c.name} was using ${formatQuantity(used, 'BinarySI')}, request is ${request ?? '0'}, has larger consumption of memory. `;
  }
  return message;
}

/**
 * The status the agent writes for a pod it evicts: Failed/Evicted with the message, the
 * DisruptionTarget condition the kubelet adds (reason TerminationByKubelet), Ready false, and
 * its killed containers terminated with SIGKILL's 137.
 */
export function evictedStatus(old: PodStatus, message: string, now: number): PodStatus {
  const at = new Date(now).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const notReady = new Set(['Ready', 'ContainersReady']);
  const conditions = [
    ...(old.conditions ?? []).filter((c) => c.type !== 'DisruptionTarget').map((c) => (notReady.has(c.type) && c.status !== 'False' ? { ...c, status: 'False', lastTransitionTime: at } : c)),
    { type: 'DisruptionTarget', status: 'True', lastTransitionTime: at, reason: 'TerminationByKubelet', message },
  ];
  const containerStatuses = old.containerStatuses?.map((c) =>
    c.state?.running ? { ...c, ready: false, started: false, state: { terminated: { exitCode: 137, reason: 'Error', startedAt: c.state.running.startedAt, finishedAt: at, ...(c.containerID ? { containerID: c.containerID } : {}) } } } : { ...c, ready: false },
  );
  return { ...old, phase: 'Failed', reason: 'Evicted', message, conditions, ...(containerStatuses ? { containerStatuses } : {}) };
}
