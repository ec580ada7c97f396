// `/metrics/resource` on the kubelet port: what metrics-server (here the apiserver's scraper)
// reads to serve metrics.k8s.io. Each request reads the node's running containers' cgroup v1
// files (cpuacct.usage, memory usage and stat) and /proc/stat. Reading the files costs
// microseconds a container, where Docker's one-shot stats waits about a second per container
// for a second sample — so cgroups it is, as cAdvisor does.
import { readFile } from 'node:fs/promises';
import { cgroupWorkingSet, cpuacctSeconds, formatResourceMetrics, procStatBusySeconds, type ContainerSample, type NodeSample } from '@keelson/kubelet';
import { LABEL_NAMESPACE, LABEL_NODE, LABEL_POD_NAME, type ContainerRuntime } from '@keelson/runtime';
import type { AgentHttpServer } from './http-server';

const CGROUP = '/sys/fs/cgroup';
const read = (path: string) => readFile(path, 'utf8');

export function mountResourceMetrics(http: AgentHttpServer, runtime: ContainerRuntime, nodeName: string): void {
  http.handle('GET', '/metrics/resource', async (_req, res) => {
    const running = (await runtime.listContainers({ state: 'running' })).filter((c) => c.labels[LABEL_NODE] === nodeName);
    const samples = await Promise.all(running.map((c) => containerSample(c.id, c.labels[LABEL_NAMESPACE] ?? '', c.labels[LABEL_POD_NAME] ?? '', c.name, c.createdAt)));
    const containers = samples.filter((s): s is ContainerSample => !!s);
    const node = await nodeSample().catch(() => undefined);
    res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4' }).end(formatResourceMetrics(node, containers, !node || containers.length < running.length));
  });
}

/** One container's figures; undefined when its cgroup is gone (it stopped while we listed). */
async function containerSample(id: string, namespace: string, pod: string, container: string, createdAt: number): Promise<ContainerSample | undefined> {
  try {
    const [usage, memUsage, memStat] = await Promise.all([read(`${CGROUP}/cpuacct/docker/${id}/cpuacct.usage`), read(`${CGROUP}/memory/docker/${id}/memory.usage_in_bytes`), read(`${CGROUP}/memory/docker/${id}/memory.stat`)]);
    return { namespace, pod, container, cpuSeconds: cpuacctSeconds(usage), workingSetBytes: cgroupWorkingSet(memUsage, memStat), startTime: Math.floor(createdAt / 1000), at: Date.now() };
  } catch {
    return undefined;
  }
}

/** The machine's busy CPU and the root memory cgroup's working set (what the kubelet reports for a node). */
async function nodeSample(): Promise<NodeSample> {
  const [stat, memUsage, memStat] = await Promise.all([read('/proc/stat'), read(`${CGROUP}/memory/memory.usage_in_bytes`), read(`${CGROUP}/memory/memory.stat`)]);
  return { cpuSeconds: procStatBusySeconds(stat), workingSetBytes: cgroupWorkingSet(memUsage, memStat), at: Date.now() };
}
