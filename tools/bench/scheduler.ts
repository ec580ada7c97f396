// The scheduler benchmark, in the spirit of Kubernetes' scheduler_perf: 5,000 Node objects (no
// agents) and 10,000 pods per workload, created over HTTP through the real apiserver and log.
// Workloads: SchedulingBasic, node affinity + taints, and required pod anti-affinity.
//
//   npm run bench:scheduler -- [--nodes=5000] [--pods=10000] [--clients=64] [--mode=drain|concurrent]
//                              [--workloads=SchedulingBasic,PodAntiAffinity] [--cpu-prof=<dir>] [--keep]
//                              [--scheduler-node-flags='--max-semi-space-size=16'] [--one-scheduler]
//
// --mode=drain (default) measures the scheduler, as scheduler_perf's SchedulingThroughput does:
//   there the pods are created by a client far faster than the scheduler binds them, so the
//   scheduler is the limit. Here the apiserver's create rate is lower than the scheduler's, so
//   the pods are created while the benchmark holds the scheduler's lease (its informers queue
//   them; it does not schedule), then the lease is released and the scheduler drains the queue.
//   Throughput = pods / (first Bound → last Bound), plus the per-second samples' percentiles.
// Each workload runs as scheduler_perf runs it, against a fresh cluster of 5,000 nodes and no
//   pods: a fresh scheduler process per workload, and the workload's pods deleted once it is
//   measured. The scheduler's RSS is read after its sync (nodes only) and with the workload's
//   pods bound, with its peak (VmHWM). --one-scheduler keeps one process for all workloads (its
//   RSS then carries whatever the earlier workloads left in its heap).
// --mode=concurrent creates the pods while the scheduler runs and also reports per-pod latency
//   from creation to bind (the log entries' `time`, ms precision); its throughput is bounded by
//   the create rate.
// CPU: utime+stime of the scheduler and the apiserver (which also projects into Postgres) over the
// scheduling phase, per bound pod. --cpu-prof profiles both children over each scheduling phase
// (profile-hook.ts) and prints where their time went.
//
// nats-server and Postgres in a temp dir, the apiserver and the scheduler each in a child
// process (so their RSS and CPU can be read from /proc), all stopped at the end.
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, createWriteStream, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { EventLog, filterFor, type LogEntry } from '@keelson/eventlog';
import { LeaderElector } from '@keelson/informer';
import { freePort, startNats, startPostgres } from '@keelson/local';
import { ApiClient } from './http';
import { closedLoop, fmt, percentile } from './load';
import { printProfile, summarizeProfile } from './profile-summary';
import { sleep, step, within } from './processes';
import { benchNode, benchPod, WORKLOADS, ZONES, type Workload } from './scheduler-objects';


const { values: flags } = parseArgs({
  options: {
    nodes: { type: 'string', default: '5000' },
    pods: { type: 'string', default: '10000' },
    clients: { type: 'string', default: '64' },
    mode: { type: 'string', default: 'drain' },
    workloads: { type: 'string', default: WORKLOADS.join(',') },
    'cpu-prof': { type: 'string' },
    'scheduler-node-flags': { type: 'string' },
    keep: { type: 'boolean', default: false },
    'one-scheduler': { type: 'boolean', default: false },
  },
});
const NODES = Number(flags.nodes);
const PODS = Number(flags.pods);
const CLIENTS = Number(flags.clients);
const DRAIN = flags.mode !== 'concurrent';
const SELECTED = flags.workloads!.split(',').map((w) => w.trim()) as Workload[];
for (const w of SELECTED) if (!WORKLOADS.includes(w)) throw new Error(`unknown workload ${w}; one of ${WORKLOADS.join(', ')}`);
const ONE_SCHEDULER = flags['one-scheduler']!;
const PROFILE_DIR = flags['cpu-prof'] ? resolve(flags['cpu-prof']) : undefined;
const ROOT = resolve(__dirname, '../..');
/** what the scheduler child runs with: see docs/benchmarks.md for what each buys */
const SCHEDULER_NODE_FLAGS = (flags['scheduler-node-flags'] ?? '').split(' ').filter(Boolean);
const LEASE = { name: 'kube-scheduler', leaseMs: 5000, renewMs: 1000 };

