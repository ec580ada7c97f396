import { elements, KeyTree, parseSubject, pick, pickInto, stringAt, type RawEntry, type Span } from '@keelson/eventlog';
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

// writeEntryRows runs once per entry of a replay: the spans go into one reused array (pairs,
// slot k at 2k), so that nothing is allocated per entry but the strings of the subject.
const AT = new Int32Array(ENTRY.size * 2);
const [TYPE, OBJECT, UID, LABELS, OWNERS, NODE_NAME, PHASE, ACTOR, CAUSE, CORRELATION, TIME] = [
  'type', 'object', 'object.metadata.uid', 'object.metadata.labels', 'object.metadata.ownerReferences', 'object.spec.nodeName',
  'object.status.phase', 'actor', 'cause', 'correlation', 'time',
].map((path) => 2 * ENTRY.slot(path));

const UID_ONLY = new KeyTree({ uid: true });
const DELETED = Buffer.from('"Deleted"');
const EMPTY_OBJECT = Buffer.from('{}');

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * Writes the entry's history row into `history` and, unless the entry is a tombstone, its
 * objects row (OBJECT_COLUMNS) into `object`, which is reset first. Returns whether there is
 * an objects row.
 */
export function writeEntryRows(e: RawEntry, history: CopyWriter, object: CopyWriter): boolean {
  const b = e.data;
  const at = pickInto(b, 0, ENTRY, AT);
  if (at[OBJECT] < 0) throw new Error(`entry ${e.seq} has no object`);
  const { resourceToken, namespace = '', name } = parseSubject(e.subject);

  const live = !(at[TYPE] >= 0 && equalBytes(b, at[TYPE], at[TYPE + 1], DELETED));

  const seqAt = history.position;
  history.int(e.seq);
  const seqEnd = history.position;
  history.tab();
  const keyAt = history.position;
  key(history, resourceToken, namespace, name);
  // The objects row takes the key and the sequence from the history row while it is still in
  // the writer's chunk (ending the row may start a new chunk).
  if (live) writeObjectRow(object, b, at, history, keyAt, history.position, seqAt, seqEnd);
  history.tab();
  stringField(history, b, at, TYPE);
  history.tab();
  stringField(history, b, at, ACTOR);
  history.tab();
  numberField(history, b, at, CAUSE);
  history.tab();
  stringField(history, b, at, CORRELATION);
  history.tab();
  stringField(history, b, at, TIME);
  history.tab();
  history.json(b, at[OBJECT], at[OBJECT + 1]);
  history.endRow();
  return live;
}

function writeObjectRow(object: CopyWriter, b: Uint8Array, at: Int32Array, history: CopyWriter, keyAt: number, keyEnd: number, seqAt: number, seqEnd: number): void {
  object.reset();
  object.copyFrom(history, keyAt, keyEnd);
  object.tab();
  if (isStringAt(b, at, UID)) stringField(object, b, at, UID); // '' when absent, as toRow has it
  object.tab();
  object.copyFrom(history, seqAt, seqEnd);
  object.tab();
  if (at[LABELS] >= 0 && !isNull(b, at[LABELS], at[LABELS + 1])) object.json(b, at[LABELS], at[LABELS + 1]);
  else object.raw(EMPTY_OBJECT, 0, 2);
  object.tab();
  ownerUids(object, b, at[OWNERS], at[OWNERS + 1]);
  object.tab();
  // toRow: a node name only when it is a non-empty string; a phase whenever it is a string
  if (isStringAt(b, at, NODE_NAME) && at[NODE_NAME + 1] - at[NODE_NAME] > 2) stringField(object, b, at, NODE_NAME);
  else object.nul();
  object.tab();
  if (isStringAt(b, at, PHASE)) stringField(object, b, at, PHASE);
  else object.nul();
  object.endRow();
}

function key(out: CopyWriter, resource: string, namespace: string, name: string): void {
  out.text(resource);
  out.tab();
  out.text(namespace);
  out.tab();
  out.text(name);
}

function isStringAt(b: Uint8Array, at: Int32Array, slot: number): boolean {
  return at[slot] >= 0 && b[at[slot]] === QUOTE;
}

/** A JSON string member as a text field (NULL when absent or not a string); without escapes its bytes are the text. */
function stringField(out: CopyWriter, b: Uint8Array, at: Int32Array, slot: number): void {
  if (!isStringAt(b, at, slot)) return out.nul();
  const start = at[slot] + 1;
  const end = at[slot + 1] - 1;
  for (let i = start; i < end; i++) if (b[i] === BACKSLASH) return out.text(stringAt(b, [start - 1, end + 1])!);
  out.raw(b, start, end);
}

/** A JSON number member as it is written (NULL when absent or not a number). */
function numberField(out: CopyWriter, b: Uint8Array, at: Int32Array, slot: number): void {
  const c = at[slot] >= 0 ? b[at[slot]] : 0;
  if (c === 0x2d || (c >= 0x30 && c <= 0x39)) out.raw(b, at[slot], at[slot + 1]);
  else out.nul();
}

/** ownerReferences[*].uid as a text[] literal: {"a","b"}. */
function ownerUids(out: CopyWriter, b: Uint8Array, start: number, end: number): void {
  const owners = start < 0 ? [] : elements(b, [start, end]);
  if (owners.length === 0) return out.raw(EMPTY_OBJECT, 0, 2); // '{}', the empty array: most objects have no owner
  out.text(textArray(owners.map((el) => stringAt(b, pick(b, el, UID_ONLY)[0]) ?? '')));
}

/** A Postgres text[] literal, every element quoted: {"a","b"}. */
export function textArray(items: readonly string[]): string {
  return `{${items.map((s) => `"${s.replace(/["\\]/g, (c) => `\\${c}`)}"`).join(',')}}`;
}

function isNull(b: Uint8Array, start: number, end: number): boolean {
  return end - start === 4 && b[start] === 0x6e; // 'n'
}

function equalBytes(b: Uint8Array, start: number, end: number, expected: Uint8Array): boolean {
  if (end - start !== expected.length) return false;
  for (let i = 0; i < expected.length; i++) if (b[start + i] !== expected[i]) return false;
  return true;
}
