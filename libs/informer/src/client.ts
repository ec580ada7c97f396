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
