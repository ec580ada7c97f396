// The kubelet's resource metrics endpoint (`/metrics/resource`), the Prometheus text that
// metrics-server scrapes: cumulative CPU seconds and the memory working set per container and
// for the node, each with the time it was read. Rates are the scraper's business (it keeps two
// scrapes and divides), so this endpoint holds no state. The numbers come from cgroup v1 files
// and /proc/stat; the parsing is here, the file reads are the agent's.
import { workingSet } from './eviction-manager';

export interface ContainerSample {
  readonly namespace: string;
  readonly pod: string;
  readonly container: string;
  /** cumulative CPU time in core-seconds (cpuacct.usage / 1e9) */
  readonly cpuSeconds: number;
  readonly workingSetBytes: number;
  /** seconds since the epoch */
  readonly startTime: number;
  /** when it was read, ms since the epoch */
  readonly at: number;
}

export interface NodeSample {
  readonly cpuSeconds: number;
  readonly workingSetBytes: number;
  readonly at: number;
}

/** USER_HZ: /proc/stat counts in these ticks on every Linux the kubelet runs on. */
const CLOCK_TICKS_PER_SECOND = 100;

/** Core-seconds from cgroup v1 `cpuacct.usage` (nanoseconds). */
export function cpuacctSeconds(cpuacctUsage: string): number {
  return Number(cpuacctUsage.trim()) / 1e9;
}

/**
 * The machine's busy core-seconds from /proc/stat's `cpu` line: every column but idle and
 * iowait (guest time is already inside user). "cpu  100 0 50 900 10 0 5 0 0 0" → (100+0+50+0+5+0)/100 = 1.55
 */
export function procStatBusySeconds(procStat: string): number {
  const line = /^cpu\s+(.*)$/m.exec(procStat)?.[1];
  if (!line) return NaN;
  const [user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).map(Number);
  return ((user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0) + (steal ?? 0)) / CLOCK_TICKS_PER_SECOND;
}

/** A cgroup v1 working set (usage − inactive file), as cAdvisor reports it. */
export const cgroupWorkingSet = workingSet;

const HELP: Record<string, [string, string]> = {
  container_cpu_usage_seconds_total: ['counter', 'Cumulative cpu time consumed by the container in core-seconds'],
  container_memory_working_set_bytes: ['gauge', 'Current working set of the container in bytes'],
  container_start_time_seconds: ['gauge', 'Start time of the container since unix epoch in seconds'],
  node_cpu_usage_seconds_total: ['counter', 'Cumulative cpu time consumed by the node in core-seconds'],
  node_memory_working_set_bytes: ['gauge', 'Current working set of the node in bytes'],
  pod_cpu_usage_seconds_total: ['counter', 'Cumulative cpu time consumed by the pod in core-seconds'],
  pod_memory_working_set_bytes: ['gauge', 'Current working set of the pod in bytes'],
  resource_scrape_error: ['gauge', '1 if there was an error while getting container metrics, 0 otherwise'],
};

const quote = (v: string) => `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
const labels = (l: Record<string, string>) => `{${Object.entries(l).map(([k, v]) => `${k}=${quote(v)}`).join(',')}}`;

/** The `/metrics/resource` body, in the kubelet's metric names and labels. */
export function formatResourceMetrics(node: NodeSample | undefined, containers: readonly ContainerSample[], scrapeError = false): string {
  const series = new Map<string, string[]>();
  const add = (name: string, l: Record<string, string> | undefined, value: number, at: number) => {
    if (!Number.isFinite(value)) return;
    const lines = series.get(name) ?? [];
    lines.push(`${name}${l ? labels(l) : ''} ${value} ${at}`);
    series.set(name, lines);
  };
  for (const c of containers) {
    const l = { container: c.container, namespace: c.namespace, pod: c.pod };
    add('container_cpu_usage_seconds_total', l, c.cpuSeconds, c.at);
    add('container_memory_working_set_bytes', l, c.workingSetBytes, c.at);
    add('container_start_time_seconds', l, c.startTime, c.at);
  }
  if (node) {
    add('node_cpu_usage_seconds_total', undefined, node.cpuSeconds, node.at);
    add('node_memory_working_set_bytes', undefined, node.workingSetBytes, node.at);
  }
  const pods = new Map<string, { namespace: string; pod: string; cpu: number; memory: number; at: number }>();
  for (const c of containers) {
    const key = `${c.namespace}/${c.pod}`;
    const p = pods.get(key) ?? { namespace: c.namespace, pod: c.pod, cpu: 0, memory: 0, at: c.at };
    pods.set(key, { ...p, cpu: p.cpu + c.cpuSeconds, memory: p.memory + c.workingSetBytes, at: Math.max(p.at, c.at) });
  }
  for (const p of pods.values()) {
    add('pod_cpu_usage_seconds_total', { namespace: p.namespace, pod: p.pod }, p.cpu, p.at);
    add('pod_memory_working_set_bytes', { namespace: p.namespace, pod: p.pod }, p.memory, p.at);
  }
  const out: string[] = [];
  for (const name of Object.keys(HELP)) {
    const lines = name === 'resource_scrape_error' ? [`resource_scrape_error ${scrapeError ? 1 : 0}`] : series.get(name);
    if (!lines) continue;
    out.push(`# HELP ${name} [STABLE] ${HELP[name][1]}`, `# TYPE ${name} ${HELP[name][0]}`, ...lines);
  }
  return `${out.join('\n')}\n`;
}
