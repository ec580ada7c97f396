import { connect, DeliverPolicy, ErrorCode, headers, JSONCodec, NatsError, RetentionPolicy, type Msg, StorageType, type JetStreamClient, type JetStreamManager, type NatsConnection, type StoredMsg } from 'nats';
import type { DirectStreamAPI } from 'nats/lib/jetstream/types';
import type { KubeObject } from '@keelson/apimachinery';
import { envelopeJson, type Envelope, type LogEntry } from './envelope';
import { JetStreamPublishError, Publisher } from './publisher';
import { OBJECT_SUBJECT_PREFIX, STREAM, subjectFor, type ObjectKey } from './subject';
import { readRange, type RangeReadOptions, type RangeReadResult } from './range-reader';

// The log itself: append with optimistic concurrency, read the last entry of a subject,
// and follow the stream from a sequence. JetStream gives all three directly:
//  - `Nats-Expected-Last-Subject-Sequence` makes an append conditional on the object's current
//    resourceVersion (0 for a name never used), so a lost race is a WrongLastSequence error;
//  - `Nats-Msg-Id` de-duplicates a retried append inside the stream's duplicate window;
//  - direct get by `last_by_subj` reads the current version of one object;
//  - an ordered consumer replays a filtered slice of the stream from any sequence.

const codec = JSONCodec<Envelope>();

/** JetStream's error code for a failed expected-last-sequence check. */
const WRONG_LAST_SEQUENCE = 10071;
const NO_MESSAGE_FOUND = 10037;

export class WrongLastSequence extends Error {
  constructor(readonly subject: string, readonly expected: number) {
    super(`wrong last sequence for ${subject}: expected ${expected}`);
  }
}

export interface EventLogOptions {
  servers: string;
  /** defaults to KEELSON; tests use their own streams */
  stream?: string;
  /** two subject tokens; defaults to keelson.obj (see subject.ts) */
  prefix?: string;
  /** a name for the connection, seen in nats-server's monitoring */
  name?: string;
}

export interface AppendRequest {
  key: ObjectKey;
  /** the object's current resourceVersion; 0 when the name was never used */
  expectedSeq: number;
  envelope: Envelope;
  /** set on retries so that the stream de-duplicates them */
  msgId?: string;
  /** `envelope.object` as JSON, when the caller has serialised it already */
  objectJson?: string;
}

export class EventLog {
  /** appends, pipelined: one ack inbox, one socket write per event-loop turn */
  private readonly publisher: Publisher;

  private constructor(
    readonly nc: NatsConnection,
    readonly js: JetStreamClient,
    readonly jsm: JetStreamManager,
    readonly stream: string,
    readonly prefix: string,
  ) {
    this.publisher = new Publisher(nc);
  }

  /** direct get: served by any replica without a round trip through the stream leader's API */
  private get direct(): DirectStreamAPI {
    return (this.jsm as unknown as { direct: DirectStreamAPI }).direct;
  }

  static async connect(opts: EventLogOptions): Promise<EventLog> {
    // noAsyncTraces: otherwise nats.js captures a stack trace (new Error()) for every request,
    // every append included — a tenth of an apiserver create's CPU, for slightly better traces.
    const nc = await connect({ servers: opts.servers, name: opts.name ?? 'keelson', maxReconnectAttempts: -1, reconnectTimeWait: 250, noAsyncTraces: true }).catch((e: Error) => {
      throw new Error(`cannot reach NATS at ${opts.servers}: ${e.message}`);
    });
    const jsm = await nc.jetstreamManager();
    const log = new EventLog(nc, nc.jetstream(), jsm, opts.stream ?? STREAM, opts.prefix ?? OBJECT_SUBJECT_PREFIX);
    await log.ensureStream();
    return log;
  }

  private async ensureStream(): Promise<void> {
    try {
      await this.jsm.streams.info(this.stream);
    } catch (e) {
      if (!(e instanceof NatsError) || e.api_error?.err_code !== 10059) throw e;
      await this.jsm.streams.add({
        name: this.stream,
        subjects: [`${this.prefix}.>`],
        retention: RetentionPolicy.Limits,
        storage: StorageType.File,
        // History is kept forever: that is the point of the log.
        max_msgs: -1,
        max_bytes: -1,
        max_age: 0,
        duplicate_window: 120 * 1_000_000_000,
        allow_direct: true,
        max_msg_size: 3 * 1024 * 1024,
      });
    }
  }

  async append(req: AppendRequest): Promise<LogEntry> {
    const subject = subjectFor(req.key, this.prefix);
    const h = headers();
    h.set('Nats-Expected-Stream', this.stream);
    h.set('Nats-Expected-Last-Subject-Sequence', String(req.expectedSeq));
    if (req.msgId) h.set('Nats-Msg-Id', req.msgId);
    try {
      const data = req.objectJson === undefined ? codec.encode(req.envelope) : Buffer.from(envelopeJson(req.envelope, req.objectJson));
      const ack = await this.publisher.publish(subject, data, h);
      return { ...req.envelope, seq: ack.seq, subject };
    } catch (e) {
      if (e instanceof JetStreamPublishError && e.errCode === WRONG_LAST_SEQUENCE) throw new WrongLastSequence(subject, req.expectedSeq);
      throw e;
    }
  }

