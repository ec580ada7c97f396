import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { StatusError, type KubeObject, type Status } from '@keelson/apimachinery';
import { Api, defaultContext, resolveRequest, type PatchType } from '@keelson/apiserver';

// The internal door: other components call the same handlers as kubectl does, over NATS
// request-reply in the `keelson-apiserver` queue group, so apiserver replicas share the load.
// A request names the REST path and method exactly as HTTP would; the reply is the object or a Status.

export interface InternalRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** e.g. /api/v1/namespaces/default/pods/web-0/binding?dryRun=All */
  path: string;
  body?: unknown;
  patchType?: PatchType;
  /** who asks, e.g. "controller:replicaset" */
  actor: string;
  fieldManager?: string;
  /** the sequence of the event the caller reacts to */
  cause?: number;
  correlation?: string;
}

export type InternalReply = { ok: true; code: number; object: KubeObject } | { ok: false; status: Status };

@Controller()
export class InternalApiController {
  constructor(private readonly api: Api) {}

  @MessagePattern('keelson.api.request')
  async request(@Payload() msg: InternalRequest): Promise<InternalReply> {
    try {
      const url = new URL(msg.path, 'http://internal');
      const rr = resolveRequest(msg.method, url.pathname, url.searchParams);
      if (!rr || rr.verb === 'watch') throw new StatusError(404, 'NotFound', 'the server could not find the requested resource (watches read the log directly)');
      const ctx = defaultContext({ actor: msg.actor, fieldManager: msg.fieldManager ?? msg.actor.replace(/^[a-z]+:/, ''), cause: msg.cause, correlation: msg.correlation, fieldValidation: 'Strict', dryRun: url.searchParams.getAll('dryRun').includes('All'), force: url.searchParams.get('force') === 'true' });
      const out = await this.api.handle(rr, { query: url.searchParams, body: msg.body, patchType: msg.patchType }, ctx);
      return { ok: true, code: out.code, object: out.body };
    } catch (e) {
      if (e instanceof StatusError) return { ok: false, status: e.toStatus() };
      return { ok: false, status: new StatusError(500, 'InternalError', `Internal error occurred: ${(e as Error).message}`).toStatus() };
    }
  }

  /**
   * Several requests in one message (a scheduler slice's binds): each handled as `request` is,
   * concurrently, each answered in order — one dispatch and one reply for the lot.
   */
  @MessagePattern('keelson.api.batch')
  batch(@Payload() msgs: InternalRequest[]): Promise<InternalReply[]> {
    return Promise.all(msgs.map((m) => this.request(m)));
  }
}
