// application/merge-patch+json (RFC 7386): objects merge key by key, null deletes a key,
// anything else (arrays included) replaces. kube-apiserver answers a body that is not a
// JSON object with 400.

import { KubeObject } from '@keelson/apimachinery';
import { badPatch } from './errors';
import { clone, isObject } from './json';

export function applyMergePatch(obj: KubeObject, patch: unknown): KubeObject {
  if (!isObject(patch)) throw badPatch('Invalid JSON Patch');
  return mergeValue(clone(obj), patch) as KubeObject;
}

/** RFC 7386 MergePatch(target, patch); copies what it changes, never touching `patch`. */
export function mergeValue(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return clone(patch);
  const out: Record<string, unknown> = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else out[key] = mergeValue(out[key], value);
  }
  return out;
}
