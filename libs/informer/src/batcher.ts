// Several calls in one message: the calls made in one turn of the event loop (a scheduler slice
// sends its binds back to back) leave together once that turn's synchronous work is done, and
// each call gets its own answer back. One message instead of N saves, per call, a NATS
// request/reply, a Nest dispatch and a JSON frame on both sides — the per-request overhead the
// scheduler's profiles showed beside the bind handler's own work.
//
// A batch of one goes out as a plain call, so a single request pays nothing extra.

/** What each call in a batch comes back as: a value or its own error. */
export type Settled<R> = { ok: true; value: R } | { ok: false; error: unknown };

export interface BatchTransport<T, R> {
  one(item: T): Promise<R>;
  /** answers in the order of `items`; a rejection fails every call of the batch */
  many(items: T[]): Promise<Settled<R>[]>;
}

interface Waiting<T, R> {
  item: T;
  resolve(r: R): void;
  reject(e: unknown): void;
}

export class RequestBatcher<T, R> {
  private waiting: Waiting<T, R>[] = [];

  constructor(
    private readonly transport: BatchTransport<T, R>,
    /** largest batch: keeps a message (its replies above all) well under NATS' 1 MB max_payload */
    private readonly maxBatch = 128,
  ) {}

  call(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      if (this.waiting.length === 1) queueMicrotask(() => this.flush());
    });
  }

  private flush(): void {
    const all = this.waiting;
    this.waiting = [];
    for (let i = 0; i < all.length; i += this.maxBatch) this.send(all.slice(i, i + this.maxBatch));
  }

  private send(batch: Waiting<T, R>[]): void {
    if (batch.length === 1) {
      const [w] = batch;
      this.transport.one(w.item).then(w.resolve, w.reject);
      return;
    }
    this.transport.many(batch.map((w) => w.item)).then(
      (answers) => batch.forEach((w, i) => settle(w, answers[i] ?? { ok: false, error: new Error('no answer for this call in the batch reply') })),
      (e) => batch.forEach((w) => w.reject(e)),
    );
  }
}

function settle<T, R>(w: Waiting<T, R>, answer: Settled<R>): void {
  if (answer.ok) w.resolve(answer.value);
  else w.reject(answer.error);
}
