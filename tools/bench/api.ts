// The API benchmark: how fast Keelson's apiserver creates, reads, lists and watches pods, how
// fast the log replays, and what the apiserver costs over raw JetStream appends.
//
//   npm run bench:api -- [flags]
//   node -r @swc-node/register tools/bench/api.ts [flags]
//
// Flags:
//   --scale=<f>         multiply every operation count (default 1; 0.1 for a smoke run)
//   --phase-seconds=<s> time budget of each phase; a phase cut short says how far it got (default 90)
//   --watchers=<n>      concurrent watchers (default 100)
//   --watch-events=<n>  creates observed by every watcher (default 300)
//   --cpu-prof=<file>   profile the apiserver child during the 64-client create phase, write
//                       the .cpuprofile there and print its self-time summary
//   --json=<file>       also write the results as JSON
//   --keep              keep the temp dir (substrate data, apiserver log) instead of removing it
//
// It starts its own nats-server and Postgres in a temp dir and the apiserver in a child
// process (apps/apiserver/src/main.ts), all on 127.0.0.1, and stops all of them at the end,
// on error and on Ctrl-C.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { EventLog } from '@keelson/eventlog';
import { freePort, startNats, startPostgres, usesHugePages } from '@keelson/local';
import { startApiServerChild } from './child';
import { ApiClient } from './http';
import type { PhaseResult } from './load';
import { appendRaw, createPods, getPods, listPods, replayAll, watchDelivery } from './phases';
import { printProfile, summarizeProfile } from './profile-summary';
import { printReport, type Report } from './report';

const { values: flags } = parseArgs({
  options: {
    scale: { type: 'string', default: '1' },
    'phase-seconds': { type: 'string', default: '90' },
    watchers: { type: 'string', default: '100' },
    'watch-events': { type: 'string', default: '300' },
    'cpu-prof': { type: 'string' },
    json: { type: 'string' },
    keep: { type: 'boolean', default: false },
  },
});
const scale = Number(flags.scale);
const n = (count: number) => Math.max(1, Math.round(count * scale));
const budget = Number(flags['phase-seconds']);
const CREATE_PHASES = [
  { clients: 1, count: n(2000) },
  { clients: 16, count: n(2000) },
  { clients: 64, count: n(5000) },
];
const SEED = n(1000); // pods stored before the create phases: the "1,000 stored" point
const SELECTOR = 'shard=3'; // matches 10 % (pods.ts)
// RSS right after the reads depends on whether V8 happened to collect their garbage yet; once
// requests stop, its memory reducer may shrink the heap. Both figures are printed, and the peak.
const SETTLE_SECONDS = 10;

