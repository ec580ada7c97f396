import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, writeSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/** What to run and how; every substrate goes through here so all of them die with us. */
export interface ChildSpec {
  /** For messages: 'nats-server', 'postgres'. */
  name: string;
  command: string;
  args: string[];
  /** stdout and stderr are appended here by the kernel, not by us: nothing is lost if we stall. */
  logFile: string;
  /** Signal the child gets if our process dies, even by SIGKILL (PR_SET_PDEATHSIG). */
  deathSignal: NodeJS.Signals;
  /** Drop to this user first (Postgres refuses to run as root). */
  runAs?: { uid: number; gid: number };
  env?: NodeJS.ProcessEnv;
}

export interface Supervised {
  readonly pid: number;
  hasExited(): boolean;
  /** Resolves when the child is gone, with a description of how it ended. */
  readonly exited: Promise<string>;
  /** Sends each signal in turn, waiting `graceMs` after each, until the child has exited. */
  stop(signals: NodeJS.Signals[], graceMs: number): Promise<void>;
}

const SETPRIV = '/usr/bin/setpriv';

export function spawnSupervised(spec: ChildSpec): Supervised {
  // setpriv (util-linux, always on Debian) sets the parent-death signal after changing user,
  // then execs: the pid we get is the substrate's own pid, and a killed parent takes it along.
  if (!existsSync(SETPRIV)) throw new Error(`${SETPRIV} not found (util-linux); it is needed to tie ${spec.name} to this process`);
  const drop = spec.runAs ? [`--reuid=${spec.runAs.uid}`, `--regid=${spec.runAs.gid}`, '--init-groups'] : [];
  const args = [...drop, '--pdeathsig', spec.deathSignal.replace(/^SIG/, ''), '--', spec.command, ...spec.args];
  const log = openSync(spec.logFile, 'a');
  writeSync(log, `\n--- keelson: ${new Date().toISOString()} starting ${spec.command} ${spec.args.join(' ')}\n`);
  let child;
  try {
    child = spawn(SETPRIV, args, { stdio: ['ignore', log, log], env: spec.env ?? process.env });
  } finally {
    closeSync(log);
  }
  let done = false;
  const exited = new Promise<string>((resolve) => {
    child.once('error', (err) => {
      done = true;
      resolve(`failed to start: ${err.message}`);
    });
    child.once('exit', (code, signal) => {
      done = true;
      resolve(signal ? `killed by ${signal}` : `exited with code ${code}`);
    });
  });
  if (child.pid === undefined) throw new Error(`${spec.name}: spawn failed (see ${spec.logFile})`);
  const pid = child.pid;
  return {
    pid,
    exited,
    hasExited: () => done,
    async stop(signals, graceMs) {
      for (const signal of signals) {
        if (done) return;
        child.kill(signal);
        await within(exited, graceMs);
      }
      if (!done) throw new Error(`${spec.name} (pid ${pid}) did not exit after ${signals.join(', ')}`);
    },
  };
}

/** Waits for `promise` at most `ms`, without a leftover timer keeping the process alive. */
async function within(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([promise, new Promise((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}

/** Retries `probe` until it succeeds, the child dies, or time runs out; errors carry the log's tail. */
export async function waitUntilReady<T>(name: string, child: Supervised, logFile: string, timeoutMs: number, probe: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    if (child.hasExited()) {
      throw new Error(`${name} ${await child.exited} before it was ready; last lines of ${logFile}:\n${logTail(logFile)}`);
    }
    try {
      return await probe();
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      throw new Error(`${name} not ready after ${timeoutMs} ms (${String(lastError)}); last lines of ${logFile}:\n${logTail(logFile)}`);
    }
    await sleep(100);
  }
}

export function logTail(file: string, lines = 20): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/** How a pid recorded in a data dir relates to us now. */
export type Holder = { kind: 'none' } | { kind: 'orphan'; pid: number } | { kind: 'live'; pid: number; owner: number };

/**
 * Who holds a data dir, from the substrate's pid file and our owner file (the pid of the
 * process that started it). A substrate whose owner is dead is an orphan we may reclaim —
 * normally the parent-death signal has already ended it, but a shutdown can still be under
 * way. One whose owner lives belongs to another `npm start` and must be left alone.
 */
export function holderOf(substratePid: number | undefined, ownerFile: string, looksLike: RegExp): Holder {
  if (!substratePid || !commandLineOf(substratePid)?.match(looksLike)) return { kind: 'none' };
  const owner = Number(readIfExists(ownerFile)?.trim());
  if (owner && owner !== substratePid && isAlive(owner)) return { kind: 'live', pid: substratePid, owner };
  return { kind: 'orphan', pid: substratePid };
}

/** Ends an orphaned substrate from an earlier run: wait briefly (it may be shutting down), then signal. */
export async function reclaimOrphan(pid: number, signals: NodeJS.Signals[], graceMs: number): Promise<void> {
  for (const signal of [undefined, ...signals]) {
    if (signal) tryKill(pid, signal);
    const until = Date.now() + graceMs;
    while (Date.now() < until) {
      if (!isAlive(pid)) return;
      await sleep(50);
    }
  }
  if (isAlive(pid)) throw new Error(`pid ${pid} from an earlier run did not exit after ${signals.join(', ')}`);
}

export function describeLive(name: string, dataDir: string, holder: { pid: number; owner: number }): Error {
  const cmd = commandLineOf(holder.owner) ?? '?';
  return new Error(`${name} for ${dataDir} is already running (pid ${holder.pid}), started by live process ${holder.owner} (${cmd}); stop that first`);
}

export function readIfExists(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

function commandLineOf(pid: number): string | undefined {
  const raw = readIfExists(`/proc/${pid}/cmdline`);
  return raw === undefined ? undefined : raw.split('\0').join(' ').trim();
}

function isAlive(pid: number): boolean {
  // A zombie still has /proc/<pid> but an empty cmdline; it holds no ports or files.
  const cmd = commandLineOf(pid);
  return cmd !== undefined && cmd !== '';
}

function tryKill(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}
