// application/strategic-merge-patch+json, following k8s.io/apimachinery/pkg/util/strategicpatch
// (StrategicMergeMapPatch with MergeParallelList and IgnoreUnmatchedNulls, as the API server
// calls it). Maps merge key by key and null deletes; a list merges only where its field says
// `patchStrategy: merge` (by `patchMergeKey` for objects, as a set for primitives); every
// other list is replaced. Directives:
//   $patch: replace | delete        on a map, or as an element of a merged list
//   $retainKeys: [..]               drop the original's keys that are not listed
//   $setElementOrder/<list>: [..]   the order the merged list must take
//   $deleteFromPrimitiveList/<list> values to remove from a merged primitive list

import { KubeObject } from '@keelson/apimachinery';
import { badPatch, patchDoesNotApply, patchFailed } from './errors';
import { clone, deepEqual, isObject, JsonObject } from './json';
import { PatchMeta } from './meta/patch-meta';

const DIRECTIVE = '$patch';
const RETAIN_KEYS = '$retainKeys';
const SET_ORDER = '$setElementOrder/';
const DELETE_FROM_PRIMITIVE = '$deleteFromPrimitiveList/';

export function applyStrategicMergePatch(obj: KubeObject, patch: unknown, meta: PatchMeta): KubeObject {
  if (!isObject(patch)) throw badPatch('Invalid JSON document');
  return mergeMap(clone(obj), clone(patch), meta) as KubeObject;
}

/** Merges `patch` into `original`; both are private copies and may be changed. */
function mergeMap(original: JsonObject, patch: JsonObject, meta: PatchMeta): JsonObject {
  if (DIRECTIVE in patch) {
    const directive = patch[DIRECTIVE];
    delete patch[DIRECTIVE];
    if (directive === 'replace') return mergeMap({}, patch, meta);
    if (directive === 'delete') return {};
    throw patchFailed(`Unknown patch type: ${String(directive)} in map: ${JSON.stringify(patch)}`);
  }
  if (RETAIN_KEYS in patch) applyRetainKeys(original, patch);

  // Lists with an order directive are merged and ordered first, then left out of the loop.
  for (const key of Object.keys(patch)) {
    if (!key.startsWith(SET_ORDER)) continue;
    const field = key.slice(SET_ORDER.length);
    const order = patch[key];
    delete patch[key];
    if (!Array.isArray(order)) throw badPatch('invalid type for setElementOrder list');
    const fieldMeta = meta.field(field);
    const originalList = Array.isArray(original[field]) ? (original[field] as unknown[]) : [];
    const patchList = Array.isArray(patch[field]) ? (patch[field] as unknown[]) : [];
    if (patch[field] === null) continue; // deleting the list wins over ordering it
    const merged = patchList.length === 0 ? originalList : mergeList(originalList, patchList, fieldMeta, fieldMeta.patchStrategy.includes('merge'));
    if (merged.length > 0 || field in original) original[field] = orderElements(merged, order, originalList, fieldMeta.patchMergeKey);
    delete patch[field];
  }

  for (const [rawKey, value] of Object.entries(patch)) {
    const isDeleteList = rawKey.startsWith(DELETE_FROM_PRIMITIVE);
    const key = isDeleteList ? rawKey.slice(DELETE_FROM_PRIMITIVE.length) : rawKey;
    if (!isDeleteList && key.startsWith('$')) continue;
    const fieldMeta = meta.field(key);
    if (isDeleteList) {
      if (!Array.isArray(value)) throw badPatch('invalid type for $deleteFromPrimitiveList');
      if (Array.isArray(original[key])) original[key] = (original[key] as unknown[]).filter((v) => !value.some((d) => deepEqual(d, v)));
      continue;
    }
    if (value === null) {
      delete original[key];
      continue;
    }
    const current = original[key];
    if (isObject(value)) {
      const replace = fieldMeta.patchStrategy.includes('replace');
      original[key] = mergeMap(isObject(current) && !replace ? current : {}, value, fieldMeta);
    } else if (Array.isArray(value)) {
      const merge = fieldMeta.patchStrategy.includes('merge');
      original[key] = mergeList(Array.isArray(current) ? current : [], value, fieldMeta, merge);
    } else {
      original[key] = value;
    }
  }
  return original;
}

