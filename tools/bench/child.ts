import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '@keelson/local';
import type { HeapFigures, LoopStats } from './loop-hook';

// The apiserver under test, in a process of its own: the load generator's CPU time does not
// count against it, and its memory can be read from /proc. `setpriv --pdeathsig` makes the
// kernel stop it should the benchmark die without cleaning up.

export interface ApiServerChild {
  url: URL;
  pid: number;
  /** resident set size in MB (VmRSS), and its peak so far (VmHWM) */
  memory(): { rssMb: number; peakMb: number };
  /** user + system CPU time the child has used so far, in seconds (/proc/<pid>/stat) */
  cpuSeconds(): number;
  /** the same for the main thread alone (HTTP, handlers): the time its event loop was busy */
  mainThreadCpuSeconds(): number;
  /** With `profileFile`: start, then stop the V8 CPU profiler in the child (see profile-hook.ts). */
  startProfile(): void;
  stopProfile(): Promise<void>;
  /** Event-loop delay and GC pauses of the child's main thread between the two calls (loop-hook.ts). */
  startLoopStats(): void;
  stopLoopStats(): Promise<LoopStats>;
  /** What V8 holds of the child's memory (loop-hook.ts). */
  heap(): Promise<HeapFigures>;
  stop(): Promise<void>;
}

export interface ChildOptions {
  /** the bench's scratch directory: the child's secret key and log go there */
  root: string;
  natsUrl: string;
  pgUrl: string;
  /** where the child writes its .cpuprofile when asked to (profile-hook.ts) */
  profileFile?: string;
}

const REPO_ROOT = join(__dirname, '../..');

export async function startApiServerChild(o: ChildOptions): Promise<ApiServerChild> {
  const port = await freePort();
  const logFile = join(o.root, 'apiserver.log');
  const hook = ['-r', join(__dirname, 'loop-hook.ts'), ...(o.profileFile ? ['--enable-source-maps', '-r', join(__dirname, 'profile-hook.ts')] : [])];
  // Compiled once (tools/compile-once.js), as a deployment would run it: no TypeScript toolchain resident.
  const args = ['--pdeathsig', 'TERM', '--', process.execPath, '-r', join(REPO_ROOT, 'tools/compile-once.js'), ...hook, 'apps/apiserver/src/main.ts'];
  const env = {
    ...process.env,
    KEELSON_NATS_URL: o.natsUrl,
    KEELSON_PG_URL: o.pgUrl,
    KEELSON_API_HOST: '127.0.0.1',
    KEELSON_API_PORT: String(port),
    KEELSON_SECRET_KEY_FILE: join(o.root, 'secret.key'),
    KEELSON_INTERNAL_API: 'false',
    ...(o.profileFile ? { KEELSON_BENCH_PROFILE: o.profileFile, KEELSON_TS_SOURCE_MAPS: '1' } : {}),
  };
  const child = spawn('/usr/bin/setpriv', args, { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
  const log = createWriteStream(logFile);
  child.stdout!.pipe(log);
  child.stderr!.pipe(log);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = new URL(`http://127.0.0.1:${port}`);
  const pid = child.pid!;
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };
  try {
    await waitReady(url, child, logFile);
  } catch (e) {
    await stop();
    throw e;
  }
  return {
    url,
    pid,
    memory: () => readMemory(pid),
    cpuSeconds: () => readCpuSeconds(`/proc/${pid}/stat`),
    mainThreadCpuSeconds: () => readCpuSeconds(`/proc/${pid}/task/${pid}/stat`),
    startProfile: () => child.send('profile-start'),
    stopProfile: () => answer(child, 'profile-stop', (m) => (m === 'profile-written' ? true : undefined), 'its CPU profile').then(() => undefined),
    startLoopStats: () => child.send('loop-start'),
    stopLoopStats: () => answer(child, 'loop-stop', (m) => (m as { loop?: LoopStats }).loop, 'its event-loop figures'),
    heap: () => answer(child, 'heap', (m) => (m as { heap?: HeapFigures }).heap, 'its heap figures'),
    stop,
  };
}

/** Sends `request` and resolves with the first message `pick` recognises (other messages are another hook's). */
function answer<T>(child: ChildProcess, request: string, pick: (m: unknown) => T | undefined, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onMessage = (m: unknown) => {
      const v = m !== null && m !== undefined ? pick(m) : undefined;
      if (v === undefined) return;
      clearTimeout(timer);
      child.off('message', onMessage);
      resolve(v);
    };
    const timer = setTimeout(() => {
      child.off('message', onMessage);
      reject(new Error(`the apiserver child did not send ${what} within 60 s`));
    }, 60_000);
    child.on('message', onMessage);
    child.send(request);
  });
}

async function waitReady(url: URL, child: ChildProcess, logFile: string): Promise<void> {
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`apiserver exited with ${child.exitCode}; see ${logFile}:\n${readFileSync(logFile, 'utf8').slice(-2000)}`);
    try {
      // The system namespaces are created at bootstrap; "default" existing means the API serves.
      const r = await fetch(new URL('/api/v1/namespaces/default', url));
      if (r.ok) return;
    } catch {
      // not listening yet
    }
    await sleep(200);
  }
  throw new Error(`apiserver not ready within 90 s; see ${logFile}`);
}

function readMemory(pid: number): { rssMb: number; peakMb: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rssMb: kb('VmRSS') / 1024, peakMb: kb('VmHWM') / 1024 };
}

/** utime + stime, fields 14 and 15 of a /proc stat file, counted after the ")" that ends the command name. */
function readCpuSeconds(statFile: string): number {
  const fields = readFileSync(statFile, 'utf8').replace(/^.*\) /s, '').split(' ');
  // fields[0] is field 3 (state), so field 14 is fields[11] and field 15 fields[12]; ticks are 1/100 s on Linux.
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
