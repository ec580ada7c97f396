// The FieldsV1 of an object written whole — a create: what `compare({}, view).added` followed
// by `toFieldsV1()` gives, in one walk. Creates are the hot write of a cluster (every pod),
// and the general path builds every path as an array and inserts it from the root of a
// FieldSet, then serialises the set in a second pass; here each level is built where the
// walk is and serialised on the way back up.
//
// Membership follows toFieldSet's rules (walk.ts): scalars, null, empty maps, atomic values,
// list elements, free-form maps (labels: "." in FieldsV1) and their entries are members;
// structs and non-atomic lists are only prefixes, and vanish when nothing below is a member.

import { isObject } from '../json';
import { PatchMeta } from '../meta/patch-meta';
import { listElement } from './walk';
import { forShape } from './shape-cache';

interface Node {
  member: boolean;
  children: Map<string, Node> | null;
}

/**
 * FieldsV1 of `view` (a trackedView) as a create's Update entry records it; {} when it sets nothing.
 * The result is shared between objects of one shape (shape-cache.ts) and frozen: never change it in place.
 */
export function createdFieldsV1(view: Record<string, unknown>, meta: PatchMeta): Record<string, unknown> {
  return forShape(view, meta, () => walkedFieldsV1(view, meta));
}

/** The same FieldsV1, built by walking the object: what a shape seen for the first time gets (and the cache then holds). */
export function walkedFieldsV1(view: Record<string, unknown>, meta: PatchMeta): Record<string, unknown> {
  // At the top, a key whose value is undefined is no field at all (compare skips it); below, it is a member like null.
  return emit(false, childrenOf(view, meta, true));
}

/** Whether toFieldSet walks into the value (and so does not make it a member by itself). */
function walked(v: unknown, meta: PatchMeta): boolean {
  return (isObject(v) && meta.mapType !== 'atomic') || (Array.isArray(v) && meta.listType !== 'atomic');
}

function childrenOf(value: unknown, meta: PatchMeta, top = false): Map<string, Node> | null {
  let out: Map<string, Node> | null = null;
  if (isObject(value) && meta.mapType !== 'atomic') {
    for (const k of Object.keys(value)) {
      const v = value[k];
      if (top && v === undefined) continue;
      const fm = meta.field(k);
      const children = childrenOf(v, fm);
      const member = meta.mapType === 'granular' || !walked(v, fm) || (isObject(v) && (fm.mapType === 'granular' || isEmpty(v)));
      if (member || children) (out ??= new Map()).set(`f:${k}`, { member, children });
    }
  } else if (Array.isArray(value) && meta.listType !== 'atomic') {
    const itemMeta = meta.listType === 'map' ? meta.items() : null;
    for (const item of value) {
      const el = listElement(item, meta)!;
      const node: Node = { member: true, children: itemMeta ? childrenOf(item, itemMeta) : null };
      const prior = (out ??= new Map()).get(el);
      out.set(el, prior ? merged(prior, node) : node);
    }
  }
  return out;
}

/** Two list elements with the same key are one path: their fields together. */
function merged(a: Node, b: Node): Node {
  if (!a.children || !b.children) return { member: a.member || b.member, children: a.children ?? b.children };
  const children = new Map(a.children);
  for (const [k, n] of b.children) {
    const prior = children.get(k);
    children.set(k, prior ? merged(prior, n) : n);
  }
  return { member: a.member || b.member, children };
}

function emit(member: boolean, children: Map<string, Node> | null): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (!children) return out;
  if (member) out['.'] = {};
  const keys = [...children.keys()];
  // One node's children are all of one kind (the fields of a map, or the elements of a list),
  // so FieldsV1's order (compareElements) is plain string order here.
  sortStrings(keys);
  for (const k of keys) {
    const n = children.get(k)!;
    out[k] = emit(n.member, n.children);
  }
  return out;
}

/**
 * Array.prototype.sort's order for strings, in place. A create sorts one short array per level of
 * its object, and V8's sort copies each into a work array first (~14 KB of garbage per pod create);
 * insertion sort needs no copy and is as fast at these sizes.
 */
export function sortStrings(a: string[]): void {
  if (a.length > 32) {
    a.sort();
    return;
  }
  for (let i = 1; i < a.length; i++) {
    const v = a[i];
    let j = i - 1;
    while (j >= 0 && a[j] > v) {
      a[j + 1] = a[j];
      j--;
    }
    a[j + 1] = v;
  }
}

function isEmpty(o: object): boolean {
  return Object.keys(o).length === 0;
}
