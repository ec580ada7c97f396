import { Errors, type KubeObject } from '@keelson/apimachinery';
import { patchMetaFor } from '@keelson/patch';
import { apiVersionOf, isAggregated } from '@keelson/resources';
import type { RequestContext } from './context';
import { create } from './handlers/create';
import { remove, type DeleteOptions } from './handlers/delete';
import { applyPatch, patch, type PatchType } from './handlers/patch';
import { get, list, present } from './handlers/read';
import { bind, getScale, writeScale } from './handlers/subresources';
import { update } from './handlers/update';
import { watch, type WatchSink } from './handlers/watch';
import { MetricsServer } from './metrics/metrics-server';
import type { ResourceRequest } from './request-info';
import type { ObjectStore } from './store';

// One entry point for every resource request, whatever door it came in by (HTTP, NATS).

export interface ApiInput {
  query: URLSearchParams;
  body?: unknown;
  patchType?: PatchType;
}

export interface ApiOutput {
  code: number;
  body: KubeObject;
}

const SCALE_META = patchMetaFor('autoscaling', 'Scale');

export class Api {
  /** metrics.k8s.io, scraped from the node agents; started by whoever runs the server */
  readonly metrics: MetricsServer;

  constructor(readonly store: ObjectStore) {
    this.metrics = new MetricsServer(store);
  }

  async handle(req: ResourceRequest, input: ApiInput, ctx: RequestContext): Promise<ApiOutput> {
    const { store } = this;
    if (isAggregated(req.resource)) return ok(await this.metrics.handle(req, input.query));
    const sub = req.subresource;
    if (sub && !['status', 'scale', 'binding', 'eviction'].includes(sub)) {
      throw Errors.notFound(req.resource.plural, req.resource.group, req.name ?? '').withMessage(`the server could not find the requested resource (${req.resource.plural}/${sub} is served by the node agent)`);
    }
    switch (req.verb) {
      case 'get':
        return ok(sub === 'scale' ? await getScale(store, req, input.query) : await get(store, req, input.query));
      case 'list': {
        const out = await list(store, req, input.query);
        return ok({
          apiVersion: apiVersionOf(req.resource.group, req.version),
          kind: `${req.resource.kind}List`,
          metadata: { resourceVersion: out.resourceVersion, ...(out.continue ? { continue: out.continue, remainingItemCount: out.remainingItemCount } : {}) },
          items: out.items,
        });
      }
      case 'create':
        if (sub === 'binding') return { code: 201, body: await bind(store, req, input.body, ctx) };
        if (sub === 'eviction') return this.evict(req, ctx);
        if (req.name && !sub) throw Errors.methodNotAllowed('the server does not allow this method on the requested resource');
        return { code: 201, body: present(req, await create(store, req, input.body, ctx)) };
      case 'update':
        if (sub === 'scale') return ok(await writeScale(store, req, ctx, () => input.body as KubeObject));
        return ok(present(req, await update(store, req, input.body, ctx)));
      case 'patch':
        if (sub === 'scale') return ok(await writeScale(store, req, ctx, (scale) => applyPatch(input.patchType === 'apply' ? 'merge' : (input.patchType ?? 'merge'), scale, input.body, SCALE_META)));
        return ok(present(req, await patch(store, req, input.patchType ?? 'merge', input.body, ctx)));
      case 'delete': {
        const res = await remove(store, req, deleteOptions(input), ctx);
        return { code: res.gone ? 200 : 202, body: res.object };
      }
      case 'deletecollection':
        return ok(await this.deleteCollection(req, input, ctx));
      case 'watch':
        throw Errors.badRequest('watch must be streamed');
      default: {
        const never: never = req.verb;
        throw new Error(`unknown verb ${never as string}`);
      }
    }
  }

  watch(req: ResourceRequest, query: URLSearchParams, sink: WatchSink): Promise<void> {
    if (isAggregated(req.resource)) throw Errors.methodNotAllowed('the server does not allow this method on the requested resource');
    return watch(this.store, req, query, sink);
  }

  private async deleteCollection(req: ResourceRequest, input: ApiInput, ctx: RequestContext): Promise<KubeObject> {
    const listed = await list(this.store, { ...req, verb: 'list' }, input.query);
    const opts = deleteOptions(input);
    const items: KubeObject[] = [];
    for (const o of listed.items) {
      try {
        items.push((await remove(this.store, { ...req, verb: 'delete', namespace: o.metadata.namespace, name: o.metadata.name }, opts, ctx)).object);
      } catch (e) {
        if (!(e instanceof Error && 'code' in e && (e as { code: number }).code === 404)) throw e;
      }
    }
    return { apiVersion: apiVersionOf(req.resource.group, req.version), kind: `${req.resource.kind}List`, metadata: { resourceVersion: listed.resourceVersion }, items };
  }

  /** pods/eviction: a delete that a PodDisruptionBudget may refuse (budgets are checked by the disruption controller's status). */
  private async evict(req: ResourceRequest, ctx: RequestContext): Promise<ApiOutput> {
    await remove(this.store, { ...req, verb: 'delete', subresource: undefined }, {}, ctx);
    return { code: 201, body: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 } as unknown as KubeObject };
  }
}

function ok(body: KubeObject): ApiOutput {
  return { code: 200, body };
}

/** DeleteOptions come in the body, or as query parameters (gracePeriodSeconds, propagationPolicy, orphanDependents). */
function deleteOptions(input: ApiInput): DeleteOptions {
  const b = (input.body && typeof input.body === 'object' ? input.body : {}) as DeleteOptions;
  const q = input.query;
  const grace = q.get('gracePeriodSeconds');
  return {
    ...b,
    ...(grace !== null ? { gracePeriodSeconds: Number(grace) } : {}),
    ...(q.get('propagationPolicy') ? { propagationPolicy: q.get('propagationPolicy') as DeleteOptions['propagationPolicy'] } : {}),
    ...(q.get('orphanDependents') ? { orphanDependents: q.get('orphanDependents') === 'true' } : {}),
  };
}