const cleanups: [string, () => Promise<unknown>][] = [];
async function cleanup(): Promise<void> {
  while (cleanups.length) {
    const [what, stop] = cleanups.pop()!;
    const started = Date.now();
    await stop().catch((e) => console.error(`stopping ${what}:`, (e as Error).message));
    if (Date.now() - started > 5_000) step(`stopping ${what} took ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
}
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => void cleanup().finally(() => process.exit(130)));

interface Child {
  pid: number;
  proc: ChildProcess;
  cpuSeconds(): number;
  /** profile-hook.ts: start the sampling profiler; `stopProfile` writes it to `file` */
  startProfile(): void;
  stopProfile(file: string): Promise<void>;
  stop(): Promise<void>;
}

/**
 * `main` is run with `-r @swc-node/register`, or as it is when it is a compile-once boot.js —
 * except when profiling, which needs swc-node's source maps to name TypeScript lines.
 */
function startChild(main: string, env: Record<string, string>, logFile: string, profileFile?: string, nodeFlags: string[] = []): Child {
  const hook = profileFile ? ['--enable-source-maps', '-r', join(__dirname, 'profile-hook.ts')] : [];
  const script = profileFile ? main.replace(/boot\.js$/, 'main.ts') : main;
  const register = script.endsWith('.ts') ? ['-r', '@swc-node/register'] : [];
  const args = ['--pdeathsig', 'TERM', '--', process.execPath, ...nodeFlags, ...register, ...hook, script];
  const childEnv = { ...process.env, ...env, ...(profileFile ? { KEELSON_BENCH_PROFILE: profileFile } : {}) };
  const proc = spawn('/usr/bin/setpriv', args, { cwd: ROOT, env: childEnv, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
  const log = createWriteStream(logFile);
  proc.stdout!.pipe(log);
  proc.stderr!.pipe(log);
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  const pid = proc.pid!;
  return {
    pid,
    proc,
    cpuSeconds: () => cpuSeconds(pid),
    startProfile: () => void (profileFile && proc.send('profile-start')),
    stopProfile: (file) =>
      new Promise<void>((done, fail) => {
        if (!profileFile) return done();
        const t = setTimeout(() => fail(new Error(`${main} did not write its CPU profile within 60 s`)), 60_000);
        proc.once('message', () => {
          clearTimeout(t);
          renameSync(profileFile, file);
          done();
        });
        proc.send('profile-stop');
      }),
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
function cpuSeconds(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '').split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
}

/** The benchmark's hold on the scheduler's lease: while held, the scheduler queues pods but does not schedule. */
class LeaseHold {
  private elector?: LeaderElector;
  constructor(private readonly log: EventLog) {}

  /** Takes the lease, from the scheduler too: its next renewal then fails and it stops leading. */
  async take(): Promise<void> {
    const kv = await this.log.nc.jetstream().views.kv('keelson-leases', { ttl: LEASE.leaseMs, history: 1 });
    await kv.delete(LEASE.name).catch(() => undefined);
    let held = false;
    this.elector = new LeaderElector(this.log.nc, { ...LEASE, identity: 'bench-hold' }, { onStartedLeading: () => (held = true), onStoppedLeading: () => undefined });
    await this.elector.start();
    if (!held) throw new Error('the benchmark could not take the scheduler lease');
    await sleep(LEASE.renewMs * 2); // the scheduler's renewal fails within one period
  }

  async release(): Promise<void> {
    await this.elector?.stop();
    this.elector = undefined;
  }
}

/** Waits until the child's CPU use stays under 5 % for a second: its informers have caught up. */
async function settled(child: Child, maxMs = 120_000): Promise<void> {
  const t0 = Date.now();
  for (let before = child.cpuSeconds(); Date.now() - t0 < maxMs; ) {
    await sleep(1000);
    const now = child.cpuSeconds();
    if (now - before < 0.05) return;
    before = now;
  }
}

interface RunResult {
  workload: Workload;
  bound: number;
  seconds: number;
  perSecond: { p50: number; p90: number; p99: number };
  createSeconds: number;
  createApiCpu: number;
  p50?: number;
  p99?: number;
  schedCpu: number;
  apiCpu: number;
  load: number;
  /** the scheduler's RSS after its sync (nodes only) and with the workload's pods bound, and its peak (VmHWM), MB */
  memory?: { synced: number; rss: number; peak: number };
}

/** scheduler_perf's throughput samples: pods bound in each whole second from the first bind. */
function perSecondRates(boundTimes: number[]): number[] {
  const first = Math.min(...boundTimes);
  const seconds = Math.floor((Math.max(...boundTimes) - first) / 1000);
  const counts = new Array<number>(Math.max(seconds, 0)).fill(0);
  for (const t of boundTimes) {
    const s = Math.floor((t - first) / 1000);
    if (s < seconds) counts[s]++;
  }
  return counts;
}

interface Procs {
  api: Child;
  sched: Child;
  hold: LeaseHold;
}

/** Creates the pods in `ns` and follows the log until every one is Bound. */
async function run(client: ApiClient, log: EventLog, procs: Procs, workload: Workload): Promise<RunResult> {
  const { api, sched, hold } = procs;
  const ns = workload.toLowerCase();
  await client.ok('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  const created = new Map<string, number>();
  const bound = new Map<string, number>();
  const ac = new AbortController();
  const { last } = await log.bounds();
  let allBound!: () => void;
  const done = new Promise<void>((r) => (allBound = r));
  // A create that timed out may still have been appended: done when every pod the log shows created is bound.
  let createsFinished = false;
  const checkDone = () => createsFinished && bound.size >= created.size && allBound();
  const onEntry = (e: LogEntry) => {
    const name = e.object.metadata.name!;
    if (e.type === 'Created') created.set(name, Date.parse(e.time));
    else if (e.type === 'Bound' && !bound.has(name)) {
      bound.set(name, Date.parse(e.time));
      checkDone();
    }
  };
  const following = log.follow(filterFor('', 'pods', ns, log.prefix), last + 1, onEntry, ac.signal).catch(() => undefined);
  if (DRAIN) await hold.take();
  const createCpu0 = api.cpuSeconds();
  const createPhase = closedLoop(PODS, CLIENTS, 900, (i) => client.ok('POST', `/api/v1/namespaces/${ns}/pods`, benchPod(workload, `pod-${i}`, i)).then(() => undefined));
  let creates = DRAIN ? await createPhase : undefined;
  const createApiCpu = api.cpuSeconds() - createCpu0;
  if (DRAIN) {
    await Promise.all([settled(sched), settled(api)]);
    step(`  ${PODS} pods created in ${fmt(creates!.seconds, 1)} s; releasing the lease`);
  }
  const load = loadavg()[0];
  sched.startProfile();
  api.startProfile();
  const [sched0, api0] = [sched.cpuSeconds(), api.cpuSeconds()];
  if (DRAIN) await hold.release();
  creates ??= await createPhase;
  if (creates.errors) console.error(`  ${creates.errors} creates failed: ${creates.firstError}`);
  await sleep(1000); // the last Created entries reach the follower
  createsFinished = true;
  checkDone();
  await within(done, 600_000);
  const [schedCpu, apiCpu] = [sched.cpuSeconds() - sched0, api.cpuSeconds() - api0];
  if (PROFILE_DIR) {
    await Promise.all([sched.stopProfile(join(PROFILE_DIR, `${workload}-scheduler.cpuprofile`)), api.stopProfile(join(PROFILE_DIR, `${workload}-apiserver.cpuprofile`))]);
  }
  ac.abort();
  await following;
  const boundTimes = [...bound.values()];
  const rates = perSecondRates(boundTimes);
  const latencies = [...bound].map(([name, t]) => t - (created.get(name) ?? t));
  const first = DRAIN ? Math.min(...boundTimes) : Math.min(...created.values());
  return {
    workload,
    bound: bound.size,
    seconds: (Math.max(...boundTimes) - first) / 1000,
    perSecond: { p50: percentile(rates, 50), p90: percentile(rates, 90), p99: percentile(rates, 99) },
    createSeconds: creates.seconds,
    createApiCpu: DRAIN ? createApiCpu : NaN,
    ...(DRAIN ? {} : { p50: percentile(latencies, 50), p99: percentile(latencies, 99) }),
    schedCpu,
    apiCpu,
    load,
  };
}

function report(results: RunResult[]): void {
  const how = DRAIN ? 'created first while the benchmark held the lease, then drained' : 'created while the scheduler runs';
  const fresh = ONE_SCHEDULER ? 'one scheduler process for all workloads' : 'a fresh scheduler per workload, the previous workload\'s pods deleted';
  console.log(`\nScheduler: ${NODES} nodes, ${PODS} pods per workload (${how}; ${fresh}; ${CLIENTS} HTTP clients)`);
  console.log('| workload | bound | scheduled pods/s | per-second p50 / p90 / p99 | p50 / p99 create→bind ms | create s | apiserver CPU ms/create | scheduler CPU ms/pod | apiserver CPU ms/pod | scheduler RSS MB synced / bound / peak | load avg |');
  console.log('|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|');
  for (const r of results) {
    const ms = (cpu: number) => fmt((cpu * 1000) / r.bound, 2);
    const latency = r.p50 === undefined ? 'n/a (drain)' : `${fmt(r.p50, 0)} / ${fmt(r.p99!, 0)}`;
    const perSecond = `${fmt(r.perSecond.p50, 0)} / ${fmt(r.perSecond.p90, 0)} / ${fmt(r.perSecond.p99, 0)}`;
    const m = r.memory!;
    const rss = `${fmt(m.synced, 0)} / ${fmt(m.rss, 0)} / ${fmt(m.peak, 0)}`;
    console.log(`| ${r.workload} | ${r.bound} | ${fmt(r.bound / r.seconds, 0)} | ${perSecond} | ${latency} | ${fmt(r.createSeconds, 1)} | ${fmt((r.createApiCpu * 1000) / PODS, 2)} | ${ms(r.schedCpu)} | ${ms(r.apiCpu)} | ${rss} | ${fmt(r.load, 1)} |`);
  }
  const peak = Math.max(...results.map((r) => r.memory!.peak));
  const bound = ONE_SCHEDULER ? `${PODS * results.length} pods bound by the end` : `${PODS} pods bound, each workload in a fresh scheduler`;
  console.log(`scheduler RSS with ${NODES} nodes and ${bound}: at most ${fmt(Math.max(...results.map((r) => r.memory!.rss)), 0)} MB at a workload's end, peak ${fmt(peak, 0)} MB`);
  if (!PROFILE_DIR) return;
  for (const r of results) {
    for (const who of ['scheduler', 'apiserver']) printProfile(summarizeProfile(join(PROFILE_DIR, `${r.workload}-${who}.cpuprofile`), 20), `the ${who} while scheduling ${r.workload}`);
  }
}

async function main(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'keelson-bench-sched-'));
  chmodSync(root, 0o711);
  cleanups.push(['temp dir', async () => (flags.keep ? console.log(`kept ${root}`) : rmSync(root, { recursive: true, force: true }))]);
  if (PROFILE_DIR) mkdirSync(PROFILE_DIR, { recursive: true });
  step('starting nats-server and Postgres');
  const [nats, pg] = await Promise.all([
    freePort().then((port) => startNats({ dataDir: join(root, 'nats'), port })),
    freePort().then((port) => startPostgres({ dataDir: join(root, 'pg'), port, log: () => undefined })),
  ]);
  cleanups.push(['nats-server', () => nats.stop()], ['postgres', () => pg.stop()]);
  step('starting the apiserver child (internal NATS API on)');
  const port = await freePort();
  const apiEnv = { KEELSON_NATS_URL: nats.url, KEELSON_PG_URL: pg.url, KEELSON_API_HOST: '127.0.0.1', KEELSON_API_PORT: String(port), KEELSON_SECRET_KEY_FILE: join(root, 'secret.key'), KEELSON_INTERNAL_API: 'true' };
  const api = startChild('apps/apiserver/src/main.ts', apiEnv, join(root, 'apiserver.log'), PROFILE_DIR && join(root, 'apiserver.cpuprofile'));
  cleanups.push(['apiserver', () => api.stop()]);
  const client = new ApiClient(new URL(`http://127.0.0.1:${port}`), CLIENTS);
  cleanups.push(['http agent', async () => client.close()]);
  for (let t = Date.now(); ; await sleep(200)) {
    if (await client.send('GET', '/api/v1/namespaces/default').then((r) => r.status === 200, () => false)) break;
    if (Date.now() - t > 90_000) throw new Error(`apiserver not ready; see ${root}/apiserver.log`);
  }
  const log = await EventLog.connect({ servers: nats.url, name: 'bench-scheduler' });
  cleanups.push(['log connection', () => log.close()]);
  const hold = new LeaseHold(log);
  cleanups.push(['lease hold', () => hold.release()]);

  step(`creating ${NODES} nodes (1 in 5 tainted dedicated=special:NoSchedule, ${ZONES} zones)`);
  const nodes = await closedLoop(NODES, CLIENTS, 900, async (i) => {
    const n = benchNode(i);
    // the bench client speaks application/json only, so the status goes in with a PUT of the whole object
    const created = await client.ok('POST', '/api/v1/nodes', n.object);
    await client.ok('PUT', `/api/v1/nodes/${n.name}/status`, { ...created, status: n.status });
  });
  if (nodes.errors) throw new Error(`node creates failed: ${nodes.firstError}`);

  const schedulers = new Schedulers(root, nats.url);
  cleanups.push(['scheduler', () => schedulers.stop()]);
  const results: RunResult[] = [];
  for (const [i, w] of SELECTED.entries()) {
    const sched = ONE_SCHEDULER && i > 0 ? schedulers.current! : await schedulers.start(w);
    const synced = memoryMb(sched.pid);
    step(`${w}: ${PODS} pods`);
    const result = await run(client, log, { api, sched, hold }, w);
    results.push({ ...result, memory: { synced: synced.rss, ...memoryMb(sched.pid) } });
    if (i === SELECTED.length - 1) break;
    // the next workload starts on nodes without pods, as each scheduler_perf workload does
    if (!ONE_SCHEDULER) await schedulers.stop();
    await deletePods(client, w);
  }
  report(results);
}