  /**
   * The newest entry for one object (a tombstone included), or null if the name was never used.
   * A direct get by `last_by_subj` (the subject appended to the API subject, as nats.js sends it),
   * through the publisher's reply inbox: every bind and update starts here, and nats.js's own
   * request path builds a timer, a race and a NatsError per request.
   */
  async last(key: ObjectKey): Promise<LogEntry | null> {
    const subject = subjectFor(key, this.prefix);
    const m = await this.publisher.request(`$JS.API.DIRECT.GET.${this.stream}.${subject}`, EMPTY);
    const entry = directEntry(m);
    return entry && toEntry(entry);
  }

  async entryAt(seq: number): Promise<LogEntry | null> {
    try {
      return toEntry(await this.direct.getMessage(this.stream, { seq }));
    } catch (e) {
      if (e instanceof NatsError && (e.api_error?.err_code === NO_MESSAGE_FOUND || e.code === '404')) return null;
      throw e;
    }
  }

  /** First and last sequence the stream holds (first > last when it is empty). */
  async bounds(): Promise<{ first: number; last: number }> {
    const info = await this.jsm.streams.info(this.stream);
    return { first: info.state.first_seq, last: info.state.last_seq };
  }

  /**
   * Follows the log from `fromSeq` (inclusive), filtered by subject, until `signal` aborts.
   * Entries arrive in sequence order; `onIdle` is called when the consumer has caught up.
   */
  follow(filter: string, fromSeq: number, onEntry: (e: LogEntry) => void | Promise<void>, signal: AbortSignal, onIdle?: () => void): Promise<void> {
    return this.followRaw(filter, fromSeq, (m) => onEntry(toEntry(m)), signal, { onIdle });
  }

  /**
   * `follow` without decoding: each entry's envelope as the bytes the log holds, for readers
   * that take only a few fields out of it (a rebuild passes the object's JSON on to Postgres).
   * `batch` is how many messages one pull asks for: a rebuild reads far ahead in large pulls.
   */
  async followRaw(filter: string, fromSeq: number, onEntry: (e: RawEntry) => void | Promise<void>, signal: AbortSignal, opts: { onIdle?: () => void; batch?: number } = {}): Promise<void> {
    const consumer = await this.js.consumers.get(this.stream, {
      filterSubjects: filter,
      // Always by start sequence: nats.js may set opt_start_seq itself, which the server refuses with DeliverPolicy.All.
      deliver_policy: DeliverPolicy.StartSequence,
      opt_start_seq: Math.max(1, fromSeq),
    });
    if (signal.aborted) return;
    const messages = await consumer.consume({ max_messages: opts.batch ?? 512, expires: 5000 });
    const stop = () => void messages.close();
    if (signal.aborted) stop();
    signal.addEventListener('abort', stop, { once: true });
    try {
      for await (const m of messages) {
        if (signal.aborted) break;
        await onEntry(m);
        // m.info parses the reply subject: only worth it for a caller that wants to know.
        if (opts.onIdle && m.info.pending === 0) opts.onIdle();
      }
    } finally {
      signal.removeEventListener('abort', stop);
      await messages.close().catch(() => undefined);
    }
  }

  /**
   * Reads a closed range of the log as raw entries, synchronously one after the other and as
   * fast as nats-server sends them (range-reader.ts): for rebuilds and snapshots, which know
   * where they stop. `follow` is for readers that keep going.
   */
  readRange(opts: RangeReadOptions): Promise<RangeReadResult> {
    return readRange({ nc: this.nc, jsm: this.jsm, stream: this.stream }, opts);
  }

  async close(): Promise<void> {
    // Draining lets the acks of appends already sent arrive; the publisher then fails what is left.
    await this.nc.drain().catch(() => this.nc.close());
    this.publisher.close();
  }
}

/** An entry as stored: its envelope still JSON bytes. */
export type RawEntry = Pick<StoredMsg, 'data' | 'seq' | 'subject'>;

const EMPTY = new Uint8Array(0);

/** A direct get's reply as an entry: null for "no message" (404), an error for any other status, as nats.js's getMessage reports them. */
function directEntry(m: Msg): RawEntry | null {
  const h = m.headers;
  if (m.data.length === 0 && h && h.code >= 300) {
    if (h.code === 404) return null;
    throw new NatsError(h.description.toLowerCase() || ErrorCode.Unknown, h.code === 503 ? ErrorCode.JetStreamNotEnabled : ErrorCode.Unknown);
  }
  if (!h) throw new NatsError('direct get answered without headers', ErrorCode.Unknown);
  return { data: m.data, seq: Number(h.get('Nats-Sequence')), subject: h.get('Nats-Subject') };
}

function toEntry(m: RawEntry): LogEntry {
  // The decoded envelope is a fresh object: extending it in place saves a copy per entry.
  return Object.assign(codec.decode(m.data), { seq: m.seq, subject: m.subject });
}

export type { KubeObject };
