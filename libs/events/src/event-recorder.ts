import { newEvent, type CoreEvent, type EventSource, type EventType, type ObjectReference } from './event';
import { EventCorrelator, type EventPatch } from './event-correlator';

// Writes Events as client-go's broadcaster does: `record` only queues (the caller — a pod sync,
// a controller's reconcile — never waits on the API server and never sees its errors); one
// writer correlates each Event (count bumps, aggregation, spam filter) and writes them in order,
// retrying a failed write a few times. Past 1,000 queued Events new ones are dropped, as the
// broadcaster's channel drops them, so a long API outage costs bounded memory.

/** Where Events go: the API server's events resource. `cause` is the log sequence acted on. */
export interface EventSink {
  create(event: CoreEvent, cause?: number): Promise<unknown>;
  patch(namespace: string, name: string, patch: EventPatch, cause?: number): Promise<unknown>;
}

/** What an EventSink needs of an API client (libs/informer's ApiClient, a controller's client). */
export interface EventApiClient {
  create(path: string, body: unknown, opts?: { cause?: number }): Promise<unknown>;
  patch(path: string, body: unknown, opts?: { cause?: number }): Promise<unknown>;
}

const eventsPath = (namespace: string, name?: string) => `/api/v1/namespaces/${namespace}/events${name ? `/${name}` : ''}`;

export function apiEventSink(client: EventApiClient): EventSink {
  return {
    create: (event, cause) => client.create(eventsPath(event.metadata.namespace), event, { cause }),
    patch: (namespace, name, patch, cause) => client.patch(eventsPath(namespace, name), patch, { cause }),
  };
}

export interface RecorderOptions {
  readonly now?: () => number;
  readonly warn?: (message: string) => void;
  /** Queued Events beyond this are dropped. */
  readonly maxQueued?: number;
  readonly maxTries?: number;
  readonly retryDelayMs?: number;
}

const MAX_QUEUED = 1000;
/** client-go tries 12 times, 10 s apart; an agent's Events matter less than its pods: 3 times, 2 s apart. */
const MAX_TRIES = 3;
const RETRY_DELAY_MS = 2_000;

interface Queued {
  readonly event: CoreEvent;
  readonly cause?: number;
}

export class EventRecorder {
  private n = 0;
  private readonly queue: Queued[] = [];
  private writing?: Promise<void>;
  private readonly correlator = new EventCorrelator();
  private readonly now: () => number;
  private readonly warn: (message: string) => void;

  constructor(
    private readonly sink: EventSink,
    private readonly source: EventSource,
    private readonly o: RecorderOptions = {},
  ) {
    this.now = o.now ?? Date.now;
    this.warn = o.warn ?? ((m) => console.warn(m));
  }

  /** Queues an Event about `involved`; returns at once. */
  record(involved: ObjectReference, type: EventType, reason: string, message: string, opts: { cause?: number; annotations?: Record<string, string> } = {}): void {
    if (this.queue.length >= (this.o.maxQueued ?? MAX_QUEUED)) {
      this.warn(`${this.source.component}: event queue full, dropped ${reason} on ${involved.kind} ${involved.name}`);
      return;
    }
    const event = newEvent({ involved, type, reason, message, source: this.source, nowMs: this.now(), n: this.n++, annotations: opts.annotations });
    this.queue.push({ event, cause: opts.cause });
    this.writing ??= this.drain().finally(() => (this.writing = undefined));
  }

  /** Resolves once everything queued so far has been written or given up on. */
  async flush(): Promise<void> {
    while (this.writing) await this.writing;
  }

  private async drain(): Promise<void> {
    for (let item = this.queue.shift(); item; item = this.queue.shift()) await this.write(item);
  }

  private async write({ event, cause }: Queued): Promise<void> {
    const c = this.correlator.correlate(event, this.now());
    if (c.skip) return;
    for (let tries = 1; ; tries++) {
      try {
        await this.send(c.event, c.patch, cause);
        return;
      } catch (e) {
        const code = (e as { code?: number }).code ?? 0;
        // A 4xx other than 429 will not get better by trying again (a namespace being deleted, an invalid Event).
        if (tries >= (this.o.maxTries ?? MAX_TRIES) || (code >= 400 && code < 500 && code !== 429)) {
          this.warn(`${this.source.component}: event ${event.reason} on ${event.involvedObject.kind} ${event.involvedObject.name} not recorded: ${(e as Error).message}`);
          return;
        }
        await new Promise((r) => setTimeout(r, this.o.retryDelayMs ?? RETRY_DELAY_MS));
      }
    }
  }

  /** A count bump patches the existing Event; one deleted meanwhile (TTL) is created again. */
  private async send(event: CoreEvent, patch: EventPatch | undefined, cause?: number): Promise<void> {
    if (patch) {
      try {
        await this.sink.patch(event.metadata.namespace, event.metadata.name, patch, cause);
        return;
      } catch (e) {
        if ((e as { code?: number }).code !== 404) throw e;
      }
    }
    await this.sink.create(event, cause);
  }
}
