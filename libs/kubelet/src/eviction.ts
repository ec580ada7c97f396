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
import { formatQuantity, parseQuantity } from '@keelson/admission';
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

/** The status the agent writes for a pod it evicts under memory pressure. */
export function evictedStatus(old: PodStatus, threshold: string, availableBytes: number): PodStatus {
  return {
    ...old,
    phase: 'Failed',
    reason: 'Evicted',
    message: `The node was low on resource: memory. Threshold quantity: ${threshold}, available: ${formatQuantity(availableBytes, 'BinarySI')}.`,
  };
}
