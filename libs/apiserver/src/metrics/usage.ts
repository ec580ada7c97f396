// From two scrapes of a node's /metrics/resource to the usage metrics.k8s.io reports, as
// metrics-server computes it: CPU is the rate of the cumulative counter between the two
// scrapes (core-seconds / seconds = cores), memory the latest working set. A container that
// restarted between them (another start time) or whose counter went backwards has no rate yet;
// one that started after the earlier scrape is measured from its start. A pod is reported only
// when every one of its containers is.
import type { Sample } from './prometheus-text';

export interface Point {
  readonly cpuSeconds: number;
  readonly memoryBytes: number;
  /** ms since the epoch */
  readonly at: number;
  /** seconds since the epoch (containers only) */
  readonly startTime?: number;
}

export interface NodeScrape {
  readonly node?: Point;
  /** "namespace/pod" → container name → point */
  readonly pods: ReadonlyMap<string, ReadonlyMap<string, Point>>;
}

export interface Usage {
  /** cores */
  readonly cpu: number;
  /** bytes */
  readonly memory: number;
  /** the end of the window, ms since the epoch */
  readonly timestamp: number;
  /** ms */
  readonly window: number;
}

export interface PodUsage {
  readonly timestamp: number;
  readonly window: number;
  readonly containers: readonly { readonly name: string; readonly cpu: number; readonly memory: number }[];
}

/** The kubelet's resource metrics, by node and by container; `now` stands in for missing timestamps. */
export function decodeResourceMetrics(samples: readonly Sample[], now: number): NodeScrape {
  const node: { cpuSeconds?: number; memoryBytes?: number; at?: number } = {};
  const containers = new Map<string, { cpuSeconds?: number; memoryBytes?: number; at?: number; startTime?: number }>();
  for (const s of samples) {
    const at = s.timestamp ?? now;
    if (s.name === 'node_cpu_usage_seconds_total') Object.assign(node, { cpuSeconds: s.value, at });
    else if (s.name === 'node_memory_working_set_bytes') node.memoryBytes = s.value;
    else if (s.name.startsWith('container_')) {
      const { namespace, pod, container } = s.labels;
      if (!namespace || !pod || !container) continue;
      const key = `${namespace}/${pod}\u0000${container}`;
      const c = containers.get(key) ?? {};
      if (s.name === 'container_cpu_usage_seconds_total') Object.assign(c, { cpuSeconds: s.value, at });
      else if (s.name === 'container_memory_working_set_bytes') c.memoryBytes = s.value;
      else if (s.name === 'container_start_time_seconds') c.startTime = s.value;
      containers.set(key, c);
    }
  }
  const pods = new Map<string, Map<string, Point>>();
  for (const [key, c] of containers) {
    if (c.cpuSeconds === undefined || c.memoryBytes === undefined || c.at === undefined) continue;
    const [pod, name] = key.split('\u0000');
    const byName = pods.get(pod) ?? new Map<string, Point>();
    byName.set(name, { cpuSeconds: c.cpuSeconds, memoryBytes: c.memoryBytes, at: c.at, startTime: c.startTime });
    pods.set(pod, byName);
  }
  const whole = node.cpuSeconds !== undefined && node.memoryBytes !== undefined && node.at !== undefined;
  return { node: whole ? { cpuSeconds: node.cpuSeconds!, memoryBytes: node.memoryBytes!, at: node.at! } : undefined, pods };
}

/**
 * Usage between two points of one series. E.g. 12.5 then 13.0 core-seconds read 5 s apart
 * → 0.1 cores over a 5 s window.
 */
export function usageBetween(prev: Point | undefined, cur: Point, prevScrapeAt?: number): Usage | undefined {
  const sameRun = prev && prev.startTime === cur.startTime && cur.cpuSeconds >= prev.cpuSeconds && cur.at > prev.at;
  if (sameRun) return { cpu: (cur.cpuSeconds - prev.cpuSeconds) / ((cur.at - prev.at) / 1000), memory: cur.memoryBytes, timestamp: cur.at, window: cur.at - prev.at };
  // New since the last scrape (or restarted): its counter started at zero when it did.
  const started = cur.startTime !== undefined ? cur.startTime * 1000 : undefined;
  if (started !== undefined && prevScrapeAt !== undefined && started >= prevScrapeAt && cur.at > started) {
    return { cpu: cur.cpuSeconds / ((cur.at - started) / 1000), memory: cur.memoryBytes, timestamp: cur.at, window: cur.at - started };
  }
  return undefined;
}

/** A pod's usage from two scrapes of its node, or undefined when a container has no rate yet. */
export function podUsage(prev: ReadonlyMap<string, Point> | undefined, cur: ReadonlyMap<string, Point>, prevScrapeAt?: number): PodUsage | undefined {
  const containers: { name: string; cpu: number; memory: number }[] = [];
  let timestamp = 0;
  let window = 0;
  for (const [name, point] of cur) {
    const u = usageBetween(prev?.get(name), point, prevScrapeAt);
    if (!u) return undefined;
    containers.push({ name, cpu: u.cpu, memory: u.memory });
    timestamp = Math.max(timestamp, u.timestamp);
    window = Math.max(window, u.window);
  }
  return containers.length ? { timestamp, window, containers: containers.sort((a, b) => a.name.localeCompare(b.name)) } : undefined;
}

/** CPU in nanocores and memory in Ki, the way metrics-server prints them: "12345678n", "10240Ki". */
export function usageQuantities(cpuCores: number, memoryBytes: number): { cpu: string; memory: string } {
  return { cpu: `${Math.round(cpuCores * 1e9)}n`, memory: `${Math.round(memoryBytes / 1024)}Ki` };
}

/** A metav1.Duration as Go prints it: 5123 ms → "5.123s". */
export function goSeconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(3))}s`;
}
