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
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { EventLog, filterFor, type LogEntry } from '@keelson/eventlog';
import { freePort, startNats, startPostgres } from '@keelson/local';
import { ApiClient } from './http';
import { closedLoop, fmt, percentile } from './load';

const { values: flags } = parseArgs({
  options: { nodes: { type: 'string', default: '5000' }, pods: { type: 'string', default: '10000' }, clients: { type: 'string', default: '64' }, 'cpu-prof': { type: 'string' }, keep: { type: 'boolean', default: false } },
});
const NODES = Number(flags.nodes);
const PODS = Number(flags.pods);
const CLIENTS = Number(flags.clients);
const ROOT = resolve(__dirname, '../..');
const ZONES = 10;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const step = (what: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${what}`);

const cleanups: [string, () => Promise<unknown>][] = [];
async function cleanup(): Promise<void> {
  while (cleanups.length) {
    const [what, stop] = cleanups.pop()!;
    await stop().catch((e) => console.error(`stopping ${what}:`, (e as Error).message));
  }
}
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => void cleanup().finally(() => process.exit(130)));

interface Child { pid: number; proc: ChildProcess; stop(): Promise<void> }

function startChild(main: string, env: Record<string, string>, logFile: string, nodeFlags: string[] = []): Child {
  const args = ['--pdeathsig', 'TERM', '--', process.execPath, ...nodeFlags, '-r', '@swc-node/register', main];
  const proc = spawn('/usr/bin/setpriv', args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const log = createWriteStream(logFile);
  proc.stdout!.pipe(log);
  proc.stderr!.pipe(log);
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  return {
    pid: proc.pid!,
    proc,
    stop: async () => {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      proc.kill('SIGTERM');
      const t = setTimeout(() => proc.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(t);
    },
  };
}

const readLog = (f: string) => {
  try {
    return readFileSync(f, 'utf8');
  } catch {
    return '';
  }
};
const memoryMb = (pid: number) => {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (f: string) => Number(new RegExp(`^${f}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) / 1024;
  return { rss: kb('VmRSS'), peak: kb('VmHWM') };
};
const cpuSeconds = (pid: number) => {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '').split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
};

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
  const root = mkdtempSync(join(tmpdir(), 'keelson-bench-sched-'));
  chmodSync(root, 0o711);
  cleanups.push(['temp dir', async () => (flags.keep ? console.log(`kept ${root}`) : rmSync(root, { recursive: true, force: true }))]);
  step('starting nats-server and Postgres');
  const [nats, pg] = await Promise.all([
    freePort().then((port) => startNats({ dataDir: join(root, 'nats'), port })),
    freePort().then((port) => startPostgres({ dataDir: join(root, 'pg'), port, log: () => undefined })),
  ]);
  cleanups.push(['nats-server', () => nats.stop()], ['postgres', () => pg.stop()]);
  step('starting the apiserver child (internal NATS API on)');
  const port = await freePort();
  const api = startChild('apps/apiserver/src/main.ts', { KEELSON_NATS_URL: nats.url, KEELSON_PG_URL: pg.url, KEELSON_API_HOST: '127.0.0.1', KEELSON_API_PORT: String(port), KEELSON_SECRET_KEY_FILE: join(root, 'secret.key'), KEELSON_INTERNAL_API: 'true' }, join(root, 'apiserver.log'));
  cleanups.push(['apiserver', () => api.stop()]);
  const client = new ApiClient(new URL(`http://127.0.0.1:${port}`), CLIENTS);
  cleanups.push(['http agent', async () => client.close()]);
  for (let t = Date.now(); ; await sleep(200)) {
    if (await client.send('GET', '/api/v1/namespaces/default').then((r) => r.status === 200, () => false)) break;
    if (Date.now() - t > 90_000) throw new Error(`apiserver not ready; see ${root}/apiserver.log`);
  }
  const log = await EventLog.connect({ servers: nats.url, name: 'bench-scheduler' });
  cleanups.push(['log connection', () => log.close()]);

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
  cleanups.push(['scheduler', () => sched.stop()]);
  for (let t = Date.now(); !readLog(join(root, 'scheduler.log')).includes('leading'); await sleep(200)) {
    if (Date.now() - t > 120_000 || sched.proc.exitCode !== null) throw new Error(`scheduler did not start; see ${root}/scheduler.log`);
  }
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
