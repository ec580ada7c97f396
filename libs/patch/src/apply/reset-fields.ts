// Which parts of an object the field manager does not track. Always: apiVersion, kind and
// the metadata the server owns (fieldmanager's stripMetaManager). Then the "reset fields"
// of the resource's strategy: a write to the main resource of a kind with a status
// subresource cannot set status, and a write to status can set only status (and metadata).

import { KubeObject } from '@keelson/apimachinery';
import { parseApiVersion, RESOURCES } from '@keelson/resources';
import { isObject, JsonObject } from '../json';

const SERVER_METADATA = ['name', 'namespace', 'creationTimestamp', 'selfLink', 'uid', 'clusterName', 'generation', 'managedFields', 'resourceVersion'];

function hasStatusSubresource(obj: KubeObject): boolean {
  const { group } = parseApiVersion(obj.apiVersion ?? '');
  return RESOURCES.some((r) => r.group === group && r.kind === obj.kind && (r.subresources ?? []).includes('status'));
}

/** Top-level fields a write through `subresource` may not change. */
function resetFields(obj: KubeObject, subresource: string | undefined): (key: string) => boolean {
  if (subresource === 'status') return (key) => key !== 'status' && key !== 'metadata';
  if (!subresource && hasStatusSubresource(obj)) return (key) => key === 'status';
  return () => false;
}

/** `obj` without what a write through `subresource` cannot set (used for the applied configuration). */
export function withoutResetFields(obj: KubeObject, subresource: string | undefined): KubeObject {
  const reset = resetFields(obj, subresource);
  return Object.fromEntries(Object.entries(obj).filter(([k]) => !reset(k))) as KubeObject;
}

/**
 * The part of `obj` whose fields have owners. A view for reading (field sets, comparisons):
 * only the top level and metadata are copied, everything below is shared with `obj`.
 */
export function trackedView(obj: KubeObject | null | undefined, subresource: string | undefined): JsonObject {
  if (!obj) return {};
  const out = withoutResetFields(obj, subresource) as JsonObject;
  delete out.apiVersion;
  delete out.kind;
  if (isObject(out.metadata)) {
    const metadata = { ...out.metadata };
    for (const k of SERVER_METADATA) delete metadata[k];
    if (Object.keys(metadata).length === 0) delete out.metadata;
    else out.metadata = metadata;
  }
  return out;
}
