// The node agent benchmark: pod startup latency on one node, create → Running and → Ready,
// for 1, 10 and 50 pods created at once, p50/p99, with the agent's own time per step (volumes,
// sandbox, CNI, app containers, status write), and the agent's RSS and CPU with 50 pods running.
//
//   npm run bench:node -- [--node=8] [--rounds=1,10,50] [--repeat=5] [--settle-seconds=30] [--json=<file>] [--keep] [--heap-snapshot]
//
// --heap-snapshot: with the largest round running (after RSS and CPU are read), the agent writes a
// V8 heap snapshot (--heapsnapshot-signal) into the bench's temp dir (use with --keep; open in DevTools).
//
// It starts its own nats-server and Postgres in a temp dir, the apiserver in this process (with
// the internal NATS API the agent writes through), and one agent as a child process in node
// namespace keelson-node-8, exactly as `npm start` runs agents. Pods are busybox `sleep` with an
// exec readiness probe, bound by spec.nodeName (no scheduler). Everything is removed at the end.
import 'reflect-metadata';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import Docker from 'dockerode';
import { apiServerConfig, startApiServer } from '@keelson/apiserver-app';
import { freePort, startNats, startPostgres } from '@keelson/local';
import { spawnNodeAgent, type AgentProcess } from '@keelson/node-agent';
import { ensureDocker, ensureImages, removeNodeNamespace, removeUnderlay } from '@keelson/runtime';

const STEPS = ['volumesMs', 'sandboxMs', 'cniMs', 'containersMs', 'statusMs'] as const;

const { values } = parseArgs({ options: { node: { type: 'string', default: '8' }, rounds: { type: 'string', default: '1,10,50' }, repeat: { type: 'string', default: '5' }, 'settle-seconds': { type: 'string', default: '30' }, json: { type: 'string' }, keep: { type: 'boolean', default: false }, 'heap-snapshot': { type: 'boolean', default: false } } });
const rounds = values.rounds!.split(',').map(Number);
const repeatSingle = Number(values.repeat);
// Node numbers are machine-global (namespace, address, kubelet port): another number lets two runs share a machine.
const NODE = Number(values.node);
const NODE_NAME = `keelson-node-${NODE}`;

const percentile = (xs: number[], p: number) => {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};
const ms = (x: number) => (Number.isNaN(x) ? '–' : `${Math.round(x)}`);
const sleep = (t: number) => new Promise((r) => setTimeout(r, t));

function podJson(name: string) {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels: { bench: 'node' } },
    spec: { nodeName: NODE_NAME, terminationGracePeriodSeconds: 0, containers: [{ name: 'c', image: 'busybox', command: ['sleep', '3600'], readinessProbe: { exec: { command: ['true'] }, periodSeconds: 5 } }] },
  };
}

/** Watches pods from now on and records when each is first Running and first Ready. */
async function watchPods(base: string) {
  const running = new Map<string, number>();
  const ready = new Map<string, number>();
  const gone = new Set<string>();
  const ac = new AbortController();
  const res = await fetch(`${base}/api/v1/namespaces/default/pods?watch=true&resourceVersion=0`, { signal: ac.signal });
  void (async () => {
    let buf = '';
    const decoder = new TextDecoder();
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        buf += decoder.decode(chunk, { stream: true });
        let nl: number;
        while ((nl = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, nl).trim();
          buf = buf.slice(nl + 1);
          if (!line) continue;
          const ev = JSON.parse(line);
          const name = ev.object?.metadata?.name;
          if (ev.type === 'DELETED') gone.add(name);
          const now = performance.now();
          if (ev.object?.status?.phase === 'Running' && !running.has(name)) running.set(name, now);
          if (ev.object?.status?.conditions?.some((c: any) => c.type === 'Ready' && c.status === 'True') && !ready.has(name)) ready.set(name, now);
        }
      }
    } catch {
      /* aborted */
    }
  })();
  return { running, ready, gone, close: () => ac.abort() };
}

