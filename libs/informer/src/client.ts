import { ClientProxyFactory, Transport, type ClientProxy } from '@nestjs/microservices';
import { firstValueFrom, timeout } from 'rxjs';
import { StatusError, type KubeObject, type Status } from '@keelson/apimachinery';

// How the other components write: the apiserver's own handlers over NATS request-reply
// (`keelson.api.request`, queue group `keelson-apiserver`), through Nest's NATS transport.
// Every call names the actor and, when reacting to a log entry, its sequence as `cause`.

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

export class ApiClient {
  private constructor(
    private readonly proxy: ClientProxy,
    readonly actor: string,
  ) {}

  static async connect(natsUrl: string, actor: string): Promise<ApiClient> {
    const proxy = ClientProxyFactory.create({ transport: Transport.NATS, options: { servers: [natsUrl] } });
    await proxy.connect();
    return new ApiClient(proxy, actor);
  }

  async request(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, body?: unknown, opts: CallOptions = {}): Promise<KubeObject> {
    const reply = await firstValueFrom(
      this.proxy.send<Reply>('keelson.api.request', { method, path, body, actor: this.actor, cause: opts.cause, fieldManager: opts.fieldManager, patchType: opts.patchType }).pipe(timeout(30_000)),
    );
    if (!reply.ok) throw StatusError.fromStatus(reply.status!);
    return reply.object!;
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
    await this.proxy.close();
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
