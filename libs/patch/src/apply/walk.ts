// Reading an object as a set of fields, as structured-merge-diff does (typed.ToFieldSet and
// typed.Compare), with PatchMeta standing in for the schema: list-maps and sets are walked
// element by element, atomic lists and atomic maps are single fields.

import { badPatch } from '../errors';
import { deepEqual, isObject } from '../json';
import { PatchMeta } from '../meta/patch-meta';
import { FieldSet } from './field-set';

export const fieldElement = (name: string) => `f:${name}`;

/** The path element naming `item` in a list described by `meta`; undefined for atomic lists. */
export function listElement(item: unknown, meta: PatchMeta, at?: string | (() => string)): string | undefined {
  if (meta.listType === 'set') return `v:${JSON.stringify(item)}`;
  if (meta.listType !== 'map') return undefined;
  const keys: Record<string, unknown> = {};
  const names = meta.listMapKeys.length > 1 ? [...meta.listMapKeys].sort() : meta.listMapKeys;
  for (const k of names) {
    const v = isObject(item) && item[k] !== undefined ? item[k] : meta.listMapKeyDefaults[k];
    if (v === undefined) {
      const label = typeof at === 'function' ? at() : at;
      throw badPatch(`${label ?? ''}: associative list with keys has an element that omits key field "${k}" (and doesn't have default value)`);
    }
    keys[k] = v;
  }
  return `k:${JSON.stringify(keys)}`;
}

/**
 * The fields a value sets, below `path`. Scalars, atomic values, list elements, null and
 * empty maps, and the entries of free-form maps are members; structs are only prefixes.
 * Example: { spec: { replicas: 2, template: { spec: { containers: [{ name: 'a', image: 'x' }] } } } } →
 *   f:spec/f:replicas, f:spec/f:template/f:spec/f:containers/k:{"name":"a"} (member) with f:name, f:image.
 * `asAdded` reads the value as a write that created it: free-form maps (labels) are then
 * members too, which is the "." Kubernetes shows under f:labels in an Update entry.
 */
export function toFieldSet(value: unknown, meta: PatchMeta, set = new FieldSet(), path: string[] = [], asAdded = false): FieldSet {
  if (isObject(value) && meta.mapType !== 'atomic') {
    for (const [k, v] of Object.entries(value)) {
      const p = [...path, fieldElement(k)];
      const fieldMeta = meta.field(k);
      const markMap = asAdded && isObject(v) && fieldMeta.mapType === 'granular';
      if (v === null || (isObject(v) && Object.keys(v).length === 0) || meta.mapType === 'granular' || markMap) set.insert(p);
      toFieldSet(v, fieldMeta, set, p, asAdded);
    }
  } else if (Array.isArray(value) && meta.listType !== 'atomic') {
    for (const item of value) {
      // The label only serves an error message: computed only then.
      const p = [...path, listElement(item, meta, () => pathLabel(path))!];
      set.insert(p);
      if (meta.listType === 'map') toFieldSet(item, meta.items(), set, p, asAdded);
    }
  } else if (path.length > 0) {
    set.insert(path);
  }
  return set;
}

export interface Comparison {
  /** In the new value only. Free-form maps and atomic values that appear are members themselves. */
  readonly added: FieldSet;
  /** In both, with a different value. */
  readonly modified: FieldSet;
  /** In the old value only, every node included. */
  readonly removed: FieldSet;
}

export function compare(before: unknown, after: unknown, meta: PatchMeta): Comparison {
  const c = { added: new FieldSet(), modified: new FieldSet(), removed: new FieldSet() };
  walkPair(before, after, meta, [], c);
  return c;
}

function walkPair(a: unknown, b: unknown, meta: PatchMeta, path: string[], c: Comparison): void {
  if (a === undefined && b === undefined) return;
  if (a === undefined || b === undefined) {
    const v = a === undefined ? b : a;
    const into = a === undefined ? c.added : c.removed;
    // A struct or a list that appears is owned through what it holds (as Kubernetes shows
    // `f:spec` without "."); a free-form map, an atomic value or a scalar is owned itself.
    const selfOwned = a !== undefined || !((isObject(v) && meta.mapType === 'struct' && Object.keys(v).length > 0) || (Array.isArray(v) && meta.listType !== 'atomic'));
    if (path.length > 0 && selfOwned) into.insert(path);
    toFieldSet(v, meta, into, path, true);
    return;
  }
  if (isObject(a) && isObject(b) && meta.mapType !== 'atomic') {
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) walkPair(a[k], b[k], meta.field(k), [...path, fieldElement(k)], c);
    return;
  }
  if (Array.isArray(a) && Array.isArray(b) && meta.listType !== 'atomic') {
    const label = pathLabel(path);
    const byKey = (list: unknown[]) => new Map(list.map((item) => [listElement(item, meta, label)!, item] as const));
    const left = byKey(a);
    const right = byKey(b);
    for (const key of new Set([...left.keys(), ...right.keys()])) {
      const p = [...path, key];
      if (meta.listType === 'map' && left.has(key) && right.has(key)) walkPair(left.get(key), right.get(key), meta.items(), p, c);
      else if (!left.has(key) || !right.has(key)) {
        // An element that appears or goes is a member itself, with all it holds.
        const into = left.has(key) ? c.removed : c.added;
        into.insert(p);
        if (meta.listType === 'map') toFieldSet(left.get(key) ?? right.get(key), meta.items(), into, p, true);
      }
    }
    return;
  }
  if (!deepEqual(a, b)) c.modified.insert(path);
}

/** '.spec.containers' for error messages. */
export function pathLabel(path: readonly string[]): string {
  return path.map((el) => (el.startsWith('f:') ? `.${el.slice(2)}` : `[${el.slice(2)}]`)).join('');
}
