import { elements, isString, KeyTree, parseSubject, pick, stringAt, type RawEntry, type Span } from '@keelson/eventlog';
import type { CopyWriter } from './copy';

// The rows of one log entry in COPY text format, written straight from the entry's bytes: the
// history row, and for anything but a tombstone the objects row of its object but the object
// itself. These are the columns writer.ts's historyRecord and evolve.ts's toRow compute from a
// parsed entry (the spec holds the two side by side). Entries are never parsed as a whole:
// json-scan finds the few members the columns need, and the object's JSON goes to Postgres as it is.
//
// The objects row has no object: an object's JSON is stored once, in the history row whose
// seq is the objects row's rv (entities.ts), as text; Postgres never parses it.

export const HISTORY_COLUMNS = ['seq', 'resource', 'namespace', 'name', 'type', 'actor', 'cause', 'correlation', 'time', 'object'];
/** The objects table's columns (its object is in the history row whose seq is `rv`). */
export const OBJECT_COLUMNS = ['resource', 'namespace', 'name', 'uid', 'rv', 'labels', 'owner_uids', 'node_name', 'phase'];

const ENTRY = new KeyTree({
  type: true,
  object: { metadata: { uid: true, labels: true, ownerReferences: true }, spec: { nodeName: true }, status: { phase: true } },
  actor: true,
  cause: true,
  correlation: true,
  time: true,
});

/** The spans of an entry's envelope members and of its object's members the rows need (absent ones undefined). */
export interface EntryFields {
  type?: Span;
  object?: Span;
  actor?: Span;
  cause?: Span;
  correlation?: Span;
  time?: Span;
  uid?: Span;
  labels?: Span;
  ownerReferences?: Span;
  nodeName?: Span;
  phase?: Span;
}

/** Everything the history and objects rows take from an envelope, found in one pass over its bytes. */
export function entryFields(b: Uint8Array): EntryFields {
  const [type, object, , uid, labels, ownerReferences, , nodeName, , phase, actor, cause, correlation, time] = pick(b, [0, b.length], ENTRY);
  return { type, object, actor, cause, correlation, time, uid, labels, ownerReferences, nodeName, phase };
}

const UID = new KeyTree({ uid: true });
const DELETED = Buffer.from('"Deleted"');
const EMPTY_OBJECT = Buffer.from('{}');

const BACKSLASH = 0x5c;

/**
 * Writes the entry's history row into `history` and, unless the entry is a tombstone, its
 * objects row (OBJECT_COLUMNS) into `object`, which is reset first. Returns whether there is
 * an objects row.
 */
export function writeEntryRows(e: RawEntry, history: CopyWriter, object: CopyWriter): boolean {
  const b = e.data;
  const { type, object: obj, actor, cause, correlation, time, uid, labels, ownerReferences: owners, nodeName, phase } = entryFields(b);
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
  out.text(textArray(elements(b, owners).map((el) => stringAt(b, pick(b, el, UID)[0]) ?? '')));
}

/** A Postgres text[] literal, every element quoted: {"a","b"}. */
export function textArray(items: readonly string[]): string {
  return `{${items.map((s) => `"${s.replace(/["\\]/g, (c) => `\\${c}`)}"`).join(',')}}`;
}

function isNull(b: Uint8Array, span: Span): boolean {
  return span[1] - span[0] === 4 && b[span[0]] === 0x6e; // 'n'
}

function equalBytes(b: Uint8Array, span: Span, expected: Uint8Array): boolean {
  if (span[1] - span[0] !== expected.length) return false;
  for (let i = 0; i < expected.length; i++) if (b[span[0] + i] !== expected[i]) return false;
  return true;
}
