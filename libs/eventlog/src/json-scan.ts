// Reading a few members out of JSON bytes without parsing the rest. A rebuild needs, of each
// ~1 KB envelope, half a dozen short strings and the object's JSON text as it is (Postgres
// parses that itself): JSON.parse of the whole envelope and JSON.stringify of the object
// again cost most of the replaying process's CPU. The scanner only finds where values begin
// and end — skipping strings and counting brackets, byte by byte — and leaves validation to
// Postgres, which rejects bad JSON on COPY as it would any other input.

/** [start, end) of one JSON value inside the bytes. */
export type Span = readonly [number, number];

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const LBRACE = 0x7b;
const RBRACE = 0x7d;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;

const isSpace = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

function skipSpace(b: Uint8Array, i: number): number {
  while (isSpace(b[i])) i++;
  return i;
}

/** Index just past the string that starts at b[i] (a quote). A plain loop: most strings are short. */
function skipString(b: Uint8Array, i: number): number {
  for (i++; i < b.length; i++) {
    const c = b[i];
    if (c === BACKSLASH) i++;
    else if (c === QUOTE) return i + 1;
  }
  throw new SyntaxError('unterminated JSON string');
}

/** Index just past the value that starts at b[i]. */
function skipValue(b: Uint8Array, i: number): number {
  const c = b[i];
  if (c === QUOTE) return skipString(b, i);
  if (c === LBRACE || c === LBRACKET) {
    let depth = 0;
    for (; i < b.length; i++) {
      const x = b[i];
      if (x === QUOTE) i = skipString(b, i) - 1;
      else if (x === LBRACE || x === LBRACKET) depth++;
      else if ((x === RBRACE || x === RBRACKET) && --depth === 0) return i + 1;
    }
    throw new SyntaxError('unterminated JSON object or array');
  }
  // a number, true, false or null: up to the next delimiter
  while (i < b.length && b[i] !== COMMA && b[i] !== RBRACE && b[i] !== RBRACKET && !isSpace(b[i])) i++;
  return i;
}

/** Names to pick at several depths: a name maps to true (its span) or to the names to pick inside its object. */
export interface KeyTreeSpec {
  [name: string]: true | KeyTreeSpec;
}

/**
 * A KeyTreeSpec made ready for pick. Its slots number every name depth-first in the spec's
 * order: `{ a: true, b: { c: true }, d: true }` puts a at 0, b at 1, c at 2, d at 3.
 */
export class KeyTree {
  readonly keys: KeySet;
  /** out slot of each key */
  readonly slots: number[] = [];
  readonly children: (KeyTree | undefined)[] = [];
  readonly size: number;
  private scratch?: Int32Array;

  constructor(spec: KeyTreeSpec, first = 0) {
    const names = Object.keys(spec);
    this.keys = new KeySet(names);
    let next = first;
    for (const name of names) {
      this.slots.push(next++);
      const inner = spec[name];
      const child = inner === true ? undefined : new KeyTree(inner, next);
      this.children.push(child);
      if (child) next += child.size;
    }
    this.size = next - first;
  }

  /** The array pick writes its spans into, reused call after call (a typed array lives outside V8's heap); made at its first use, so a child tree has none. */
  get spans(): Int32Array {
    return (this.scratch ??= new Int32Array(this.size * 2));
  }

  /** The slot of a name by its path, e.g. `object.metadata.uid`. */
  slot(path: string): number {
    let tree: KeyTree | undefined = this;
    let slot = -1;
    for (const name of path.split('.')) {
      const k: number = tree?.keys.names.indexOf(name) ?? -1;
      if (k < 0) throw new Error(`${path}: not in this key tree`);
      slot = tree!.slots[k];
      tree = tree!.children[k];
    }
    return slot;
  }
}

/**
 * The spans of the tree's names in the object spanning `at`, in slot order (undefined for those
 * absent, or inside a value that is not an object). See `pickInto`, which this wraps.
 */
export function pick(b: Uint8Array, at: Span | undefined, tree: KeyTree): (Span | undefined)[] {
  const found = pickInto(b, at ? at[0] : -1, tree, tree.spans);
  const out: (Span | undefined)[] = [];
  for (let k = 0; k < tree.size; k++) out.push(found[2 * k] < 0 ? undefined : [found[2 * k], found[2 * k + 1]]);
  return out;
}

/**
 * Finds the tree's names in the object starting at b[start] (-1: none) in one pass over its
 * bytes, and writes their spans into `out` as pairs: slot k's value spans out[2k] to out[2k+1],
 * out[2k] is -1 when the name is absent or inside a value that is not an object. Picking the
 * envelope, then its object, then the object's metadata skipped the object's bytes up to three
 * times (a third of a replay's CPU with managedFields-laden pods); spans as pairs in one reused
 * array leave a replay nothing to allocate per entry. Names are compared as bytes, unescaped:
 * right for the ASCII member names Kubernetes uses, which JSON.stringify never escapes. The top
 * level's scan stops once all its names are found (a name given twice is taken at its first
 * place; JSON.stringify, which wrote the log, never repeats one).
 */
