import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { Progress } from './progress';

// The live projector on a thread of its own, for a process that also serves HTTP (the
// apiserver): preparing a batch (scanning up to 1,000 envelopes for their columns, building the
// COPY text) is synchronous work of up to tens of milliseconds, and its garbage would be
// collected in the HTTP thread's pauses; on a thread, both happen beside the requests instead of
// between them. The thread runs the same Projector (projector-thread-main.ts) with its own log
// and Postgres connections, and reports each committed batch's last sequence here, where reads
// wait for it. Killing the process is killing an in-process projector: each batch commits with
// its checkpoint, so nothing is lost or written twice.

export interface ProjectorThreadOptions {
  servers: string;
  stream?: string;
  prefix?: string;
  pgUrl: string;
  schema: string;
  /** checkpoint row and durable consumer name (Projector's default if unset) */
  name?: string;
}

/** What the thread posts: its checkpoint once started, then each committed batch's last sequence. */
export type ProjectorThreadMessage = { ready: number } | { advance: number };

const BOOT = join(__dirname, 'projector-thread-boot.js');
const STOP_TIMEOUT_MS = 10_000;
const RESTART_DELAY_MS = 1_000;

export class ProjectorThread {
  private readonly progress = new Progress();
  private worker?: Worker;
  private stopping = false;
  private restartTimer?: NodeJS.Timeout;

  constructor(private readonly opts: ProjectorThreadOptions) {}

  /** The last sequence written to Postgres. */
  get checkpoint(): number {
    return this.progress.checkpoint;
  }

  /** Resolves once the thread's projector has started (its consumer made from the checkpoint). */
  start(): Promise<void> {
    return new Promise((resolve, reject) => {
      // No preloads (-r): the boot file compiles the TypeScript it needs itself.
      const worker = new Worker(BOOT, { workerData: this.opts, execArgv: [] });
      this.worker = worker;
      let started = false;
      worker.on('message', (m: ProjectorThreadMessage) => {
        if ('advance' in m) return this.progress.advance(m.advance);
        this.progress.advance(m.ready);
        started = true;
        resolve();
      });
      worker.on('error', (e) => {
        if (!started) return reject(e);
        console.error(`projector thread failed: ${e.stack ?? e.message}`);
      });
      worker.on('exit', (code) => {
        if (!started) return reject(new Error(`projector thread exited with ${code} before it started`));
        if (this.stopping || this.worker !== worker) return;
        // Resuming from the checkpoint is always safe: the same as a restarted process.
        console.error(`projector thread exited with ${code}; restarting in ${RESTART_DELAY_MS} ms`);
        this.restartTimer = setTimeout(() => void this.start().catch((e: Error) => console.error(`projector thread restart failed: ${e.message}`)), RESTART_DELAY_MS);
      });
    });
  }

  /** Resolves once everything up to `seq` is in Postgres: what makes a read linearizable. */
  waitFor(seq: number, timeoutMs = 10_000): Promise<void> {
    return this.progress.waitFor(seq, timeoutMs);
  }

  /** Stops the projector in the thread (its consumer removed, connections closed), then the thread. */
  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.restartTimer);
    const worker = this.worker;
    if (!worker) return;
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    worker.postMessage('stop');
    const timer = setTimeout(() => void worker.terminate(), STOP_TIMEOUT_MS);
    await exited;
    clearTimeout(timer);
  }
}
