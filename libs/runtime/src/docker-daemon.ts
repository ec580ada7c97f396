// Finds a running Docker Engine or starts one. A fresh machine has Debian's docker.io
// installed by tools/bootstrap.sh but no dockerd running (no systemd; its packaged service is
// kept from starting during the install), so Keelson starts dockerd as its own child process.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, openSync, closeSync, readFileSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import Docker from 'dockerode';

export const DOCKER_SOCKET = '/var/run/docker.sock';
const DOCKER_PIDFILE = '/var/run/docker.pid';

export interface EnsureDockerOptions {
  /** Where a dockerd we start writes its log. */
  readonly logFile: string;
  readonly socket?: string;
  /** How long to wait for a started dockerd to answer. */
  readonly timeoutMs?: number;
}

export interface DockerDaemon {
  readonly socket: string;
  /** Only when we started dockerd: stop it (SIGTERM, then SIGKILL after 20 s). */
  stop?(): Promise<void>;
}

/** True when a Docker Engine answers `GET /_ping` on the socket. */
export async function dockerAnswers(socket = DOCKER_SOCKET): Promise<boolean> {
  if (!existsSync(socket)) return false;
  try {
    await new Docker({ socketPath: socket, timeout: 2_000 }).ping();
    return true;
  } catch {
    return false;
  }
}

export async function ensureDocker(options: EnsureDockerOptions): Promise<DockerDaemon> {
  const socket = options.socket ?? DOCKER_SOCKET;
  if (await dockerAnswers(socket)) return { socket };

  removeStalePidFile();
  // dockerd unlinks a stale socket itself before it listens; nothing to do for that.
  mkdirSync(dirname(options.logFile), { recursive: true });
  const log = openSync(options.logFile, 'a');
  let child: ChildProcess;
  try {
    // Default data-root (/var/lib/docker) so images built once are there for every later run.
    child = spawn('dockerd', ['--host', `unix://${socket}`], { stdio: ['ignore', log, log] });
  } finally {
    closeSync(log);
  }
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.once('error', () => resolve(-1));
  });

  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  let gone: number | null | undefined;
  void exited.then((code) => (gone = code));
  while (!(await dockerAnswers(socket))) {
    if (gone !== undefined) throw new Error(`dockerd exited (${gone}) before answering; see ${options.logFile}:\n${tail(options.logFile)}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`dockerd did not answer on ${socket} within ${options.timeoutMs ?? 60_000} ms; see ${options.logFile}:\n${tail(options.logFile)}`);
    }
    await sleep(200);
  }

  return {
    socket,
    async stop() {
      if (gone !== undefined) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/**
 * dockerd refuses to start while its pid file names a live process. A file left by a dockerd
 * that died (machine reset, SIGKILL) names a dead or reused pid; remove it when that pid is
 * not a dockerd.
 */
function removeStalePidFile(): void {
  if (!existsSync(DOCKER_PIDFILE)) return;
  const pid = Number(readFileSync(DOCKER_PIDFILE, 'utf8').trim());
  if (Number.isInteger(pid) && pid > 0 && processName(pid) === 'dockerd') return;
  rmSync(DOCKER_PIDFILE, { force: true });
}

function processName(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return undefined;
  }
}

function tail(file: string, lines = 20): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
