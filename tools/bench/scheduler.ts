// The scheduler benchmark, in the spirit of Kubernetes' scheduler_perf: 5,000 Node objects (no
// agents) and 10,000 pods per workload, created over HTTP through the real apiserver and log,
// with the scheduler binding them as they arrive. Workloads: SchedulingBasic, node affinity +
// taints, and required pod anti-affinity. Per-pod latency is creation → bind, both read from
// the log entries' `time` (ms precision); throughput is pods / (first Created → last Bound).
//
//   npm run bench:scheduler -- [--nodes=5000] [--pods=10000] [--clients=64] [--cpu-prof=<dir>] [--keep]
//
// nats-server and Postgres in a temp dir, the apiserver and the scheduler each in a child
// process (so the scheduler's RSS and CPU can be read from /proc), all stopped at the end.
import { join, resolve } from 'node:path';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { filterFor, type EventLog, type LogEntry } from '@keelson/eventlog';
import type { ApiClient } from './http';
import { closedLoop, fmt, percentile } from './load';
import { cleanup, cpuSeconds, memoryMb, onCleanup, sleep, startApiPlane, startChild, step, waitForLog, type Child } from './processes';

const { values: flags } = parseArgs({
  options: { nodes: { type: 'string', default: '5000' }, pods: { type: 'string', default: '10000' }, clients: { type: 'string', default: '64' }, 'cpu-prof': { type: 'string' }, keep: { type: 'boolean', default: false } },
});
const NODES = Number(flags.nodes);
const PODS = Number(flags.pods);
const CLIENTS = Number(flags.clients);
const ZONES = 10;

function benchNode(i: number) {
  const name = `node-${i}`;
  const tainted = i % 5 === 0; // 1 node in 5 is dedicated
  const resources = { cpu: '32', memory: '128Gi', pods: '110' };
  return {
    name,
    object: { apiVersion: 'v1', kind: 'Node', metadata: { name, labels: { 'kubernetes.io/hostname': name, 'topology.kubernetes.io/zone': `zone-${i % ZONES}` } }, spec: tainted ? { taints: [{ key: 'dedicated', value: 'special', effect: 'NoSchedule' }] } : {} },
    status: { capacity: resources, allocatable: resources, conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady' }] },
  };
}

type Workload = 'SchedulingBasic' | 'NodeAffinityAndTaints' | 'PodAntiAffinity';

function benchPod(workload: Workload, name: string, i: number) {
  const spec: Record<string, unknown> = { containers: [{ name: 'app', image: 'registry.example.com/app:1', resources: { requests: { cpu: '100m', memory: '128Mi' } } }] };
  const labels: Record<string, string> = { app: 'bench' };
  if (workload === 'NodeAffinityAndTaints') {
    const zones = [`zone-${i % ZONES}`, `zone-${(i + 1) % ZONES}`];
    spec.affinity = { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'topology.kubernetes.io/zone', operator: 'In', values: zones }] }] } } };
    if (i % 2 === 0) spec.tolerations = [{ key: 'dedicated', operator: 'Equal', value: 'special', effect: 'NoSchedule' }];
  }
  if (workload === 'PodAntiAffinity') {
    // groups of PODS/10 pods, each pod refusing a node that runs one of its group
    labels.group = `g${i % 10}`;
    spec.affinity = { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { group: labels.group } }, topologyKey: 'kubernetes.io/hostname' }] } };
    spec.tolerations = [{ key: 'dedicated', operator: 'Exists', effect: 'NoSchedule' }];
  }
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, labels }, spec };
}

interface RunResult { workload: Workload; bound: number; seconds: number; createSeconds: number; p50: number; p99: number; schedCpu: number; load: number }

