import { connect, JSONCodec, type NatsConnection } from 'nats';
import { StatusError, type KubeObject, type Status } from '@keelson/apimachinery';
import { RequestBatcher, type Settled } from './batcher';

// How the other components write: the apiserver's own handlers over NATS request-reply
// (`keelson.api.request`, queue group `keelson-apiserver`, served by Nest's NATS transport).
// Every call names the actor and, when reacting to a log entry, its sequence as `cause`.
//
// The client speaks Nest's wire format itself — a request is `{ pattern, data, id }`, the reply
// `{ response | err, isDisposed, id }` — over nats.js's own request(), which answers every
// request through one shared inbox subscription. Nest's ClientProxy subscribed and unsubscribed
// a fresh inbox per request and ran each call through rxjs; the scheduler sends one request per
// pod, so that was a good part of its per-bind cost.
//
// With `batch`, the calls made in one event-loop turn go as one `keelson.api.batch` message
// (batcher.ts): the scheduler binds a slice's pods in one message and one reply.

interface Reply {
  ok: boolean;
  code?: number;
  object?: KubeObject;
  status?: Status;
}

export interface CallOptions {
  cause?: number;
  fieldManager?: string;
  patchType?: 'json' | 'merge' | 'strategic' | 'apply';
}

const SUBJECT = 'keelson.api.request';
/** several requests in one message; the apiserver answers each (apps/apiserver internal.controller.ts) */
export const BATCH_SUBJECT = 'keelson.api.batch';
const TIMEOUT_MS = 30_000;
const codec = JSONCodec<unknown>();

interface Request {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  body?: unknown;
  actor: string;
  cause?: number;
  fieldManager?: string;
  patchType?: CallOptions['patchType'];
}

export interface ApiClientOptions {
  /** send the calls of one event-loop turn as one message (see batcher.ts) */
  batch?: boolean;
}

const objectOf = (reply: Reply): KubeObject => {
  if (!reply.ok) throw StatusError.fromStatus(reply.status!);
  return reply.object!;
};

export class ApiClient {
  private nextId = 0;
  private readonly batcher?: RequestBatcher<Request, KubeObject>;

  private constructor(
    private readonly nc: NatsConnection,
    readonly actor: string,
    options: ApiClientOptions,
  ) {
    if (options.batch) this.batcher = new RequestBatcher({ one: (r) => this.send<Reply>(SUBJECT, r).then(objectOf), many: (rs) => this.sendBatch(rs) });
  }

  static async connect(natsUrl: string, actor: string, options: ApiClientOptions = {}): Promise<ApiClient> {
    // noAsyncTraces: no stack trace captured (new Error()) per request; reconnects for ever, as the log's connection
    const nc = await connect({ servers: [natsUrl], name: actor, maxReconnectAttempts: -1, noAsyncTraces: true }).catch((e: Error) => {
      throw new Error(`cannot reach NATS at ${natsUrl}: ${e.message}`);
    });
    return new ApiClient(nc, actor, options);
  }

  async request(method: Request['method'], path: string, body?: unknown, opts: CallOptions = {}): Promise<KubeObject> {
    const data: Request = { method, path, body, actor: this.actor, cause: opts.cause, fieldManager: opts.fieldManager, patchType: opts.patchType };
    if (this.batcher) return this.batcher.call(data);
    return objectOf(await this.send<Reply>(SUBJECT, data));
  }

  /** One Nest packet out, its `response` back (`err` thrown: Nest found no handler or the handler threw). */
  private async send<T>(subject: string, data: unknown): Promise<T> {
    const msg = await this.nc.request(subject, codec.encode({ pattern: subject, data, id: `${++this.nextId}` }), { timeout: TIMEOUT_MS });
    const packet = codec.decode(msg.data) as { response?: T; err?: unknown };
    if (packet.err !== undefined && packet.err !== null) throw packet.err;
    return packet.response!;
  }

  private async sendBatch(requests: Request[]): Promise<Settled<KubeObject>[]> {
    const replies = await this.send<Reply[]>(BATCH_SUBJECT, requests);
    return replies.map((r) => (r.ok ? { ok: true, value: r.object! } : { ok: false, error: StatusError.fromStatus(r.status!) }));
  }

  get(path: string): Promise<KubeObject> {
    return this.request('GET', path);
  }

  create(path: string, obj: unknown, opts?: CallOptions): Promise<KubeObject> {
    return this.request('POST', path, obj, opts);
  }

  update(path: string, obj: unknown, opts?: CallOptions): Promise<KubeObject> {
    return this.request('PUT', path, obj, opts);
  }

  patch(path: string, patch: unknown, opts: CallOptions = {}): Promise<KubeObject> {
    return this.request('PATCH', path, patch, { patchType: 'merge', ...opts });
  }

  delete(path: string, options?: unknown, opts?: CallOptions): Promise<KubeObject> {
    return this.request('DELETE', path, options, opts);
  }

  async close(): Promise<void> {
    await this.nc.close();
  }
}

/** REST path of an object, e.g. objectPath('', 'v1', 'pods', 'default', 'web-0', 'binding'). */
export function objectPath(group: string, version: string, plural: string, namespace: string | undefined, name?: string, subresource?: string): string {
  const base = group ? `/apis/${group}/${version}` : `/api/${version}`;
  return `${base}${namespace ? `/namespaces/${namespace}` : ''}/${plural}${name ? `/${name}` : ''}${subresource ? `/${subresource}` : ''}`;
}

/**
 * Whether a failed call may succeed when simply made again: the apiserver was busy or not there
 * (5xx but 501, 429, no reply in time, no responder yet), as client-go's retry.OnError callers
 * treat `IsServerTimeout`/`IsTooManyRequests`/`IsInternalError`. Anything else is an answer.
 */
export function isRetryable(e: unknown): boolean {
  const code = (e as { code?: unknown }).code;
  if (typeof code === 'number') return code === 429 || (code >= 500 && code !== 501);
  const name = (e as { name?: string }).name;
  return name === 'TimeoutError' || code === '503' || /no responders|CONNECTION_REFUSED|ECONNREFUSED/i.test(String((e as Error).message));
}

/** Calls `fn` until it succeeds or fails with an answer: 1 s doubling to 10 s between tries, for at most `forMs`. */
export async function retryTransient<T>(fn: () => Promise<T>, onRetry: (e: unknown) => void, forMs = 120_000): Promise<T> {
  const deadline = Date.now() + forMs;
  for (let delay = 1_000; ; delay = Math.min(delay * 2, 10_000)) {
    try {
      return await fn();
    } catch (e) {
      if (!isRetryable(e) || Date.now() + delay > deadline) throw e;
      onRetry(e);
      await new Promise((r) => setTimeout(r, delay));
    }
  }
}
