// The FieldsV1 of a create depends only on the object's shape: which keys each map has, whether
// each value is a map, a list or a scalar (and a map empty or not), and the path element of each
// list item (`k:{"name":"app"}`, `v:"x"`) — not on scalar values. Every pod of a Deployment,
// every bench pod, has one shape, so the tree built for the first is the answer for the rest:
// the creates skip building and sorting it (a quarter of a create handler's garbage).
//
// shapeOf encodes exactly what created-fields.ts's childrenOf reads, and nothing it does not:
// same keys (top-level undefined skipped), same meta lookups, same list elements (so a list-map
// item without its key throws the same error). Keys and elements are length-prefixed, so two
// shapes cannot spell the same string.

import { isObject } from '../json';
import { PatchMeta } from '../meta/patch-meta';
import { listElement } from './walk';

/** Shapes kept per kind; past that the kind's cache starts over (objects of unbounded shapes do not grow memory). */
const MAX_SHAPES = 256;

const byKind = new WeakMap<PatchMeta, Map<string, Record<string, unknown>>>();

/** A string naming `view`'s shape as childrenOf sees it under `meta`. */
export function shapeOf(view: Record<string, unknown>, meta: PatchMeta): string {
  return shape(view, meta, true);
}

function shape(value: unknown, meta: PatchMeta, top = false): string {
  if (isObject(value)) {
    if (meta.mapType === 'atomic') return 'O';
    let s = '{';
    for (const k of Object.keys(value)) {
      const v = value[k];
      if (top && v === undefined) continue;
      s += `${k.length}:${k}${shape(v, meta.field(k))}`;
    }
    return `${s}}`;
  }
  if (Array.isArray(value)) {
    if (meta.listType === 'atomic') return 'A';
    const itemMeta = meta.listType === 'map' ? meta.items() : null;
    let s = '[';
    for (const item of value) {
      const el = listElement(item, meta)!;
      s += `${el.length}:${el}${itemMeta ? shape(item, itemMeta) : ''}`;
    }
    return `${s}]`;
  }
  return 's';
}

export function cached(meta: PatchMeta, key: string): Record<string, unknown> | undefined {
  return byKind.get(meta)?.get(key);
}

/** Keeps `fieldsV1` (frozen: every object of the shape shares it) and returns it. */
export function remember(meta: PatchMeta, key: string, fieldsV1: Record<string, unknown>): Record<string, unknown> {
  let shapes = byKind.get(meta);
  if (!shapes) byKind.set(meta, (shapes = new Map()));
  if (shapes.size >= MAX_SHAPES) shapes.clear();
  shapes.set(key, deepFreeze(fieldsV1));
  return fieldsV1;
}

function deepFreeze(o: Record<string, unknown>): Record<string, unknown> {
  for (const v of Object.values(o)) deepFreeze(v as Record<string, unknown>);
  return Object.freeze(o);
}