function procStat(pid: number): { cpuSeconds: number; rssMb: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]); // utime + stime
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]);
  return { cpuSeconds: ticks / 100, rssMb: rssKb / 1024 };
}

/** Signals the agent and waits until its snapshot file stops growing (seconds on a loaded machine). */
async function heapSnapshot(pid: number, dir: string): Promise<string> {
  process.kill(pid, 'SIGUSR2');
  const deadline = Date.now() + 300_000;
  let last = -1;
  while (Date.now() < deadline) {
    await sleep(2_000);
    const file = readdirSync(dir).find((f) => f.endsWith('.heapsnapshot') && f.includes(`.${pid}.`));
    const size = file ? statSync(join(dir, file)).size : -1;
    if (file && size > 0 && size === last) return join(dir, file);
    last = size;
  }
  return '(none written within 300 s)';
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'keelson-bench-node-'));
  chmodSync(dir, 0o711);
  const stops: (() => Promise<unknown>)[] = [];
  const agentLog: string[] = [];
  const cleanup = async () => {
    for (const s of stops.reverse()) await s().catch((e) => console.error('cleanup:', (e as Error).message));
    if (!values.keep) rmSync(dir, { recursive: true, force: true });
  };
  process.once('SIGINT', () => void cleanup().then(() => process.exit(130)));
  try {
    const daemon = await ensureDocker({ logFile: join(dir, 'dockerd.log') });
    const docker = new Docker({ socketPath: daemon.socket });
    await ensureImages(docker, ['busybox', 'registry.k8s.io/pause:3.9']);
    const nats = await startNats({ dataDir: join(dir, 'nats'), port: await freePort() });
    stops.push(() => nats.stop());
    const pg = await startPostgres({ dataDir: join(dir, 'postgres'), port: await freePort() });
    stops.push(() => pg.stop());
    const api = await startApiServer(apiServerConfig({ natsUrl: nats.url, pgUrl: pg.url, port: await freePort(), secretKeyFile: join(dir, 'key'), internalApi: true }, {}));
    stops.push(() => api.close());
    stops.push(async () => {
      for (const c of await docker.listContainers({ all: true, filters: { label: [`keelson.io/node=${NODE_NAME}`] } })) await docker.getContainer(c.Id).remove({ force: true });
      await removeNodeNamespace(NODE);
      await removeUnderlay();
    });
    const agentPort = await freePort();
    // The agent inherits NODE_OPTIONS: SIGUSR2 then makes it write a heap snapshot into `dir`.
    if (values['heap-snapshot']) process.env.NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ''} --heapsnapshot-signal=SIGUSR2 --diagnostic-dir=${dir}`.trim();
    const agent: AgentProcess = await spawnNodeAgent({ node: NODE, natsUrl: nats.url, stateDir: join(dir, 'node'), port: agentPort, extraArgs: ['--pod-cidr', `10.244.${NODE}.0/24`], log: (l) => agentLog.push(l) });
    stops.push(() => agent.stop());
    const idle = procStat(agent.process.pid!);
    console.log(`agent ready (pid ${agent.process.pid}, idle RSS ${idle.rssMb.toFixed(1)} MB); rounds ${rounds.join(', ')}; single-pod round repeated ${repeatSingle}×`);

    const watch = await watchPods(api.url);
    stops.push(async () => watch.close());
    const results: any[] = [];
    let podSeq = 0;
    for (const n of rounds) {
      for (let rep = 0; rep < (n === 1 ? repeatSingle : 1); rep++) {
        const names = Array.from({ length: n }, () => `bench-${n}-${podSeq++}`);
        const created = new Map<string, number>();
        await Promise.all(
          names.map(async (name) => {
            const t = performance.now();
            const res = await fetch(`${api.url}/api/v1/namespaces/default/pods`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(podJson(name)) });
            if (res.status !== 201) throw new Error(`create ${name}: ${res.status} ${await res.text()}`);
            created.set(name, t);
          }),
        );
        const deadline = Date.now() + 180_000;
        while (!names.every((x) => watch.ready.has(x)) && Date.now() < deadline) await sleep(50);
        const toRunning = names.filter((x) => watch.running.has(x)).map((x) => watch.running.get(x)! - created.get(x)!);
        const toReady = names.filter((x) => watch.ready.has(x)).map((x) => watch.ready.get(x)! - created.get(x)!);
        const timings = ((await (await fetch(`http://127.0.0.1:${agent.port}/debug/timings`)).json()) as { timings: any[] }).timings.filter((t) => names.includes(t.pod.split('/')[1]));
        const steps = Object.fromEntries(STEPS.map((s) => [s, { p50: percentile(timings.map((t) => t[s] ?? 0), 50), p99: percentile(timings.map((t) => t[s] ?? 0), 99) }]));
        const r = { pods: n, rep, done: toReady.length, running: { p50: percentile(toRunning, 50), p99: percentile(toRunning, 99), max: Math.max(...toRunning) }, ready: { p50: percentile(toReady, 50), p99: percentile(toReady, 99) }, steps, toRunning };
        results.push(r);
        console.log(`${n} pod(s)${n === 1 ? ` #${rep + 1}` : ''}: →Running p50 ${ms(r.running.p50)} ms p99 ${ms(r.running.p99)} ms; →Ready p50 ${ms(r.ready.p50)} ms p99 ${ms(r.ready.p99)} ms; steps p50 ${STEPS.map((s) => `${s.replace('Ms', '')} ${ms(steps[s].p50)}`).join(', ')}`);
        if (n === Math.max(...rounds)) {
          // Steady state with the most pods running: RSS and CPU over a quiet window.
          await sleep(5_000);
          const a = procStat(agent.process.pid!);
          const t0 = performance.now();
          await sleep(Number(values['settle-seconds']) * 1000);
          const b = procStat(agent.process.pid!);
          const cpuPercent = ((b.cpuSeconds - a.cpuSeconds) / ((performance.now() - t0) / 1000)) * 100;
          const memory = ((await (await fetch(`http://127.0.0.1:${agent.port}/debug/timings`)).json()) as { memory: NodeJS.MemoryUsage }).memory;
          const mb = (x: number) => (x / 1048576).toFixed(1);
          Object.assign(r, { agentRssMb: b.rssMb, agentCpuPercent: cpuPercent, agentMemory: memory });
          console.log(`with ${n} pods running: agent RSS ${b.rssMb.toFixed(1)} MB, CPU ${cpuPercent.toFixed(1)} % of one core over ${values['settle-seconds']} s`);
          console.log(`  agent V8: heap used ${mb(memory.heapUsed)} MB of ${mb(memory.heapTotal)} MB, external ${mb(memory.external)} MB (array buffers ${mb(memory.arrayBuffers)} MB)`);
          if (values['heap-snapshot']) console.log(`  heap snapshot: ${await heapSnapshot(agent.process.pid!, dir)}`);
        }
        await Promise.all(names.map((name) => fetch(`${api.url}/api/v1/namespaces/default/pods/${name}`, { method: 'DELETE' })));
        const gone = Date.now() + 120_000;
        while (!names.every((x) => watch.gone.has(x)) && Date.now() < gone) await sleep(100);
      }
    }
    const single = results.filter((r) => r.pods === 1).flatMap((r) => r.toRunning);
    console.log(`\nsingle pod over ${single.length} runs: →Running p50 ${ms(percentile(single, 50))} ms, p99 ${ms(percentile(single, 99))} ms (target ≤ 2000 ms)`);
    if (values.json) writeFileSync(values.json, JSON.stringify({ results, idleRssMb: idle.rssMb }, null, 2));
  } catch (e) {
    console.error(`agent log (last 40 lines):\n${agentLog.slice(-40).join('\n')}`);
    throw e;
  } finally {
    await cleanup();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