function applyRetainKeys(original: JsonObject, patch: JsonObject): void {
  const retain = patch[RETAIN_KEYS];
  delete patch[RETAIN_KEYS];
  if (!Array.isArray(retain)) throw badPatch('invalid patch format for retainKeys');
  for (const key of Object.keys(patch)) {
    if (!key.startsWith('$') && patch[key] !== null && !retain.includes(key)) throw patchDoesNotApply("patch content doesn't match retainKeys list");
  }
  for (const key of Object.keys(original)) if (!retain.includes(key)) delete original[key];
}

function mergeList(original: unknown[], patch: unknown[], meta: PatchMeta, merge: boolean): unknown[] {
  if (patch.some(Array.isArray)) throw patchDoesNotApply('lists of lists are not supported');
  const itemMeta = meta.items();
  const cleaned = (items: unknown[]) => items.map((v) => (isObject(v) ? mergeMap({}, v, itemMeta) : v));
  if (!merge) return cleaned(patch.filter((v) => !(isObject(v) && DIRECTIVE in v && v[DIRECTIVE] === 'replace' && Object.keys(v).length === 1)));
  if (original.length === 0 && patch.length === 0) return original;

  const objects = [...original, ...patch].some(isObject);
  if (!objects) {
    // Primitives merge as a set: the original's values, then the patch's new ones.
    const merged: unknown[] = [];
    for (const v of [...original, ...patch]) if (!merged.some((m) => deepEqual(m, v))) merged.push(v);
    return orderElements(merged, patch, original, undefined);
  }

  const key = meta.patchMergeKey;
  if (!key) throw patchFailed(`cannot merge lists without merge key`);
  let base = original;
  const items: JsonObject[] = [];
  let replace = false;
  for (const v of patch) {
    if (!isObject(v)) throw patchFailed(`expected a map in a list merged by ${key}, got ${JSON.stringify(v)}`);
    if (!(DIRECTIVE in v)) {
      items.push(v);
      continue;
    }
    const directive = v[DIRECTIVE];
    if (directive === 'delete') {
      if (!(key in v)) throw patchFailed(`map: ${JSON.stringify(v)} does not contain declared merge key: ${key}`);
      base = base.filter((o) => !(isObject(o) && deepEqual(o[key], v[key])));
    } else if (directive === 'replace') {
      replace = true;
    } else if (directive === 'merge') {
      throw patchFailed('merging lists cannot yet be specified in the patch');
    } else {
      throw patchFailed(`Unknown patch type: ${String(directive)} in map: ${JSON.stringify(v)}`);
    }
  }
  if (replace) return cleaned(items);

  const merged = [...base];
  for (const item of items) {
    if (!(key in item)) throw patchFailed(`map: ${JSON.stringify(item)} does not contain declared merge key: ${key}`);
    const at = merged.findIndex((o) => isObject(o) && deepEqual(o[key], item[key]));
    if (at >= 0) merged[at] = mergeMap(merged[at] as JsonObject, item, itemMeta);
    else merged.push(mergeMap({}, item, itemMeta));
  }
  return orderElements(merged, items, original, key);
}

/**
 * strategicpatch's normalizeElementOrder: the merged items named in `order` take that order,
 * the items only the server had keep theirs, and the two runs interleave by the server's order.
 * Worked example: server [a b c], order [c a d] (d new), merged [a b c d]:
 * patch run [c a d], server-only run [b]; b (server index 1) vs c (2): b first → [b c a d].
 */
function orderElements(merged: unknown[], order: unknown[], serverOrder: unknown[], key: string | undefined): unknown[] {
  const id = (v: unknown) => (key !== undefined && isObject(v) ? v[key] : v);
  const indexIn = (list: unknown[], v: unknown) => list.findIndex((o) => deepEqual(id(o), id(v)));
  const inOrder = (v: unknown) => indexIn(order, v) >= 0;
  const byIndexIn = (list: unknown[]) => (a: unknown, b: unknown) => indexIn(list, a) - indexIn(list, b);
  const patchItems = merged.filter(inOrder).sort(byIndexIn(order));
  const serverOnly = merged.filter((v) => !inOrder(v)).sort(byIndexIn(serverOrder));
  const out: unknown[] = [];
  let i = 0;
  let j = 0;
  while (i < serverOnly.length || j < patchItems.length) {
    if (j >= patchItems.length) out.push(serverOnly[i++]);
    else if (i >= serverOnly.length) out.push(patchItems[j++]);
    else {
      const l = indexIn(serverOrder, serverOnly[i]);
      const r = indexIn(serverOrder, patchItems[j]);
      out.push(l >= 0 && r >= 0 && l < r ? serverOnly[i++] : patchItems[j++]);
    }
  }
  return out;
}
