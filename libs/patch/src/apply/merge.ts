// Merging an applied configuration into the live object, and removing fields from it, as
// structured-merge-diff does: structs and free-form maps merge field by field, list-maps and
// sets element by element, everything else (atomic lists and maps, scalars) is replaced.

import { clone, isObject, JsonObject } from '../json';
import { PatchMeta } from '../meta/patch-meta';
import { listElement, pathLabel } from './walk';

export function mergeApplied(live: unknown, applied: unknown, meta: PatchMeta, path: string[] = []): unknown {
  if (applied === undefined) return clone(live);
  if (isObject(live) && isObject(applied) && meta.mapType !== 'atomic') {
    const out: JsonObject = clone(live);
    for (const [k, v] of Object.entries(applied)) {
      // An applied null owns the field and leaves it unset, as a Go pointer would be.
      if (v === null) delete out[k];
      else out[k] = mergeApplied(live[k], v, meta.field(k), [...path, `f:${k}`]);
    }
    return out;
  }
  if (Array.isArray(live) && Array.isArray(applied) && meta.listType !== 'atomic') return mergeListItems(live, applied, meta, path);
  return clone(applied);
}

/**
 * Elements only the live list has keep their place; elements the applied list has follow the
 * applied order, each merged into its live counterpart. Worked example: live [a b c],
 * applied [c x a] → a is shared but c comes first in the applied order, so c and x are
 * emitted at a's place: [c x a b] — b, live-only, stays after a, where it was.
 */
function mergeListItems(live: unknown[], applied: unknown[], meta: PatchMeta, path: string[]): unknown[] {
  const label = pathLabel(path);
  const itemMeta = meta.listType === 'map' ? meta.items() : meta;
  const liveByKey = new Map(live.map((item) => [listElement(item, meta, label)!, item] as const));
  const appliedKeys = applied.map((item) => listElement(item, meta, label)!);
  const appliedIndex = new Map(appliedKeys.map((k, i) => [k, i] as const));
  const out: unknown[] = [];
  let next = 0;
  const emitAppliedUpTo = (last: number) => {
    for (; next <= last; next++) {
      const key = appliedKeys[next];
      out.push(meta.listType === 'map' ? mergeApplied(liveByKey.get(key), applied[next], itemMeta, [...path, key]) : clone(applied[next]));
    }
  };
  for (const item of live) {
    const at = appliedIndex.get(listElement(item, meta, label)!);
    if (at === undefined) out.push(clone(item));
    else if (at >= next) emitAppliedUpTo(at);
  }
  emitAppliedUpTo(applied.length - 1);
  return out;
}

/**
 * Removes the field at `path` (FieldsV1 elements) from `value` in place, then any struct or
 * map it leaves empty, as an omitempty Go field would vanish. Missing paths are ignored.
 */
export function removeField(value: unknown, path: readonly string[], meta: PatchMeta): void {
  if (path.length === 0) return;
  const [el, ...rest] = path;
  if (isObject(value) && el.startsWith('f:')) {
    const k = el.slice(2);
    if (!(k in value)) return;
    if (rest.length === 0) delete value[k];
    else {
      removeField(value[k], rest, meta.field(k));
      if (isObject(value[k]) && Object.keys(value[k] as JsonObject).length === 0) delete value[k];
    }
    return;
  }
  if (Array.isArray(value)) {
    const at = el.startsWith('i:') ? Number(el.slice(2)) : value.findIndex((item) => listElement(item, meta) === el);
    if (at < 0 || at >= value.length) return;
    if (rest.length === 0) value.splice(at, 1);
    else removeField(value[at], rest, meta.listType === 'map' ? meta.items() : meta);
  }
}