/** Creates the pods in `ns` and follows the log until every one is Bound. */
async function run(client: ApiClient, log: EventLog, sched: Child, workload: Workload): Promise<RunResult> {
  const ns = workload.toLowerCase();
  await client.ok('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  const created = new Map<string, number>();
  const bound = new Map<string, number>();
  const ac = new AbortController();
  const { last } = await log.bounds();
  let allBound!: () => void;
  const done = new Promise<void>((r) => (allBound = r));
  const onEntry = (e: LogEntry) => {
    const name = e.object.metadata.name!;
    if (e.type === 'Created') created.set(name, Date.parse(e.time));
    else if (e.type === 'Bound' && !bound.has(name)) {
      bound.set(name, Date.parse(e.time));
      if (bound.size === PODS) allBound();
    }
  };
  const following = log.follow(filterFor('', 'pods', ns, log.prefix), last + 1, onEntry, ac.signal).catch(() => undefined);
  const cpu0 = cpuSeconds(sched.pid);
  const load = loadavg()[0];
  const creates = await closedLoop(PODS, CLIENTS, 600, (i) => client.ok('POST', `/api/v1/namespaces/${ns}/pods`, benchPod(workload, `pod-${i}`, i)).then(() => undefined));
  if (creates.errors) console.error(`  ${creates.errors} creates failed: ${creates.firstError}`);
  await Promise.race([done, sleep(300_000)]);
  const schedCpu = cpuSeconds(sched.pid) - cpu0;
  ac.abort();
  await following;
  const latencies = [...bound].map(([name, t]) => t - (created.get(name) ?? t));
  const first = Math.min(...created.values());
  const lastBound = Math.max(...bound.values());
  return { workload, bound: bound.size, seconds: (lastBound - first) / 1000, createSeconds: creates.seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99), schedCpu, load };
}

async function main(): Promise<void> {
  const { root, client, log, nats } = await startApiPlane('sched', CLIENTS, flags.keep);

  step(`creating ${NODES} nodes (1 in 5 tainted dedicated=special:NoSchedule, ${ZONES} zones)`);
  const nodes = await closedLoop(NODES, CLIENTS, 900, async (i) => {
    const n = benchNode(i);
    // the bench client speaks application/json only, so the status goes in with a PUT of the whole object
    const created = await client.ok('POST', '/api/v1/nodes', n.object);
    await client.ok('PUT', `/api/v1/nodes/${n.name}/status`, { ...created, status: n.status });
  });
  if (nodes.errors) throw new Error(`node creates failed: ${nodes.firstError}`);

  step('starting the scheduler child');
  const prof = flags['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${resolve(flags['cpu-prof'])}`] : [];
  const sched = startChild('apps/scheduler/src/main.ts', { KEELSON_NATS_URL: nats.url, KEELSON_SCHEDULER_ID: 'bench', KEELSON_SCHEDULER_LEASE_MS: '5000', KEELSON_SCHEDULER_RENEW_MS: '1000' }, join(root, 'scheduler.log'), prof);
  onCleanup('scheduler', () => sched.stop());
  await waitForLog(sched, join(root, 'scheduler.log'), 'leading', 'scheduler');
  const idle = memoryMb(sched.pid);

  const results: RunResult[] = [];
  for (const w of ['SchedulingBasic', 'NodeAffinityAndTaints', 'PodAntiAffinity'] as const) {
    step(`${w}: ${PODS} pods`);
    results.push(await run(client, log, sched, w));
  }
  const mem = memoryMb(sched.pid);

  console.log(`\nScheduler: ${NODES} nodes, ${PODS} pods per workload (created by ${CLIENTS} HTTP clients while the scheduler runs)`);
  console.log('| workload | bound | scheduled pods/s (first create → last bind) | create phase s | p50 create→bind ms | p99 create→bind ms | scheduler CPU s | scheduler CPU ms/pod | load avg |');
  console.log('|---|--:|--:|--:|--:|--:|--:|--:|--:|');
  for (const r of results) {
    console.log(`| ${r.workload} | ${r.bound} | ${fmt(r.bound / r.seconds, 0)} | ${fmt(r.createSeconds, 1)} | ${fmt(r.p50, 0)} | ${fmt(r.p99, 0)} | ${fmt(r.schedCpu, 1)} | ${fmt((r.schedCpu * 1000) / r.bound, 2)} | ${fmt(r.load, 1)} |`);
  }
  console.log(`scheduler RSS: ${fmt(idle.rss, 0)} MB after sync (${NODES} nodes), ${fmt(mem.rss, 0)} MB at the end (${PODS * 3} pods bound), peak ${fmt(mem.peak, 0)} MB`);
}

main()
  .catch((e) => {
    console.error(e);
    process.exitCode = 1;
  })
  .finally(() => cleanup());
