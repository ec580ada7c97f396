// Node agents as child processes, one per node, as `npm start` and the benchmark run them:
// each its own process (its RSS and CPU are its own, and killing one is a real agent crash),
// each tied to its parent through a stdin pipe so none outlives it.
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';

const ROOT = resolve(__dirname, '../../..');
// boot.js: compiled once, then plain JavaScript (no TypeScript toolchain resident in every agent).
const MAIN = 'apps/node-agent/src/boot.js';
/** A small young generation: the agent allocates little, and RSS is what a node pays for it. */
const NODE_FLAGS = ['--max-semi-space-size=4'];
const READY_TIMEOUT_MS = 120_000; // a loaded 2-core machine has taken over 60 s
const STOP_TIMEOUT_MS = 15_000;

export interface AgentProcessOptions {
  readonly node: number;
  readonly natsUrl: string;
  readonly stateDir: string;
  readonly port?: number;
  readonly stream?: string;
  readonly subjectPrefix?: string;
  readonly extraArgs?: readonly string[];
  readonly log?: (line: string) => void;
}

export interface AgentProcess {
  readonly node: number;
  readonly process: ChildProcess;
  /** The kubelet port the agent reported. */
  readonly port: number;
  /** SIGTERM, then SIGKILL after 15 s; resolves when it has exited. */
  stop(): Promise<void>;
  /** SIGKILL at once: an agent crash. */
  kill(): Promise<void>;
}

export async function spawnNodeAgent(o: AgentProcessOptions): Promise<AgentProcess> {
  const args = [...NODE_FLAGS, MAIN, '--node', String(o.node), '--nats-url', o.natsUrl, '--state-dir', o.stateDir, ...(o.port !== undefined ? ['--port', String(o.port)] : []), ...(o.stream ? ['--stream', o.stream] : []), ...(o.subjectPrefix ? ['--subject-prefix', o.subjectPrefix] : []), ...(o.extraArgs ?? [])];
  const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, KEELSON_EXIT_WITH_PARENT: 'true' }, stdio: ['pipe', 'pipe', 'pipe'] });
  const log = o.log ?? ((l: string) => console.log(l));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const port = await new Promise<number>((resolvePort, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL'); // not left running (and making containers) behind a failed start
      reject(new Error(`node agent ${o.node} not ready within ${READY_TIMEOUT_MS} ms`));
    }, READY_TIMEOUT_MS);
    for (const stream of [child.stdout!, child.stderr!]) {
      createInterface({ input: stream }).on('line', (line) => {
        log(line);
        const m = /ready: .* kubelet port (\d+)/.exec(line);
        if (m) {
          clearTimeout(timer);
          resolvePort(Number(m[1]));
        }
      });
    }
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`node agent ${o.node} exited (${code ?? signal}) before it was ready`));
    });
  });
  const gone = () => child.exitCode !== null || child.signalCode !== null;
  return {
    node: o.node,
    process: child,
    port,
    async stop() {
      if (gone()) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
      child.stdin?.destroy();
    },
    async kill() {
      if (gone()) return;
      child.kill('SIGKILL');
      await exited;
      child.stdin?.destroy();
    },
  };
}

/** `npm start`'s nodes: agents 1..n, in parallel. */
export async function spawnNodeAgents(n: number, o: Omit<AgentProcessOptions, 'node' | 'stateDir'> & { dataDir: string }): Promise<AgentProcess[]> {
  const started = await Promise.allSettled(Array.from({ length: n }, (_, i) => spawnNodeAgent({ ...o, node: i + 1, stateDir: `${o.dataDir}/nodes/keelson-node-${i + 1}` })));
  const ok = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) {
    await Promise.all(ok.map((a) => a.stop()));
    throw failed.reason;
  }
  return ok;
}
