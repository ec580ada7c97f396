// What the control-plane benchmarks share: components in child processes of their own (so
// their RSS and CPU can be read from /proc and the load generator's work is not counted), the
// substrates and the apiserver started in a temp dir, and cleanup in reverse order even on ^C.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { EventLog } from '@keelson/eventlog';
import { freePort, startNats, startPostgres, type RunningSubstrate } from '@keelson/local';
import { ApiClient } from './http';

export const ROOT = resolve(__dirname, '../..');

export interface ScratchSubstrate { root: string; nats: RunningSubstrate; pg: RunningSubstrate }

/**
 * nats-server and Postgres in a scratch directory for the span of `fn` — started from copies of
 * `seed`'s nats/ and pg/ when given (a directory kept by `bench:api -- --keep`) — then stopped
 * and removed, also when `fn` or a start fails.
 */
export async function withScratchSubstrate<T>(prefix: string, fn: (s: ScratchSubstrate) => Promise<T>, seed?: string): Promise<T> {
  const root = mkdtempSync(join(tmpdir(), prefix));
  chmodSync(root, 0o711); // Postgres runs as another user when we are root
  const stops: (() => Promise<void>)[] = [];
  try {
    if (seed) execFileSync('cp', ['-a', join(seed, 'nats'), join(seed, 'pg'), root]); // owners kept: Postgres' files are its user's
    const nats = await startNats({ dataDir: join(root, 'nats'), port: await freePort() });
    stops.push(() => nats.stop());
    const pg = await startPostgres({ dataDir: join(root, 'pg'), port: await freePort(), log: () => undefined });
    stops.push(() => pg.stop());
    return await fn({ root, nats, pg });
  } finally {
    for (const stop of stops.reverse()) await stop();
    rmSync(root, { recursive: true, force: true });
  }
}
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** `promise`, or `undefined` after `ms`: the timer is cleared either way, so it cannot keep the process alive (a bare 600 s sleep in the race kept it alive 10 min after the table). */
export async function within<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([promise, new Promise<undefined>((r) => (timer = setTimeout(() => r(undefined), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}
export const step = (what: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${what}`);

const cleanups: [string, () => Promise<unknown>][] = [];
/** Registers something to stop at the end, stopped last-first. */
export const onCleanup = (what: string, stop: () => Promise<unknown>) => cleanups.push([what, stop]);
export async function cleanup(): Promise<void> {
  while (cleanups.length) {
    const [what, stop] = cleanups.pop()!;
    await stop().catch((e) => console.error(`stopping ${what}:`, (e as Error).message));
  }
}
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => void cleanup().finally(() => process.exit(130)));

export interface Child { pid: number; proc: ChildProcess; stop(): Promise<void> }

/**
 * `setpriv --pdeathsig` makes the kernel stop the child should the benchmark die without cleaning
 * up. A `.ts` main runs under @swc-node/register; a `.js` one (an app's boot.js) loads itself.
 */
export function startChild(main: string, env: Record<string, string>, logFile: string, nodeFlags: string[] = []): Child {
  const register = main.endsWith('.ts') ? ['-r', '@swc-node/register'] : [];
  const args = ['--pdeathsig', 'TERM', '--', process.execPath, ...nodeFlags, ...register, main];
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

export const readLog = (f: string) => {
  try {
    return readFileSync(f, 'utf8');
  } catch {
    return '';
  }
};

/** Waits for `text` in a child's log (e.g. that it leads). */
export async function waitForLog(child: Child, logFile: string, text: string, what: string): Promise<void> {
  for (let t = Date.now(); !readLog(logFile).includes(text); await sleep(200)) {
    if (Date.now() - t > 120_000 || child.proc.exitCode !== null) throw new Error(`${what} did not start; see ${logFile}`);
  }
}

export const memoryMb = (pid: number) => {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (f: string) => Number(new RegExp(`^${f}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) / 1024;
  return { rss: kb('VmRSS'), peak: kb('VmHWM') };
};

/** utime + stime from /proc/<pid>/stat (fields 14 and 15; ticks are 1/100 s on Linux). */
export const cpuSeconds = (pid: number) => {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '').split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
};

export interface ApiPlane { root: string; nats: RunningSubstrate; client: ApiClient; log: EventLog; api: Child }

/** nats-server and Postgres in a temp dir, and the apiserver child (internal NATS API on) ready to serve. */
export async function startApiPlane(name: string, clients: number, keep = false): Promise<ApiPlane> {
  const root = mkdtempSync(join(tmpdir(), `keelson-bench-${name}-`));
  chmodSync(root, 0o711);
  onCleanup('temp dir', async () => (keep ? console.log(`kept ${root}`) : rmSync(root, { recursive: true, force: true })));
  step('starting nats-server and Postgres');
  const [nats, pg] = await Promise.all([
    freePort().then((port) => startNats({ dataDir: join(root, 'nats'), port })),
    freePort().then((port) => startPostgres({ dataDir: join(root, 'pg'), port, log: () => undefined })),
  ]);
  onCleanup('nats-server', () => nats.stop());
  onCleanup('postgres', () => pg.stop());
  step('starting the apiserver child (internal NATS API on)');
  const port = await freePort();
  const api = startChild('apps/apiserver/src/main.ts', { KEELSON_NATS_URL: nats.url, KEELSON_PG_URL: pg.url, KEELSON_API_HOST: '127.0.0.1', KEELSON_API_PORT: String(port), KEELSON_SECRET_KEY_FILE: join(root, 'secret.key'), KEELSON_INTERNAL_API: 'true' }, join(root, 'apiserver.log'));
  onCleanup('apiserver', () => api.stop());
  const client = new ApiClient(new URL(`http://127.0.0.1:${port}`), clients);
  onCleanup('http agent', async () => client.close());
  for (let t = Date.now(); ; await sleep(200)) {
    if (await client.send('GET', '/api/v1/namespaces/default').then((r) => r.status === 200, () => false)) break;
    if (Date.now() - t > 90_000) throw new Error(`apiserver not ready; see ${root}/apiserver.log`);
  }
  const log = await EventLog.connect({ servers: nats.url, name: `bench-${name}` });
  onCleanup('log connection', () => log.close());
  return { root, nats, client, log, api };
}
