import { KeySet, parseSubject, pick, stringAt, type RawEntry, type Span } from '@keelson/eventlog';
import type { CopyWriter } from './copy';

// The rows of one log entry in COPY text format, written straight from the entry's bytes: the
// history row, and for anything but a tombstone the objects row of its object. These are the
// columns writer.ts's historyRecord and evolve.ts's toRow compute from a parsed entry (the spec
// holds the two side by side). Entries are never parsed as a whole: json-scan finds the few
// members the columns need, and the object's JSON goes to Postgres as it is.
//
// The objects table stores the object with metadata.resourceVersion set to the entry's
// sequence (evolve's withResourceVersion; the live projector uses jsonb_set). Here the member is
// appended at the end of metadata as text: jsonb keeps the last of duplicate keys, so an older
// resourceVersion in the object, if any, gives way exactly as with jsonb_set.

export const HISTORY_COLUMNS = ['seq', 'resource', 'namespace', 'name', 'type', 'actor', 'cause', 'correlation', 'time', 'object'];
export const OBJECT_COLUMNS = ['resource', 'namespace', 'name', 'uid', 'rv', 'labels', 'owner_uids', 'node_name', 'phase', 'object'];

const ENVELOPE = new KeySet(['type', 'object', 'actor', 'cause', 'correlation', 'time']);
const OBJECT = new KeySet(['metadata', 'spec', 'status']);
const METADATA = new KeySet(['uid', 'labels', 'ownerReferences']);
const SPEC = new KeySet(['nodeName']);
const STATUS = new KeySet(['phase']);
const UID = new KeySet(['uid']);
const DELETED = Buffer.from('"Deleted"');
const EMPTY_OBJECT = Buffer.from('{}');

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const LBRACE = 0x7b;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;
const COMMA = 0x2c;

/**
 * Writes the entry's history row into `history` and, unless the entry is a tombstone, its
 * objects row into `object` (which is reset first). Returns whether there is an objects row.
 */
export function writeEntryRows(e: RawEntry, history: CopyWriter, object: CopyWriter): boolean {
  const b = e.data;
  const [type, obj, actor, cause, correlation, time] = pick(b, [0, b.length], ENVELOPE);
  if (!obj) throw new Error(`entry ${e.seq} has no object`);
  const { resourceToken, namespace = '', name } = parseSubject(e.subject);

  history.int(e.seq);
  history.tab();
  key(history, resourceToken, namespace, name);
  history.tab();
  stringField(history, b, type);
  history.tab();
  stringField(history, b, actor);
  history.tab();
  numberField(history, b, cause);
  history.tab();
  stringField(history, b, correlation);
  history.tab();
  stringField(history, b, time);
  history.tab();
  history.json(b, obj[0], obj[1]);
  history.endRow();

  if (type && equalBytes(b, type, DELETED)) return false;
  const [metadata, spec, status] = pick(b, obj, OBJECT);
  const [uid, labels, owners] = pick(b, metadata, METADATA);
  const [nodeName] = pick(b, spec, SPEC);
  const [phase] = pick(b, status, STATUS);
  object.reset();
  key(object, resourceToken, namespace, name);
  object.tab();
  if (isString(b, uid)) stringField(object, b, uid); // '' when absent, as toRow has it
  object.tab();
  object.int(e.seq);
  object.tab();
  if (labels && !isNull(b, labels)) object.json(b, labels[0], labels[1]);
  else object.raw(EMPTY_OBJECT, 0, 2);
  object.tab();
  ownerUids(object, b, owners);
  object.tab();
  // toRow: a node name only when it is a non-empty string; a phase whenever it is a string
  if (isString(b, nodeName) && nodeName![1] - nodeName![0] > 2) stringField(object, b, nodeName);
  else object.nul();
  object.tab();
  if (isString(b, phase)) stringField(object, b, phase);
  else object.nul();
  object.tab();
  objectWithResourceVersion(object, b, obj, metadata, e.seq);
  object.endRow();
  return true;
}

