import { isConflict } from './client';
import { WorkQueue, type WorkQueueOptions } from './work-queue';

// The loop every controller shares (sample-controller's runWorker/processNextWorkItem): take a
// key, sync it, and on failure put it back with its per-key backoff; on success forget the
// backoff and honour a requested re-look. Only the lease holder runs workers: `stop` shuts the
// queue (later adds are dropped), `start` opens a fresh one and queues every object again.

export interface SyncResult {
  /** look at this key again after this many seconds even if nothing changes */
  requeueAfterSeconds?: number;
}

export interface Reconciler {
  /** e.g. "replicaset"; the actor is `controller:<name>` */
  readonly name: string;
  /** concurrent workers; one key is never synced by two at once */
  readonly workers: number;
  /** every key to sync when this replica starts leading */
  keys(): string[];
  /** re-read the caches for `key`, decide, write; `cause` is the newest log sequence that queued it */
  sync(key: string, cause: number | undefined): Promise<SyncResult | void>;
}

export interface ControllerLoopOptions {
  queue?: WorkQueueOptions;
  warn?: (m: string) => void;
}

export class ControllerLoop {
  private queue: WorkQueue;
  private workers: Promise<void>[] = [];
  private readonly warn: (m: string) => void;
  syncs = 0;
  failures = 0;

  constructor(
    readonly reconciler: Reconciler,
    private readonly opts: ControllerLoopOptions = {},
  ) {
    this.queue = new WorkQueue(opts.queue);
    this.queue.shutDown(); // nothing is queued until this replica leads
    this.warn = opts.warn ?? ((m) => console.warn(m));
  }

  get name(): string {
    return this.reconciler.name;
  }

  get running(): boolean {
    return !this.queue.isShuttingDown;
  }

  enqueue(key: string, cause?: number): void {
    this.queue.add(key, cause);
  }

  enqueueAfter(key: string, seconds: number, cause?: number): void {
    this.queue.addAfter(key, Math.max(0, seconds * 1000), cause);
  }

  start(): void {
    if (this.running) return;
    this.queue = new WorkQueue(this.opts.queue);
    for (const key of this.reconciler.keys()) this.queue.add(key);
    this.workers = Array.from({ length: this.reconciler.workers }, () => this.work(this.queue));
  }

  async stop(): Promise<void> {
    this.queue.shutDown();
    await Promise.all(this.workers);
    this.workers = [];
  }

  /** One worker: runs until its queue is shut down, finishing the sync in hand. */
  private async work(queue: WorkQueue): Promise<void> {
    for (;;) {
      const item = await queue.get();
      if (!item) return;
      try {
        this.syncs++;
        const result = await this.reconciler.sync(item.key, item.cause);
        const after = result?.requeueAfterSeconds;
        // 0 means "again soon, but back off if it keeps asking" (e.g. a hash collision).
        if (after !== undefined && after <= 0) queue.addRateLimited(item.key, item.cause);
        else {
          queue.forget(item.key);
          if (after !== undefined) queue.addAfter(item.key, after * 1000, item.cause);
        }
      } catch (err) {
        this.failures++;
        // A conflict only means the cache was a step behind; the retry reads it afresh.
        if (!isConflict(err) && queue.failures(item.key) < 12) this.warn(`controller ${this.name}: sync ${item.key} failed (will retry): ${(err as Error).message}`);
        queue.addRateLimited(item.key, item.cause);
      } finally {
        queue.done(item.key);
      }
    }
  }
}