const cleanups: [string, () => Promise<unknown>][] = [];
async function cleanup(): Promise<void> {
  while (cleanups.length) {
    const [what, stop] = cleanups.pop()!;
    const t0 = Date.now();
    await stop().catch((e) => console.error(`stopping ${what}:`, (e as Error).message));
    if (Date.now() - t0 > 2000) console.error(`stopping ${what} took ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  }
}
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.once(sig, () => {
    console.error(`\n${sig}: stopping everything`);
    void cleanup().finally(() => process.exit(130));
  });
}

const step = (what: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${what}`);

async function main(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'keelson-bench-'));
  chmodSync(root, 0o711); // Postgres runs as another user when we are root
  cleanups.push(['temp dir', async () => (flags.keep ? console.log(`kept ${root}`) : rmSync(root, { recursive: true, force: true }))]);

  step('starting nats-server and Postgres');
  const [nats, pg] = await Promise.all([
    freePort().then((port) => startNats({ dataDir: join(root, 'nats'), port })),
    freePort().then((port) => startPostgres({ dataDir: join(root, 'pg'), port, log: () => undefined })),
  ]);
  cleanups.push(['nats-server', () => nats.stop()], ['postgres', () => pg.stop()]);

  step(`Postgres' shared memory on huge pages: ${usesHugePages(pg.pid) ? 'yes' : 'no (4 KB pages: replay and reads cost Postgres more CPU)'}`);
  step('starting the apiserver child');
  const profileFile = flags['cpu-prof'] ? resolve(flags['cpu-prof']) : undefined;
  const api = await startApiServerChild({ root, natsUrl: nats.url, pgUrl: pg.url, profileFile });
  cleanups.push(['apiserver child', () => api.stop()]);
  const idleMemory = api.memory();
  const client = new ApiClient(api.url, 64);
  cleanups.push(['http agent', async () => client.close()]);
  const raw = await EventLog.connect({ servers: nats.url, stream: 'BENCHRAW', prefix: 'benchraw.obj', name: 'bench-raw' });
  cleanups.push(['raw JetStream connection', () => raw.close()]);

  const namespaces = ['bench-seed', ...CREATE_PHASES.map((c) => `bench-c${c.clients}`), 'bench-watch'];
  for (const ns of namespaces) await client.ok('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });

  const stored: [string, string][] = [];
  const remember = (ns: string, r: PhaseResult, total: number) => {
    if (r.errors) throw new Error(`creates in ${ns} failed ${r.errors} times: ${r.firstError}`);
    for (let i = 0; i < Math.min(total, r.done); i++) stored.push([ns, `pod-${i}`]);
  };

  step(`seeding ${SEED} pods (16 clients; also warms up the JIT)`);
  remember('bench-seed', await createPods(client, 'bench-seed', SEED, 16, budget), SEED);
  step('GET and LIST at the seeded size');
  const get1k = await getPods(client, stored, n(1000), budget);
  const list1k = await listPods(client, SELECTOR, Math.round(stored.length / 10), n(200), budget);
  const stored1k = stored.length;

  const creates: Report['creates'] = [];
  for (const { clients, count } of CREATE_PHASES) {
    const ns = `bench-c${clients}`;
    step(`creating ${count} pods with ${clients} client(s), then the same appends straight to JetStream`);
    const profiling = profileFile && clients === 64;
    const load = loadavg()[0];
    if (profiling) api.startProfile();
    api.startLoopStats();
    const cpu0 = api.cpuSeconds();
    const ownLoop = monitorEventLoopDelay({ resolution: 1 });
    ownLoop.enable();
    const viaApi = await createPods(client, ns, count, clients, budget);
    ownLoop.disable();
    const apiCpuSeconds = api.cpuSeconds() - cpu0;
    const loop = await api.stopLoopStats();
    // The clients' side of the latency: this process's own loop delays every response it reads.
    step(`load generator's own event-loop delay during those creates: p99 ${(ownLoop.percentile(99) / 1e6).toFixed(1)} ms, max ${(ownLoop.max / 1e6).toFixed(1)} ms`);
    if (profiling) await api.stopProfile();
    remember(ns, viaApi, count);
    const direct = await appendRaw(raw, ns, count, clients, budget);
    creates.push({ clients, count, api: viaApi, raw: direct, apiCpuSeconds, load, loop });
  }

  step(`GET and LIST with ${stored.length} pods stored`);
  const get10k = await getPods(client, stored, n(1000), budget);
  const list10k = await listPods(client, SELECTOR, Math.round(stored.length / 10), n(100), budget);
  const busyMemory = api.memory();
  step(`idle for ${SETTLE_SECONDS} s, then the apiserver's RSS as ps shows it`);
  await new Promise((r) => setTimeout(r, SETTLE_SECONDS * 1000));
  const memory = api.memory();
  const heap = await api.heap();

  step(`watch: ${flags.watchers} watchers, ${flags['watch-events']} creates`);
  const watch = await watchDelivery(client, 'bench-watch', Number(flags.watchers), Number(flags['watch-events']));
  await api.stop();

  step('replaying the whole log into a fresh schema');
  const replay = await replayAll(nats, pg);

  const report: Report = {
    storedSmall: stored1k,
    storedLarge: stored.length,
    creates,
    reads: [
      { what: 'GET one pod', stored: stored1k, items: 1, r: get1k },
      { what: `LIST ${SELECTOR}`, stored: stored1k, items: Math.round(stored1k / 10), r: list1k },
      { what: 'GET one pod', stored: stored.length, items: 1, r: get10k },
      { what: `LIST ${SELECTOR}`, stored: stored.length, items: Math.round(stored.length / 10), r: list10k },
    ],
    watch,
    replay,
    memory,
    heap,
    busyMemory,
    idleMemory,
  };
  printReport(report);
  if (flags.json) writeFileSync(flags.json, JSON.stringify(report, (k, v) => (k === 'latencies' || k === 'delays' ? undefined : v), 2));
  if (profileFile) printProfile(summarizeProfile(profileFile, 30));
}

main()
  .catch((e) => {
    console.error(e);
    process.exitCode = 1;
  })
  .finally(cleanup);
