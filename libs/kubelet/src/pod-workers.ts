// The shell around PodSyncer, after the kubelet's podWorkers: one serial worker per pod,
// keyed by uid (never by event payload), so syncs of one pod never overlap and a burst of
// events collapses into one more sync. A sync says when to look again; the earliest wins.
// At most `concurrency` pods sync at once, so 50 new pods do not start 50 Docker calls
// and 50 CNI plugin runs in the same instant.
export interface WorkerResult {
  readonly requeueAfterMs?: number;
  readonly done?: boolean;
}

interface Worker {
  running: boolean;
  dirty: boolean;
  timer?: NodeJS.Timeout;
  timerAt?: number;
}

export class PodWorkers {
  private readonly workers = new Map<string, Worker>();
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  private stopped = false;
  private idle: (() => void)[] = [];

  constructor(
    private readonly sync: (uid: string) => Promise<WorkerResult>,
    private readonly concurrency = 8,
    private readonly onError: (uid: string, e: unknown) => void = () => undefined,
    private readonly retryAfterErrorMs = 2_000,
  ) {}

  get size(): number {
    return this.workers.size;
  }

  /** Syncs `uid` after `delayMs` (now by default); an earlier request wins over a later one. */
  enqueue(uid: string, delayMs = 0): void {
    if (this.stopped) return;
    let w = this.workers.get(uid);
    if (!w) {
      w = { running: false, dirty: false };
      this.workers.set(uid, w);
    }
    if (delayMs <= 0) {
      if (w.running) w.dirty = true;
      else void this.run(uid, w);
      return;
    }
    const at = Date.now() + delayMs;
    if (w.timer && w.timerAt! <= at) return;
    if (w.timer) clearTimeout(w.timer);
    w.timerAt = at;
    w.timer = setTimeout(() => {
      w!.timer = undefined;
      this.enqueue(uid);
    }, delayMs);
  }

  private async run(uid: string, w: Worker): Promise<void> {
    w.running = true;
    if (w.timer) clearTimeout(w.timer);
    w.timer = undefined;
    await this.acquire();
    let result: WorkerResult;
    try {
      result = await this.sync(uid);
    } catch (e) {
      this.onError(uid, e);
      result = { requeueAfterMs: this.retryAfterErrorMs };
    } finally {
      this.release();
      w.running = false;
    }
    if (w.dirty && !this.stopped) {
      w.dirty = false;
      void this.run(uid, w);
    } else if (result.done) {
      if (w.timer) clearTimeout(w.timer);
      this.workers.delete(uid);
    } else if (result.requeueAfterMs !== undefined) this.enqueue(uid, Math.max(1, result.requeueAfterMs));
    if (![...this.workers.values()].some((x) => x.running)) for (const f of this.idle.splice(0)) f();
  }

  private acquire(): Promise<void> {
    if (this.active < this.concurrency) {
      this.active++;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push(() => (this.active++, resolve())));
  }

  private release(): void {
    this.active--;
    this.waiting.shift()?.();
  }

  /** Stops scheduling and waits for running syncs to finish. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const w of this.workers.values()) if (w.timer) clearTimeout(w.timer);
    if ([...this.workers.values()].some((w) => w.running)) await new Promise<void>((r) => this.idle.push(r));
  }
}
