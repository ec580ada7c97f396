import { EventEmitter } from 'node:events';
import { hostname } from 'node:os';
import { AckPolicy, DeliverPolicy, type JsMsg } from 'nats';
import type { DataSource } from 'typeorm';
import type { EventLog, RawEntry } from '@keelson/eventlog';
import { prepareBatch, readCheckpoint, writeBatch, type PreparedBatch } from './writer';

// The projector: a durable JetStream consumer feeding Postgres. Messages are buffered as they
// arrive and written in batches — whatever has piled up while the previous transaction ran —
// so an idle cluster sees one message per transaction (low latency for linearizable reads)
// and a busy one sees hundreds (throughput). The checkpoint in Postgres is the truth; the
// durable consumer is re-created from it at start, so the two can never disagree for long.

const MAX_BATCH = 1000;

export interface ProjectorOptions {
  /** checkpoint row and durable consumer name */
  name?: string;
  /** called after every committed batch, for metrics and tests */
  onBatch?: (size: number, lastSeq: number) => void;
}

export class Projector {
  private readonly progress = new EventEmitter();
  private position = 0;
  private abort = new AbortController();
  private running?: Promise<void>;
  private durable?: string;
  readonly name: string;

  constructor(
    private readonly log: EventLog,
    private readonly db: DataSource,
    private readonly opts: ProjectorOptions = {},
  ) {
    this.name = opts.name ?? 'projector';
    this.progress.setMaxListeners(0);
  }

  /** The last sequence written to Postgres. */
  get checkpoint(): number {
    return this.position;
  }

  async start(): Promise<void> {
    this.position = await readCheckpoint(this.db, this.name);
    // One durable consumer per projector process: two projectors sharing one would split its
    // messages between them, and the checkpoint would let one skip what the other had not written.
    // Each sees every entry instead; the checkpoint lock serialises their writes, and a consumer
    // whose process is gone is removed by the server after its inactivity threshold.
    const durable = `${this.name}_${this.log.stream}_${hostname()}_${process.pid}`.replace(/[^A-Za-z0-9_-]/g, '_');
    await this.log.jsm.consumers.delete(this.log.stream, durable).catch(() => undefined);
    await this.log.jsm.consumers.add(this.log.stream, {
      durable_name: durable,
      inactive_threshold: 10 * 60 * 1_000_000_000,
      ack_policy: AckPolicy.All,
      max_ack_pending: 20_000,
      ...(this.position > 0 ? { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: this.position + 1 } : { deliver_policy: DeliverPolicy.All }),
    });
    this.durable = durable;
    const consumer = await this.log.js.consumers.get(this.log.stream, durable);
    const messages = await consumer.consume({ max_messages: 5000, expires: 5000 });
    this.abort.signal.addEventListener('abort', () => void messages.close(), { once: true });
    this.running = this.run(messages);
  }

  private async run(messages: AsyncIterable<JsMsg>): Promise<void> {
    let buffer: JsMsg[] = [];
    let flushing: Promise<void> | null = null;
    const flush = async () => {
      while (buffer.length > 0 && !this.abort.signal.aborted) {
        const batch = buffer.splice(0, MAX_BATCH);
        // Nothing is decoded: the history rows and the objects' columns come from the envelopes' bytes.
        const last = await this.writeWithRetry(prepareBatch(batch.map((m): RawEntry => ({ data: m.data, seq: m.seq, subject: m.subject }))));
        batch[batch.length - 1].ack();
        this.advance(last, batch.length);
      }
      flushing = null;
    };
    for await (const m of messages) {
      if (m.seq <= this.position) {
        m.ack();
        continue;
      }
      buffer.push(m);
      if (!flushing) flushing = flush();
    }
    await flushing;
    buffer = [];
  }

  /** Postgres restarts are survived by retrying the same batch: the checkpoint makes it idempotent. */
  private async writeWithRetry(prepared: PreparedBatch): Promise<number> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await writeBatch(this.db, this.name, prepared);
      } catch (e) {
        if (this.abort.signal.aborted) throw e;
        const delay = Math.min(5000, 100 * 2 ** attempt);
        console.error(`projector: batch write failed (${(e as Error).message}); retrying in ${delay} ms`);
        await new Promise((r) => setTimeout(r, delay));
      }
    }
  }

  private advance(seq: number, size: number): void {
    if (seq > this.position) this.position = seq;
    this.opts.onBatch?.(size, seq);
    this.progress.emit('advance', this.position);
  }

  /** Resolves once everything up to `seq` is in Postgres: what makes a read linearizable. */
  waitFor(seq: number, timeoutMs = 10_000): Promise<void> {
    if (this.position >= seq) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const onAdvance = (p: number) => {
        if (p >= seq) {
          clearTimeout(timer);
          this.progress.off('advance', onAdvance);
          resolve();
        }
      };
      const timer = setTimeout(() => {
        this.progress.off('advance', onAdvance);
        reject(new Error(`projection did not reach ${seq} within ${timeoutMs} ms (at ${this.position})`));
      }, timeoutMs);
      this.progress.on('advance', onAdvance);
    });
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.running?.catch(() => undefined);
    if (this.durable) await this.log.jsm.consumers.delete(this.log.stream, this.durable).catch(() => undefined);
  }
}
