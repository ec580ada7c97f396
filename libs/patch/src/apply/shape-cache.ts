// The FieldsV1 of a create depends only on the object's shape: which keys each map has, whether
// each value is a map, a list or a scalar (and a map empty or not), and the path element of each
// list item (`k:{"name":"app"}`, `v:"x"`) — not on scalar values. Every pod of a Deployment,
// every bench pod, has one shape, so the tree built for the first is the answer for the rest:
// the creates skip building and sorting it (a quarter of a create handler's garbage).
//
// A shape is read as a sequence of tokens — the keys and list elements as they are, and
// symbols for "a map begins", "ends", … — that exactly follows what created-fields.ts's
// childrenOf reads (same keys, top-level undefined skipped; same meta lookups; same list
// elements, so a list-map item without its key throws the same error). The shapes of one kind
// are a trie over those tokens: one Map lookup per token, no string built from the whole
// object. Keys are strings and markers symbols, so no key can pass for a marker.

import { isObject } from '../json';
import { PatchMeta } from '../meta/patch-meta';
import { listElement } from './walk';

const MAP = Symbol('map');
const LIST = Symbol('list');
const END = Symbol('end');
const ATOMIC_MAP = Symbol('atomic map');
const ATOMIC_LIST = Symbol('atomic list');
const SCALAR = Symbol('scalar');

interface Node {
  next: Map<string | symbol, Node> | null;
  /** at the node ending a whole object's tokens: that shape's FieldsV1 */
  fieldsV1?: Record<string, unknown>;
}

/** Trie nodes kept per kind (a pod's shape is ~100); past that the kind's trie starts over, so unbounded shapes do not grow memory. */
const MAX_NODES = 50_000;

interface Trie {
  root: Node;
  nodes: number;
}

const byKind = new WeakMap<PatchMeta, Trie>();

/** The FieldsV1 that `build` gives for `view`, built once per shape of `view` under `meta`. Frozen: never change it in place. */
export function forShape(view: Record<string, unknown>, meta: PatchMeta, build: () => Record<string, unknown>): Record<string, unknown> {
  let trie = byKind.get(meta);
  if (!trie || trie.nodes > MAX_NODES) byKind.set(meta, (trie = { root: { next: null }, nodes: 0 }));
  const leaf = new Cursor(trie).object(view, meta);
  return (leaf.fieldsV1 ??= deepFreeze(build()));
}

/** Walks an object's tokens down the trie, adding the nodes a new shape needs. */
class Cursor {
  private node: Node;

  constructor(private readonly trie: Trie) {
    this.node = trie.root;
  }

  object(view: Record<string, unknown>, meta: PatchMeta): Node {
    this.value(view, meta, true);
    return this.node;
  }

  private step(token: string | symbol): void {
    const next = (this.node.next ??= new Map());
    let n = next.get(token);
    if (!n) {
      next.set(token, (n = { next: null }));
      this.trie.nodes++;
    }
    this.node = n;
  }

  private value(value: unknown, meta: PatchMeta, top = false): void {
    if (isObject(value)) {
      if (meta.mapType === 'atomic') return this.step(ATOMIC_MAP);
      this.step(MAP);
      for (const k of Object.keys(value)) {
        const v = value[k];
        if (top && v === undefined) continue;
        this.step(k);
        this.value(v, meta.field(k));
      }
      return this.step(END);
    }
    if (Array.isArray(value)) {
      if (meta.listType === 'atomic') return this.step(ATOMIC_LIST);
      const itemMeta = meta.listType === 'map' ? meta.items() : null;
      this.step(LIST);
      for (const item of value) {
        this.step(listElement(item, meta)!);
        if (itemMeta) this.value(item, itemMeta);
      }
      return this.step(END);
    }
    this.step(SCALAR);
  }
}

function deepFreeze(o: Record<string, unknown>): Record<string, unknown> {
  for (const v of Object.values(o)) deepFreeze(v as Record<string, unknown>);
  return Object.freeze(o);
}
