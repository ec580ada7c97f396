import { AckPolicy, createInbox, DeliverPolicy, type JetStreamManager, type NatsConnection } from 'nats';
import type { RawEntry } from './log';
import { WireSubscription, type WireMessage } from './wire-reader';

// Reading a closed range of the log as fast as nats-server hands it out, for rebuilds and
// snapshots. `follow` (nats.js's ordered consumer and its async iterator) costs ~12 µs per
// message in the reading process before the entry is even looked at: a JsMsg per message, a
// parse of its reply subject into an object, a promise per step of the iterator. Here a pull
// consumer's messages come to an inbox on a connection of the reader's own, read into one reused
// buffer (wire-reader.ts); the stream sequence is read straight out of the reply subject, and the
// caller gets (seq, subject, bytes) synchronously, the bytes valid only during the call.
//
// Flow: at most two pulls are outstanding, the second asked for when the first is used up, so
// nats-server is never idle and never more than two pulls ahead. `ready` is asked before each
// pull; a promise from it holds the next pull back until it settles: how a reader slower than
// the log (Postgres during a rebuild) pushes back.

export interface RangeReadOptions {
  /** subject filter, e.g. `keelson.obj.>` */
  filter: string;
  /** first sequence to read (inclusive) */
  fromSeq: number;
  /** last sequence to read (inclusive); reading also stops when the stream has nothing more */
  toSeq: number;
  /** messages per pull */
  batch?: number;
  /**
   * Return false to stop before this entry (a bound the caller sees in the entry, such as its
   * time). `e.data` is a view into the reader's buffer, valid only during the call: copy what is kept.
   */
  onEntry: (e: RawEntry) => void | boolean;
  /** back-pressure: undefined to pull on, a promise to wait for first */
  ready?: () => Promise<void> | undefined;
  /** give up when nothing arrives for this long */
  stallMs?: number;
}

export interface RangeReadResult {
  /** entries passed to onEntry */
  count: number;
  /** sequence of the last of them (0 for none) */
  lastSeq: number;
}

interface Context {
  nc: NatsConnection;
  jsm: JetStreamManager;
  stream: string;
}

export async function readRange(ctx: Context, opts: RangeReadOptions): Promise<RangeReadResult> {
  const result: RangeReadResult = { count: 0, lastSeq: 0 };
  if (opts.toSeq < opts.fromSeq) return result;
  const info = await ctx.jsm.consumers.add(ctx.stream, {
    filter_subject: opts.filter,
    deliver_policy: DeliverPolicy.StartSequence,
    opt_start_seq: Math.max(1, opts.fromSeq),
    ack_policy: AckPolicy.None,
    mem_storage: true,
    num_replicas: 1,
    // a reader that dies leaves nothing behind for long
    inactive_threshold: 30 * 1_000_000_000,
  });
  const reader = new PullLoop(ctx, info.name, opts, result);
  try {
    await reader.run();
    return result;
  } finally {
    reader.close();
    await ctx.jsm.consumers.delete(ctx.stream, info.name).catch(() => undefined);
  }
}

const DEFAULT_BATCH = 4096;

class PullLoop {
  private readonly inbox = createInbox();
  private readonly batch: number;
  /** messages still expected by each outstanding pull, oldest first */
  private readonly pulls: number[] = [];
  private waiting = false;
  private expectedDelivery = 1;
  private done!: (e?: Error) => void;
  private lastProgress = Date.now();
  private stallTimer?: NodeJS.Timeout;
  private wire?: WireSubscription;

  constructor(
    private readonly ctx: Context,
    private readonly consumer: string,
    private readonly opts: RangeReadOptions,
    private readonly result: RangeReadResult,
  ) {
    this.batch = opts.batch ?? DEFAULT_BATCH;
  }

  async run(): Promise<void> {
    let settled = false;
    const finished = new Promise<void>((resolve, reject) => {
      this.done = (e) => {
        if (settled) return;
        settled = true;
        this.close();
        if (e) reject(e);
        else resolve();
      };
    });
    const onClose = (e?: Error) => this.done(e ?? new Error(`reading ${this.ctx.stream}: the connection closed at sequence ${this.result.lastSeq}`));
    this.wire = await WireSubscription.open(this.ctx.nc.getServer(), `keelson-range-${this.ctx.stream}`, this.inbox, (m) => this.onMessage(m), onClose);
    const stallMs = this.opts.stallMs ?? 30_000;
    this.stallTimer = setInterval(() => {
      if (Date.now() - this.lastProgress > stallMs) this.done(new Error(`reading ${this.ctx.stream} stalled at sequence ${this.result.lastSeq} for ${stallMs} ms`));
    }, Math.min(stallMs, 1000));
    this.pullMore();
    return finished;
  }