function key(out: CopyWriter, resource: string, namespace: string, name: string): void {
  out.text(resource);
  out.tab();
  out.text(namespace);
  out.tab();
  out.text(name);
}

/** A JSON string member as a text field (NULL when absent or not a string); without escapes its bytes are the text. */
function stringField(out: CopyWriter, b: Uint8Array, span: Span | undefined): void {
  if (!isString(b, span)) return out.nul();
  const [start, end] = span!;
  const k = b.indexOf(BACKSLASH, start + 1);
  if (k < 0 || k >= end - 1) out.raw(b, start + 1, end - 1);
  else out.text(stringAt(b, span)!);
}

/** A JSON number member as it is written (NULL when absent or not a number). */
function numberField(out: CopyWriter, b: Uint8Array, span: Span | undefined): void {
  const c = span ? b[span[0]] : 0;
  if (c === 0x2d || (c >= 0x30 && c <= 0x39)) out.raw(b, span![0], span![1]);
  else out.nul();
}

/** ownerReferences[*].uid as a text[] literal: {"a","b"}. */
function ownerUids(out: CopyWriter, b: Uint8Array, owners: Span | undefined): void {
  const uids: string[] = [];
  if (owners && b[owners[0]] === LBRACKET) for (const el of elements(b, owners)) uids.push(stringAt(b, pick(b, el, UID)[0]) ?? '');
  out.text(textArray(uids));
}

/** The spans of a JSON array's elements. */
function elements(b: Uint8Array, array: Span): Span[] {
  const out: Span[] = [];
  let i = array[0] + 1;
  for (;;) {
    while (isSpace(b[i]) || b[i] === COMMA) i++;
    if (i >= array[1] || b[i] === RBRACKET) return out;
    // an element is an object here; pick() checks, so finding its end is all that is needed
    const start = i;
    i = skipObject(b, i);
    out.push([start, i]);
  }
}

function skipObject(b: Uint8Array, i: number): number {
  if (b[i] !== LBRACE) {
    while (i < b.length && b[i] !== COMMA && b[i] !== RBRACKET) i++;
    return i;
  }
  let depth = 0;
  for (; i < b.length; i++) {
    const c = b[i];
    if (c === QUOTE) {
      for (i++; b[i] !== QUOTE; i++) if (b[i] === BACKSLASH) i++;
    } else if (c === LBRACE || c === LBRACKET) depth++;
    else if ((c === 0x7d || c === RBRACKET) && --depth === 0) return i + 1;
  }
  return i;
}

/** The object's JSON with `"resourceVersion":"<seq>"` as the last member of its metadata. */
function objectWithResourceVersion(out: CopyWriter, b: Uint8Array, obj: Span, metadata: Span | undefined, seq: number): void {
  if (!metadata || b[metadata[0]] !== LBRACE) return out.json(b, obj[0], obj[1]); // jsonb_set leaves such an object as it is
  const close = metadata[1] - 1; // metadata's closing brace
  out.json(b, obj[0], close);
  let i = metadata[0] + 1;
  while (isSpace(b[i])) i++;
  out.text(`${i === close ? '' : ','}"resourceVersion":"${seq}"`);
  out.json(b, close, obj[1]);
}

/** A Postgres text[] literal, every element quoted: {"a","b"}. */
export function textArray(items: readonly string[]): string {
  return `{${items.map((s) => `"${s.replace(/["\\]/g, (c) => `\\${c}`)}"`).join(',')}}`;
}

function isString(b: Uint8Array, span: Span | undefined): boolean {
  return span !== undefined && b[span[0]] === QUOTE;
}

function isNull(b: Uint8Array, span: Span): boolean {
  return span[1] - span[0] === 4 && b[span[0]] === 0x6e;
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

function equalBytes(b: Uint8Array, span: Span, expected: Uint8Array): boolean {
  if (span[1] - span[0] !== expected.length) return false;
  for (let i = 0; i < expected.length; i++) if (b[span[0] + i] !== expected[i]) return false;
  return true;
}
