import { createInbox, ErrorCode, NatsError, type Msg, type MsgHdrs, type NatsConnection, type Subscription } from 'nats';

// JetStream publishes (and direct gets), pipelined. Each append is still one message with its own concurrency
// headers and its own acknowledgement, but two costs of nats.js's request path go:
//  - every request there is an object graph of its own (a per-request timer, a deferred, and an
//    Error built to cancel it once answered); here one inbox subscription takes every ack, a map
//    finds the waiting append by the reply subject's last token, and one sweep a second times out;
//  - nats.js writes its outbound buffer to the socket once per microtask, and appends arriving
//    from different HTTP requests run in different event-loop callbacks, so each cost a write
//    syscall of its own; here the appends of one event-loop turn go out in one write (setImmediate).

/** What JetStream answers an accepted publish with. */
export interface PubAck {
  stream: string;
  seq: number;
  duplicate?: boolean;
}

/** A publish JetStream refused, with its API error: `errCode` 10071 is a wrong last sequence. */
export class JetStreamPublishError extends Error {
  constructor(
    readonly code: number,
    readonly errCode: number,
    description: string,
  ) {
    super(description);
  }
}

interface Waiting {
  answer(m: Msg): void;
  reject(e: Error): void;
  deadline: number;
}

interface Outgoing {
  id: number;
  subject: string;
  data: Uint8Array;
  headers: MsgHdrs | undefined;
}

const decoder = new TextDecoder();

export class Publisher {
  private readonly inbox = createInbox();
  private readonly sub: Subscription;
  private readonly waiting = new Map<number, Waiting>();
  private queue: Outgoing[] = [];
  private scheduled = false;
  private nextId = 0;
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    private readonly nc: NatsConnection,
    private readonly timeoutMs = 5_000,
  ) {
    this.sub = nc.subscribe(`${this.inbox}.*`, { callback: (err, m) => (err ? this.failAll(err) : this.onAck(m)) });
    this.sweeper = setInterval(() => this.expire(Date.now()), 1_000).unref();
  }

  publish(subject: string, data: Uint8Array, headers: MsgHdrs): Promise<PubAck> {
    return new Promise<PubAck>((resolve, reject) => this.send(subject, data, headers, (m) => answerAck(m, resolve, reject), reject));
  }

  /**
   * A request whose answer is the reply message as it comes (a direct get: the stored message,
   * or an empty one with a status header), sent and timed out as the publishes are.
   */
  request(subject: string, data: Uint8Array): Promise<Msg> {
    return new Promise<Msg>((resolve, reject) => this.send(subject, data, undefined, resolve, reject));
  }

  private send(subject: string, data: Uint8Array, headers: MsgHdrs | undefined, answer: (m: Msg) => void, reject: (e: Error) => void): void {
    const id = ++this.nextId;
    this.waiting.set(id, { answer, reject, deadline: Date.now() + this.timeoutMs });
    this.queue.push({ id, subject, data, headers });
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.flush);
    }
  }

  /** Stops taking acks; appends still waiting fail. */
  close(): void {
    clearInterval(this.sweeper);
    this.sub.unsubscribe();
    this.failAll(new NatsError('the event log connection was closed', ErrorCode.ConnectionClosed));
  }

  private readonly flush = () => {
    this.scheduled = false;
    const queue = this.queue;
    this.queue = [];
    for (const o of queue) {
      try {
        this.nc.publish(o.subject, o.data, { reply: `${this.inbox}.${o.id}`, headers: o.headers });
      } catch (e) {
        this.settle(o.id)?.reject(e as Error);
      }
    }
  };

  private onAck(m: Msg): void {
    this.settle(Number(m.subject.slice(this.inbox.length + 1)))?.answer(m); // none: timed out already
  }

  private settle(id: number): Waiting | undefined {
    const w = this.waiting.get(id);
    if (w) this.waiting.delete(id);
    return w;
  }

  /** Waiting appends are in the map in publish order, so the expired ones are at its front. */
  private expire(now: number): void {
    for (const [id, w] of this.waiting) {
      if (w.deadline > now) return;
      this.waiting.delete(id);
      w.reject(NatsError.errorForCode(ErrorCode.Timeout));
    }
  }

  private failAll(e: Error): void {
    for (const w of this.waiting.values()) w.reject(e);
    this.waiting.clear();
  }
}

function answerAck(m: Msg, resolve: (ack: PubAck) => void, reject: (e: Error) => void): void {
  // No stream listens on the subject: the server answers with an empty 503 status message.
  if (m.data.length === 0 && m.headers?.code === 503) return reject(NatsError.errorForCode(ErrorCode.NoResponders));
  const ack = JSON.parse(decoder.decode(m.data)) as PubAck & { error?: { code: number; err_code: number; description: string } };
  if (ack.error) return reject(new JetStreamPublishError(ack.error.code, ack.error.err_code, ack.error.description));
  resolve(ack);
}
