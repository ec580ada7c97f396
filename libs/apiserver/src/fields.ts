import type { KubeObject } from '@keelson/apimachinery';
import { patchMetaFor, recordUpdate } from '@keelson/patch';
import { apiVersionOf, type ApiResource } from '@keelson/resources';
import type { RequestContext } from './context';

/** managedFields for a write that is not a server-side apply: the manager takes the fields it changed (operation Update). */
export function trackUpdate(r: ApiResource, version: string, old: KubeObject | null, updated: KubeObject, ctx: RequestContext, now: Date, subresource?: string): KubeObject {
  return recordUpdate({
    old,
    updated,
    manager: ctx.fieldManager,
    apiVersion: apiVersionOf(r.group, version),
    now: now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    subresource,
    meta: patchMetaFor(r.group, r.kind),
  });
}
