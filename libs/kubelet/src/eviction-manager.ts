// Memory-pressure eviction, the IO side of eviction.ts: read how much memory the node has
// available (/proc/meminfo's MemAvailable, what the kubelet's memory.available approximates)
// and what each pod uses (its containers' cgroup working set: usage minus inactive file
// pages), and name the one pod to evict this round, as the kubelet evicts one at a time.
import { readFileSync } from 'node:fs';
import { evictionCandidates, evictionMessage, parseEvictionHard, thresholdBytes, type PodUsage } from './eviction';
import type { Pod } from './types';

/** MemAvailable in bytes from /proc/meminfo text ("MemAvailable:   23933376 kB"). */
export function memoryAvailable(meminfo: string): { available: number; total: number } {
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(meminfo)?.[1] ?? NaN) * 1024;
  return { available: kb('MemAvailable'), total: kb('MemTotal') };
}

/** Working set from cgroup v1 memory files: usage_in_bytes − total_inactive_file (never below 0). */
export function workingSet(usageInBytes: string, memoryStat: string): number {
  const usage = Number(usageInBytes.trim());
  const inactive = Number(/^total_inactive_file (\d+)/m.exec(memoryStat)?.[1] ?? 0);
  return Math.max(0, usage - inactive);
}

export interface EvictionDecision {
  readonly pod: Pod;
  readonly threshold: string;
  readonly available: number;
  /** The kubelet's words for it, for the pod's status. */
  readonly message: string;
}

/** A running pod and its running containers, as the agent finds them. */
export interface RunningPod {
  readonly pod: Pod;
  readonly containers: readonly { readonly id: string; readonly name: string }[];
}

export class EvictionManager {
  private readonly threshold?: { text: string; signal: ReturnType<typeof parseEvictionHard>[number] };

  constructor(
    evictionHard: string,
    private readonly readMeminfo: () => string = () => readFileSync('/proc/meminfo', 'utf8'),
    private readonly containerWorkingSet: (containerId: string) => number = cgroupV1WorkingSet,
  ) {
    const t = parseEvictionHard(evictionHard).find((x) => x.signal === 'memory.available');
    if (t) this.threshold = { text: t.quantity ?? `${t.percentage}%`, signal: t };
  }

  /** Whether the node is under memory pressure now (for the MemoryPressure condition). */
  underPressure(): boolean {
    if (!this.threshold) return false;
    const { available, total } = memoryAvailable(this.readMeminfo());
    return available < thresholdBytes(this.threshold.signal, total);
  }

  /** The pod to evict now, if any: `pods` are the node's running pods with their container ids. */
  decide(pods: readonly RunningPod[]): EvictionDecision | undefined {
    if (!this.threshold) return undefined;
    const { available, total } = memoryAvailable(this.readMeminfo());
    const limit = thresholdBytes(this.threshold.signal, total);
    if (available >= limit) return undefined;
    const perContainer = new Map(pods.map(({ pod, containers }) => [pod, Object.fromEntries(containers.map((c) => [c.name, this.containerWorkingSet(c.id)]))]));
    const usage: PodUsage[] = pods.map(({ pod }) => ({ pod, memoryUsage: Object.values(perContainer.get(pod)!).reduce((a, b) => a + b, 0) }));
    const [first] = evictionCandidates(usage, available, limit);
    return first && { pod: first.pod, threshold: this.threshold.text, available, message: evictionMessage(first.pod, this.threshold.text, available, perContainer.get(first.pod)) };
  }
}

function cgroupV1WorkingSet(id: string): number {
  try {
    const dir = `/sys/fs/cgroup/memory/docker/${id}`;
    return workingSet(readFileSync(`${dir}/memory.usage_in_bytes`, 'utf8'), readFileSync(`${dir}/memory.stat`, 'utf8'));
  } catch {
    return 0;
  }
}
