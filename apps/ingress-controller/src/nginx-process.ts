// nginx as a child process with everything under the controller's state directory. A new
// configuration is written beside the live one, checked with `nginx -t`, moved over the live
// one (a rename, so nginx never reads half a file) and applied with SIGHUP — what `nginx -s
// reload` sends: the master re-reads the file, starts new workers and tells the old ones to stop
// accepting and to exit once their requests are done, so no connection in flight is cut.
//
// The master runs in the foreground (`daemon off`) inside the chosen network namespace
// (`ip netns exec` execs nginx, so the child's pid is the master's). One left running by a
// controller that died is found through the pid file and stopped before a new one starts.
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, renameSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import { parseNginxErrors, type NginxLayout } from '@keelson/ingress';
import { join } from 'node:path';

export interface NginxProcessOptions {
  readonly binary: string;
  /** run in this network namespace (`ip netns exec`) */
  readonly netns?: string;
  readonly log: (line: string) => void;
  /** called when the master exits without being asked to */
  readonly onExit?: (code: number | null, signal: NodeJS.Signals | null) => void;
}

export type TestResult = { readonly ok: true } | { readonly ok: false; readonly output: string };

const START_TIMEOUT_MS = 10_000;
const RELOAD_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 5_000;

export class NginxProcess {
  private child?: ChildProcess;
  private stopping = false;
  private stderr = '';

  constructor(
    readonly layout: NginxLayout,
    private readonly o: NginxProcessOptions,
  ) {}

  get pid(): number | undefined {
    return this.child?.exitCode === null && this.child.signalCode === null ? this.child.pid : undefined;
  }

  get running(): boolean {
    return this.pid !== undefined;
  }

  /** Makes the directories and stops an nginx a previous controller left on this state directory. */
  async prepare(): Promise<void> {
    const l = this.layout;
    for (const dir of [l.prefix, l.tempDir, join(l.errorLog, '..'), join(l.accessLog, '..')]) mkdirSync(dir, { recursive: true });
    mkdirSync(l.certDir, { recursive: true, mode: 0o700 });
    chmodSync(l.certDir, 0o700);
    const leftover = Number(readIfExists(l.pidFile)?.trim());
    if (leftover > 0 && readIfExists(`/proc/${leftover}/cmdline`)?.includes(l.conf)) {
      this.o.log(`ingress-controller: stopping nginx ${leftover} left running on ${l.prefix}`);
      await terminate(leftover);
    }
  }

  /** `nginx -t` on `conf`, written beside the live file; the live file is not touched. */
  async test(conf: string): Promise<TestResult> {
    writeFileSync(this.next, conf, { mode: 0o600 });
    return new Promise((resolve) => {
      execFile(this.o.binary, ['-t', '-q', '-p', `${this.layout.prefix}/`, '-e', 'stderr', '-c', this.next], { timeout: 30_000 }, (err, stdout, stderr) =>
        resolve(err ? { ok: false, output: `${stdout}${stderr}`.trim() || err.message } : { ok: true }),
      );
    });
  }

  /** Makes the tested file live and starts nginx on it, or reloads the running one. */
  async apply(): Promise<void> {
    renameSync(this.next, this.layout.conf);
    if (this.running) await this.reload();
    else await this.start();
  }

  private get next(): string {
    return `${this.layout.conf}.next`;
  }

  private async start(): Promise<void> {
    const args = ['-p', `${this.layout.prefix}/`, '-e', this.layout.errorLog, '-c', this.layout.conf];
    const [cmd, argv] = this.o.netns ? ['ip', ['netns', 'exec', this.o.netns, this.o.binary, ...args]] : [this.o.binary, args];
    this.stopping = false;
    this.stderr = '';
    const child = spawn(cmd, argv, { stdio: ['ignore', 'ignore', 'pipe'] });
    this.child = child;
    child.stderr!.on('data', (d: Buffer) => (this.stderr = (this.stderr + d.toString()).slice(-4096)));
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.once('exit', (code, signal) => {
      if (this.child === child) this.child = undefined;
      if (!this.stopping) {
        this.o.log(`ingress-controller: nginx exited (${signal ?? code}): ${this.stderr.trim()}`);
        this.o.onExit?.(code, signal);
      }
    });
    // nginx writes its pid file once its listening sockets are open.
    const deadline = Date.now() + START_TIMEOUT_MS;
    while (Number(readIfExists(this.layout.pidFile)?.trim()) !== child.pid) {
      const done = await Promise.race([exited.then(() => true), sleep(50).then(() => false)]);
      if (done) throw new Error(`nginx did not start: ${this.stderr.trim() || 'exited'}`);
      if (Date.now() > deadline) {
        await this.stop();
        throw new Error(`nginx did not start in ${START_TIMEOUT_MS} ms: ${this.stderr.trim()}`);
      }
    }
  }

  /** SIGHUP, then waits for a worker of the new generation, or for the master's complaint. */
  private async reload(): Promise<void> {
    const master = this.pid!;
    const before = new Set(childrenOf(master));
    const logOffset = sizeOf(this.layout.errorLog);
    process.kill(master, 'SIGHUP');
    const deadline = Date.now() + RELOAD_TIMEOUT_MS;
    for (;;) {
      await sleep(50);
      if (childrenOf(master).some((pid) => !before.has(pid))) return;
      const errors = parseNginxErrors(readFrom(this.layout.errorLog, logOffset)).filter((e) => e.level === 'emerg' || e.level === 'alert');
      if (errors.length > 0) throw new Error(`nginx kept its old configuration: ${errors.map((e) => e.message).join('; ')}`);
      if (!this.running) throw new Error('nginx exited during the reload');
      if (Date.now() > deadline) throw new Error(`nginx started no new worker within ${RELOAD_TIMEOUT_MS} ms of SIGHUP`);
    }
  }

  /** Fast shutdown (SIGTERM), SIGKILL to the master and its workers if it does not go. */
  async stop(): Promise<void> {
    const pid = this.pid;
    this.stopping = true;
    if (pid !== undefined) await terminate(pid);
    this.child = undefined;
  }
}

/** SIGTERM, and after STOP_TIMEOUT_MS SIGKILL to the process and the workers it had. */
async function terminate(pid: number): Promise<void> {
  const workers = childrenOf(pid);
  signal(pid, 'SIGTERM');
  const deadline = Date.now() + STOP_TIMEOUT_MS;
  while (alive(pid) && Date.now() < deadline) await sleep(50);
  if (alive(pid)) for (const p of [pid, ...workers, ...childrenOf(pid)]) signal(p, 'SIGKILL');
  while (alive(pid)) await sleep(20);
}

/** Pids whose parent is `pid`, from /proc/<pid>/stat (field 4, after the parenthesised name). */
export function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readIfExists(`/proc/${entry}/stat`);
    const ppid = stat ? Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) : NaN;
    if (ppid === pid) out.push(Number(entry));
  }
  return out;
}

function alive(pid: number): boolean {
  const stat = readIfExists(`/proc/${pid}/stat`);
  return stat !== undefined && stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // gone already
  }
}

function readIfExists(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

function sizeOf(path: string): number {
  return existsSync(path) ? statSync(path).size : 0;
}

function readFrom(path: string, offset: number): string {
  const size = sizeOf(path);
  if (size <= offset) return '';
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(Math.min(size - offset, 65536));
    readSync(fd, buf, 0, buf.length, offset);
    return buf.toString('utf8');
  } finally {
    closeSync(fd);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
