// CPU per create of the whole write path under load: the apiserver child (HTTP, handler, log
// append, in-process projector), nats-server and Postgres, at one concurrency, over several
// rounds after a warm-up. The bench's create phase alone, repeated, so that a change to any
// part of the path can be judged by CPU time, which hardly depends on the machine's load.
//
//   node -r @swc-node/register tools/bench/create-load.ts [--clients=64] [--creates=3000] [--rounds=3] [--cpu-prof=<file>]
//
// --cpu-prof profiles the apiserver child during the last round (see profile-hook.ts).
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { freePort, startNats, startPostgres } from '@keelson/local';
import { startApiServerChild } from './child';
import { treeCpuSeconds } from './cpu';
import { ApiClient } from './http';
import { fmt, percentile, rate } from './load';
import { createPods } from './phases';
import { loopCells } from './loop-hook';
import { printProfile, summarizeProfile } from './profile-summary';

const { values: flags } = parseArgs({
  options: {
    clients: { type: 'string', default: '64' },
    creates: { type: 'string', default: '3000' },
    rounds: { type: 'string', default: '3' },
    'cpu-prof': { type: 'string' },
  },
});
const clients = Number(flags.clients);
const creates = Number(flags.creates);
const rounds = Number(flags.rounds);

async function main(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'keelson-create-load-'));
  chmodSync(root, 0o711); // Postgres runs as another user when we are root
  const stops: (() => Promise<unknown>)[] = [async () => rmSync(root, { recursive: true, force: true })];
  try {
    const [nats, pg] = await Promise.all([
      freePort().then((port) => startNats({ dataDir: join(root, 'nats'), port })),
      freePort().then((port) => startPostgres({ dataDir: join(root, 'pg'), port, log: () => undefined })),
    ]);
    stops.push(() => nats.stop(), () => pg.stop());
    const profileFile = flags['cpu-prof'] ? resolve(flags['cpu-prof']) : undefined;
    const api = await startApiServerChild({ root, natsUrl: nats.url, pgUrl: pg.url, profileFile });
    stops.push(() => api.stop());
    const client = new ApiClient(api.url, clients);
    stops.push(async () => client.close());

    const cpu = () => ({ api: api.cpuSeconds(), main: api.mainThreadCpuSeconds(), nats: treeCpuSeconds(nats.pid), pg: treeCpuSeconds(pg.pid), bench: ownCpuSeconds() });
    console.log(`| round | creates | creates/s | p50 ms | p99 ms | apiserver ms/create (main thread) | nats-server ms/create | Postgres ms/create | load generator ms/create | loop delay p99 / max ms | scavenges (ms, max) | other GC (ms, max) | load |`);
    console.log(`|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|`);
    for (let round = 0; round <= rounds; round++) {
      const ns = `load-${round}`;
      await client.ok('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
      const profiling = profileFile && round === rounds;
      if (profiling) api.startProfile();
      const load = loadavg()[0];
      api.startLoopStats();
      const c0 = cpu();
      const r = await createPods(client, ns, creates, clients, 300);
      const c1 = cpu();
      const loop = await api.stopLoopStats();
      if (profiling) await api.stopProfile();
      if (r.errors) throw new Error(`${r.errors} creates failed: ${r.firstError}`);
      const per = (s: number) => fmt((1000 * s) / r.done, 3);
      const label = round === 0 ? 'warm-up' : String(round);
      console.log(`| ${label} | ${r.done} | ${fmt(rate(r), 0)} | ${fmt(percentile(r.latencies, 50), 2)} | ${fmt(percentile(r.latencies, 99), 2)} | ${per(c1.api - c0.api)} (${per(c1.main - c0.main)}) | ${per(c1.nats - c0.nats)} | ${per(c1.pg - c0.pg)} | ${per(c1.bench - c0.bench)} | ${loopCells(loop)} | ${fmt(load, 1)} |`);
    }
    if (profileFile) printProfile(summarizeProfile(profileFile, 40));
  } finally {
    for (const stop of stops.reverse()) await stop().catch((e) => console.error((e as Error).message));
  }
}

/** This process's CPU (the HTTP clients): the load generator shares the machine's 2 cores with what it measures. */
function ownCpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