export function pickInto(b: Uint8Array, start: number, tree: KeyTree, out: Int32Array): Int32Array {
  out.fill(-1);
  if (start >= 0) scanMembers(b, skipSpace(b, start), tree, out, true);
  return out;
}

/** Scans the object at b[i], filling the tree's slots; returns the index just past it (or where it stopped, `mayStop` once all are found). */
function scanMembers(b: Uint8Array, i: number, tree: KeyTree, out: Int32Array, mayStop: boolean): number {
  if (b[i] !== LBRACE) return skipValue(b, i);
  i = skipSpace(b, i + 1);
  if (b[i] === RBRACE) return i + 1;
  for (let found = 0; ; ) {
    if (b[i] !== QUOTE) throw new SyntaxError(`expected a member name at ${i}`);
    const keyEnd = skipString(b, i);
    const k = tree.keys.indexOf(b, i + 1, keyEnd - 1);
    i = skipSpace(b, keyEnd);
    if (b[i] !== COLON) throw new SyntaxError(`expected ':' at ${i}`);
    const start = skipSpace(b, i + 1);
    const slot = k >= 0 ? 2 * tree.slots[k] : -1;
    const fresh = slot >= 0 && out[slot] < 0;
    const child = fresh ? tree.children[k] : undefined;
    const end = child ? scanMembers(b, start, child, out, false) : skipValue(b, start);
    if (fresh) {
      out[slot] = start;
      out[slot + 1] = end;
      if (++found === tree.keys.bytes.length && mayStop) return end;
    }
    i = skipSpace(b, end);
    if (b[i] === RBRACE) return i + 1;
    if (b[i] !== COMMA) throw new SyntaxError(`expected ',' or '}' at ${i}`);
    i = skipSpace(b, i + 1);
  }
}

/** The spans of the elements of the array spanning `at` (none when it is not an array). */
export function elements(b: Uint8Array, at: Span | undefined): Span[] {
  const out: Span[] = [];
  if (!at) return out;
  let i = skipSpace(b, at[0]);
  if (b[i] !== LBRACKET) return out;
  i = skipSpace(b, i + 1);
  while (b[i] !== RBRACKET) {
    const end = skipValue(b, i);
    out.push([i, end]);
    i = skipSpace(b, end);
    if (b[i] === COMMA) i = skipSpace(b, i + 1);
    else if (b[i] !== RBRACKET) throw new SyntaxError(`expected ',' or ']' at ${i}`);
  }
  return out;
}

/** Whether the value at `span` is a JSON string. */
export function isString(b: Uint8Array, span: Span | undefined): boolean {
  return span !== undefined && b[span[0]] === QUOTE;
}

/** Member names to pick, as bytes. */
class KeySet {
  readonly bytes: Uint8Array[];
  constructor(readonly names: readonly string[]) {
    this.bytes = names.map((n) => Buffer.from(n, 'latin1'));
  }

  /** Which name b[start, end) is, or -1. */
  indexOf(b: Uint8Array, start: number, end: number): number {
    next: for (let k = 0; k < this.bytes.length; k++) {
      const key = this.bytes[k];
      if (key.length !== end - start) continue;
      for (let j = 0; j < key.length; j++) if (key[j] !== b[start + j]) continue next;
      return k;
    }
    return -1;
  }
}

/** A string member's value, unescaped; undefined when absent, null or not a string. */
export function stringAt(b: Uint8Array, span: Span | undefined): string | undefined {
  if (!span || b[span[0]] !== QUOTE) return undefined;
  const [start, end] = span;
  // Without escapes the bytes between the quotes are the string (UTF-8); with them, JSON.parse knows the rules.
  for (let i = start + 1; i < end - 1; i++) if (b[i] === BACKSLASH) return JSON.parse(utf8(b, start, end)) as string;
  return utf8(b, start + 1, end - 1);
}

/** A number member's value; undefined when absent or not a number. */
export function numberAt(b: Uint8Array, span: Span | undefined): number | undefined {
  if (!span) return undefined;
  const c = b[span[0]];
  if (c !== 0x2d && (c < 0x30 || c > 0x39)) return undefined; // not '-' or a digit
  return Number(latin1(b, span[0], span[1]));
}

/** The value's JSON text; `fallback` when absent or null. */
export function jsonAt(b: Uint8Array, span: Span | undefined, fallback: string): string {
  if (!span || isNull(b, span)) return fallback;
  return utf8(b, span[0], span[1]);
}

function isNull(b: Uint8Array, span: Span): boolean {
  return span[1] - span[0] === 4 && b[span[0]] === 0x6e; // 'n': the only value of four bytes that starts so
}

const decoder = new TextDecoder();

function utf8(b: Uint8Array, start: number, end: number): string {
  return decoder.decode(b.subarray(start, end));
}

function latin1(b: Uint8Array, start: number, end: number): string {
  return String.fromCharCode(...b.subarray(start, end));
}
