import { Errors, type KubeObject } from '@keelson/apimachinery';
import { applyJsonPatch, applyMergePatch, applyStrategicMergePatch, patchMetaFor, serverSideApply } from '@keelson/patch';
import { apiVersionOf } from '@keelson/resources';
import type { RequestContext } from '../context';
import { fromStorage, toStorage } from '../conversion';
import type { ResourceRequest } from '../request-info';
import type { ObjectStore } from '../store';
import { create } from './create';
import { writeChange } from './update';

export type PatchType = 'json' | 'merge' | 'strategic' | 'apply';

const CONTENT_TYPES: Record<string, PatchType> = {
  'application/json-patch+json': 'json',
  'application/merge-patch+json': 'merge',
  'application/strategic-merge-patch+json': 'strategic',
  'application/apply-patch+yaml': 'apply',
  'application/apply-patch+cbor': 'apply',
};

export function patchTypeOf(contentType: string | undefined): PatchType {
  const t = CONTENT_TYPES[(contentType ?? '').split(';')[0].trim().toLowerCase()];
  if (!t) throw Errors.unsupportedMediaType(contentType ?? '');
  return t;
}

/** PATCH, in the four content types. Server-side apply on a missing object creates it. */
export async function patch(store: ObjectStore, req: ResourceRequest, type: PatchType, body: unknown, ctx: RequestContext): Promise<KubeObject> {
  const r = req.resource;
  const meta = patchMetaFor(r.group, r.kind);
  const apiVersion = apiVersionOf(r.group, req.version);
  if (type === 'apply') {
    if (!ctx.fieldManager || ctx.fieldManager === 'unknown') throw Errors.badRequest('PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch');
    const applied = body as KubeObject;
    if (typeof applied !== 'object' || applied === null || Array.isArray(applied)) throw Errors.badRequest('the apply patch must be an object');
    if (applied.metadata?.name && applied.metadata.name !== req.name) throw Errors.badRequest(`the name of the object (${applied.metadata.name}) does not match the name on the URL (${req.name})`);
    const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    const applyCtx = { ...ctx, applied: true };
    return writeChange(
      store,
      req,
      applyCtx,
      (live) => serverSideApply({ live, applied, manager: ctx.fieldManager, force: ctx.force, apiVersion, now, meta, subresource: req.subresource }),
      {
        onMissing: async () => {
          const created = serverSideApply({ live: null, applied: { ...applied, metadata: { ...applied.metadata, name: req.name } }, manager: ctx.fieldManager, force: ctx.force, apiVersion, now, meta });
          return create(store, req, created, applyCtx);
        },
      },
    );
  }
  return writeChange(store, req, ctx, (live) => {
    // A patch is written against the version of its URL: applied to the object in that version.
    const patched = toStorage(r, req.version, applyPatch(type, fromStorage(r, req.version, live), body, meta));
    if (patched.metadata?.name !== undefined && patched.metadata.name !== live.metadata.name) throw Errors.badRequest('metadata.name: the name of an object cannot be changed');
    // A resourceVersion inside the patch is a precondition; the one carried over from `live` is not.
    const pinned = (body as { metadata?: { resourceVersion?: string } } | null)?.metadata?.resourceVersion;
    return withPin(patched, type === 'json' ? jsonPatchPin(body) : pinned);
  });
}

export function applyPatch(type: Exclude<PatchType, 'apply'>, live: KubeObject, body: unknown, meta: ReturnType<typeof patchMetaFor>): KubeObject {
  switch (type) {
    case 'json':
      return applyJsonPatch(live, body);
    case 'merge':
      return applyMergePatch(live, body);
    case 'strategic':
      return applyStrategicMergePatch(live, body, meta);
    default: {
      const never: never = type;
      throw new Error(`unknown patch type ${never as string}`);
    }
  }
}

/** The object with `resourceVersion` set to the caller's precondition, or without one (never an undefined key). */
export function withPin(obj: KubeObject, pin: string | undefined): KubeObject {
  const { resourceVersion: _, ...metadata } = obj.metadata;
  return { ...obj, metadata: pin === undefined ? metadata : { ...metadata, resourceVersion: pin } };
}

/** A JSON patch that replaces or tests /metadata/resourceVersion pins it. */
function jsonPatchPin(body: unknown): string | undefined {
  if (!Array.isArray(body)) return undefined;
  const op = body.find((o: { path?: string; op?: string }) => o?.path === '/metadata/resourceVersion' && (o.op === 'test' || o.op === 'replace')) as { value?: string } | undefined;
  return op ? String(op.value) : undefined;
}