  close(): void {
    clearInterval(this.stallTimer);
    this.wire?.close();
    this.wire = undefined;
  }

  private onMessage(m: WireMessage): void {
    const reply = m.reply;
    if (!reply) return this.onStatus(m.status);
    const ack = parseAckSubject(reply);
    if (!ack) return this.done(new Error(`unexpected reply subject ${reply}`));
    // Nothing is acknowledged, so a jump in the delivery count means a message was lost on the way.
    if (ack.deliverySeq !== this.expectedDelivery) return this.done(new Error(`missed messages reading ${this.ctx.stream}: delivery ${ack.deliverySeq}, expected ${this.expectedDelivery}`));
    this.expectedDelivery++;
    this.lastProgress = Date.now();
    if (ack.streamSeq > this.opts.toSeq) return this.done();
    try {
      if (this.opts.onEntry({ seq: ack.streamSeq, subject: m.subject, data: m.data }) === false) return this.done();
    } catch (e) {
      return this.done(e as Error);
    }
    this.result.count++;
    this.result.lastSeq = ack.streamSeq;
    if (ack.streamSeq >= this.opts.toSeq || ack.pending === 0) return this.done();
    if (--this.pulls[0] === 0) {
      this.pulls.shift();
      this.pullMore();
    }
  }

  /** Status messages end a pull early (408 expired, 404/409): the oldest pull is then over. */
  private onStatus(code: number): void {
    if (code === 100) return; // heartbeat
    if (code === 404 || code === 408 || code === 409) {
      this.pulls.shift();
      this.pullMore();
      return;
    }
    this.done(new Error(`reading ${this.ctx.stream}: status ${code}`));
  }

  /** Keeps two pulls outstanding, once the caller is ready for more. */
  private pullMore(): void {
    if (this.waiting || !this.wire) return;
    let ready: Promise<void> | undefined;
    try {
      ready = this.opts.ready?.();
    } catch (e) {
      return this.done(e as Error); // the caller failed (its sink, say)
    }
    if (ready) {
      this.waiting = true;
      ready.then(
        () => {
          this.waiting = false;
          this.pullMore();
        },
        (e: Error) => this.done(e),
      );
      return;
    }
    while (this.pulls.length < 2) {
      this.pulls.push(this.batch);
      this.wire.publish(`$JS.API.CONSUMER.MSG.NEXT.${this.ctx.stream}.${this.consumer}`, this.inbox, JSON.stringify({ batch: this.batch, expires: 5_000_000_000 }));
    }
  }
}

export interface AckInfo {
  streamSeq: number;
  deliverySeq: number;
  pending: number;
}

/**
 * The sequences in a JetStream reply subject, without splitting it:
 * `$JS.ACK.<stream>.<consumer>.<delivered>.<sseq>.<dseq>.<ts>.<pending>` (9 tokens), or from
 * nats-server 2.10 on `$JS.ACK.<domain>.<account>.<stream>.<consumer>.<delivered>.<sseq>.<dseq>.<ts>.<pending>.<token>` (12).
 */
export function parseAckSubject(s: string): AckInfo | null {
  if (!s.startsWith('$JS.ACK.')) return null;
  // one pass: each token's value as a number (NaN when it is not one), up to 16 tokens
  const values = TOKENS;
  let n = 0;
  let v = 0;
  for (let i = 0; i <= s.length && n < values.length; i++) {
    const c = i < s.length ? s.charCodeAt(i) : 0x2e;
    if (c === 0x2e /* . */) {
      values[n++] = v;
      v = 0;
    } else {
      const d = c - 0x30;
      v = d >= 0 && d <= 9 ? v * 10 + d : NaN;
    }
  }
  const base = n === 9 ? 0 : n >= 12 ? 2 : -1;
  if (base < 0) return null;
  return { streamSeq: values[base + 5], deliverySeq: values[base + 6], pending: values[base + 8] };
}

const TOKENS = new Float64Array(16);