/** The scheduler child of the current workload; `start` waits until it has synced and leads. */
class Schedulers {
  current?: Child;
  constructor(
    private readonly root: string,
    private readonly natsUrl: string,
  ) {}

  async start(workload: Workload): Promise<Child> {
    step(`starting a scheduler child for ${workload}`);
    const env = { KEELSON_NATS_URL: this.natsUrl, KEELSON_SCHEDULER_ID: 'bench', KEELSON_SCHEDULER_LEASE_MS: String(LEASE.leaseMs), KEELSON_SCHEDULER_RENEW_MS: String(LEASE.renewMs) };
    const logFile = join(this.root, `scheduler-${workload}.log`);
    const sched = (this.current = startChild('apps/scheduler/src/boot.js', env, logFile, PROFILE_DIR && join(this.root, 'scheduler.cpuprofile'), SCHEDULER_NODE_FLAGS));
    for (let t = Date.now(); !readLog(logFile).includes('leading'); await sleep(200)) {
      if (Date.now() - t > 120_000 || sched.proc.exitCode !== null) throw new Error(`scheduler did not start; see ${logFile}`);
    }
    await settled(sched);
    return sched;
  }

  async stop(): Promise<void> {
    await this.current?.stop();
    this.current = undefined;
  }
}

/** Deletes the workload's pods at once (grace 0: no node agent would confirm a graceful delete). */
async function deletePods(client: ApiClient, workload: Workload): Promise<void> {
  const ns = workload.toLowerCase();
  const deleted = await closedLoop(PODS, CLIENTS, 900, (i) => client.ok('DELETE', `/api/v1/namespaces/${ns}/pods/pod-${i}?gracePeriodSeconds=0`).then(() => undefined));
  step(`  deleted ${deleted.done} pods of ${workload} in ${fmt(deleted.seconds, 1)} s${deleted.errors ? ` (${deleted.errors} failed: ${deleted.firstError})` : ''}`);
}

main()
  .catch((e) => {
    console.error(e);
    process.exitCode = 1;
  })
  .finally(() => cleanup().then(() => process.exit()));
