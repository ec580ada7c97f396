import { ExponentialFailureRateLimiter, type RateLimiter } from './rate-limiter';

// client-go's rate-limiting work queue, keys only (STYLE.md): event handlers add a key, a
// worker takes it, re-reads the caches and syncs. A key is never held by two workers at once:
// added again while being processed, it is queued once more when that worker is `done`. Keys
// are deduplicated while they wait, and a delayed add keeps only the earliest due time.
//
// Each key also carries the newest log sequence that caused it to be queued: the sync writes
// with it as `cause`, so history leads from a user's write to every object a controller made.

export interface QueueItem {
  key: string;
  /** newest log sequence among the events that queued this key since it was last taken */
  cause?: number;
}

export interface WorkQueueOptions {
  rateLimiter?: RateLimiter;
  /** for tests: a fake clock's timers */
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
  now?: () => number;
}

export class WorkQueue {
  private fifo: string[] = [];
  private head = 0;
  private readonly dirty = new Set<string>();
  private readonly processing = new Set<string>();
  private readonly causes = new Map<string, number>();
  private readonly delayed = new Map<string, { at: number; handle: unknown }>();
  private readonly waiters: ((item: QueueItem | undefined) => void)[] = [];
  private shuttingDown = false;
  private readonly limiter: RateLimiter;
  private readonly setTimer: (fn: () => void, ms: number) => unknown;
  private readonly clearTimer: (handle: unknown) => void;
  private readonly now: () => number;

  constructor(opts: WorkQueueOptions = {}) {
    this.limiter = opts.rateLimiter ?? new ExponentialFailureRateLimiter();
    this.setTimer = opts.setTimer ?? ((fn, ms) => setTimeout(fn, ms).unref());
    this.clearTimer = opts.clearTimer ?? ((h) => clearTimeout(h as NodeJS.Timeout));
    this.now = opts.now ?? Date.now;
  }

  /** Keys waiting to be taken (not counting delayed ones or those being processed). */
  get length(): number {
    return this.fifo.length - this.head;
  }

  add(key: string, cause?: number): void {
    if (this.shuttingDown) return;
    this.noteCause(key, cause);
    if (this.dirty.has(key)) return;
    this.dirty.add(key);
    if (this.processing.has(key)) return;
    const waiter = this.waiters.shift();
    if (waiter) {
      this.take(key, waiter);
      return;
    }
    this.fifo.push(key);
  }

  /** Adds `key` after `ms`; an earlier pending add of the same key wins. */
  addAfter(key: string, ms: number, cause?: number): void {
    if (this.shuttingDown) return;
    if (ms <= 0) return this.add(key, cause);
    this.noteCause(key, cause);
    const at = this.now() + ms;
    const pending = this.delayed.get(key);
    if (pending && pending.at <= at) return;
    if (pending) this.clearTimer(pending.handle);
    const handle = this.setTimer(() => {
      this.delayed.delete(key);
      this.add(key);
    }, ms);
    this.delayed.set(key, { at, handle });
  }

  /** Retries `key` after its per-key exponential backoff. */
  addRateLimited(key: string, cause?: number): void {
    this.addAfter(key, this.limiter.when(key), cause);
  }

  /** The key synced fine: its backoff starts over. */
  forget(key: string): void {
    this.limiter.forget(key);
  }

  failures(key: string): number {
    return this.limiter.failures(key);
  }

  /** The next key, waiting for one; undefined once the queue is shut down. */
  get(): Promise<QueueItem | undefined> {
    if (this.length > 0) {
      const key = this.fifo[this.head++];
      if (this.head > 1024 && this.head * 2 > this.fifo.length) {
        this.fifo = this.fifo.slice(this.head);
        this.head = 0;
      }
      return new Promise((resolve) => this.take(key, resolve));
    }
    if (this.shuttingDown) return Promise.resolve(undefined);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** The worker finished `key`; if it was added meanwhile it is queued again. */
  done(key: string): void {
    this.processing.delete(key);
    if (this.dirty.has(key)) {
      this.dirty.delete(key);
      this.add(key);
    }
  }

  shutDown(): void {
    this.shuttingDown = true;
    for (const { handle } of this.delayed.values()) this.clearTimer(handle);
    this.delayed.clear();
    for (const w of this.waiters.splice(0)) w(undefined);
  }

  get isShuttingDown(): boolean {
    return this.shuttingDown;
  }

  private take(key: string, resolve: (item: QueueItem) => void): void {
    this.dirty.delete(key);
    this.processing.add(key);
    const cause = this.causes.get(key);
    this.causes.delete(key);
    resolve(cause === undefined ? { key } : { key, cause });
  }

  private noteCause(key: string, cause: number | undefined): void {
    if (cause === undefined) return;
    const prev = this.causes.get(key);
    if (prev === undefined || cause > prev) this.causes.set(key, cause);
  }
}
