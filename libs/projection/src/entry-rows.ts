import type { ClientBase } from 'pg';
import { elements, jsonAt, KeyTree, parseSubject, pick, pickInto, stringAt, type RawEntry, type Span } from '@keelson/eventlog';
import { CopyBatch, copyBatch, type CopyWriter } from './copy';

// The rows of one log entry, written straight from the entry's bytes: its history row, and for
// anything but a tombstone its object's objects row but the object itself. These are the columns
// writer.ts's historyRecord and evolve.ts's toRow compute from a parsed entry (the spec holds the
// two side by side). Entries are never parsed as a whole: json-scan finds the few members the
// columns need, and the object's JSON goes to Postgres as it is.
//
// History rows go in COPY's binary format, where Postgres takes the object (~3 KB) by its length;
// in the text format it scanned every byte for escapes, ~40 % of its CPU per row (docs/benchmarks.md,
// session 10). The objects row has no object: an object's JSON is stored once, in the history
// row whose seq is the objects row's rv (entities.ts), as text; Postgres never parses it.

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
 * The spans of the members the rows need, found in one pass over the entry's bytes, as pairs in
 * one reused array (slot k at 2k, -1 when absent): nothing is allocated per entry but the
 * strings of the subject. Valid until the next call.
 */
function spansOf(e: RawEntry): Int32Array {
  const at = pickInto(e.data, 0, ENTRY, AT);
  if (at[OBJECT] < 0) throw new Error(`entry ${e.seq} has no object`);
  return at;
}

/**
 * A replay's rows of the entry: its history row into `history`, and unless the entry is a
 * tombstone its objects row (text format) into `object`, which is reset first. Returns whether
 * there is an objects row.
 */
export function writeEntryRows(e: RawEntry, history: CopyBatch, object: CopyWriter): boolean {
  const at = spansOf(e);
  const { resourceToken, namespace = '', name } = parseSubject(e.subject);
  writeHistoryRow(history, e, resourceToken, namespace, name, at);
  const live = !isTombstone(e.data, at);
  if (live) writeObjectRow(object, e.seq, resourceToken, namespace, name, e.data, at);
  return live;
}

/** The objects table's columns of an object's newest version, but its object (which history holds). */
export interface ObjectColumns {
  resource: string;
  namespace: string;
  name: string;
  uid: string;
  rv: number;
  /** JSON text */
  labels: string;
  ownerUids: string[];
  nodeName: string | null;
  phase: string | null;
}

/** The live projector's history rows of a batch, for one COPY. */
export class HistoryBatch {
  private readonly batch = new CopyBatch();

  get size(): number {
    return this.batch.rows;
  }

  /** Adds the entry's history row; returns its object's columns, or null for a tombstone. */
  add(e: RawEntry): ObjectColumns | null {
    const at = spansOf(e);
    const b = e.data;
    const { resourceToken, namespace = '', name } = parseSubject(e.subject);
    writeHistoryRow(this.batch, e, resourceToken, namespace, name, at);
    if (isTombstone(b, at)) return null;
    return {
      resource: resourceToken,
      namespace,
      name,
      uid: stringAt(b, span(at, UID)) ?? '',
      rv: e.seq,
      labels: jsonAt(b, span(at, LABELS), '{}'),
      ownerUids: ownerUids(b, at),
      nodeName: stringAt(b, span(at, NODE_NAME)) || null,
      phase: stringAt(b, span(at, PHASE)) ?? null,
    };
  }

  copy(client: ClientBase): Promise<void> {
    return copyBatch(client, 'history', HISTORY_COLUMNS, this.batch, { binary: true });
  }
}

/** The history row (HISTORY_COLUMNS) in COPY's binary format. */
function writeHistoryRow(out: CopyBatch, e: RawEntry, resource: string, namespace: string, name: string, at: Int32Array): void {
  const b = e.data;
  out.binRow(HISTORY_COLUMNS.length);
  out.binInt8(e.seq);
  out.binText(resource);
  out.binText(namespace);
  out.binText(name);
  stringField(out, b, at, TYPE, true);
  stringField(out, b, at, ACTOR, true);
  if (isNumberAt(b, at, CAUSE)) out.binInt8(integerAt(e.seq, 'cause', b, at[CAUSE], at[CAUSE + 1]));
  else out.binNull(); // absent, null or not a number
  stringField(out, b, at, CORRELATION, true);
  if (isStringAt(b, at, TIME)) out.binInt8(timeAt(e.seq, b, at[TIME] + 1, at[TIME + 1] - 1));
  else out.binNull(); // refused: time is NOT NULL
  out.binBytes(b, at[OBJECT], at[OBJECT + 1]);
  out.endBinRow();
}

function writeObjectRow(object: CopyWriter, seq: number, resource: string, namespace: string, name: string, b: Uint8Array, at: Int32Array): void {
  object.reset();
  object.text(resource);
  object.tab();
  object.text(namespace);
  object.tab();
  object.text(name);
  object.tab();
  if (isStringAt(b, at, UID)) stringField(object, b, at, UID); // '' when absent, as toRow has it
  object.tab();
  object.int(seq);
  object.tab();
  if (at[LABELS] >= 0 && !isNull(b, at[LABELS], at[LABELS + 1])) object.json(b, at[LABELS], at[LABELS + 1]);
  else object.raw(EMPTY_OBJECT, 0, 2);
  object.tab();
  const owners = ownerUids(b, at);
  if (owners.length === 0) object.raw(EMPTY_OBJECT, 0, 2); // '{}', the empty array: most objects have no owner
  else object.text(textArray(owners));
  object.tab();
  // toRow: a node name only when it is a non-empty string; a phase whenever it is a string
  if (isStringAt(b, at, NODE_NAME) && at[NODE_NAME + 1] - at[NODE_NAME] > 2) stringField(object, b, at, NODE_NAME);
  else object.nul();
  object.tab();
  if (isStringAt(b, at, PHASE)) stringField(object, b, at, PHASE);
  else object.nul();
  object.endRow();
}

/** A JSON number member that must be an integer (a bigint column). */
function integerAt(seq: number, what: string, b: Uint8Array, start: number, end: number): number {
  const n = Number(Buffer.from(b.buffer, b.byteOffset + start, end - start).toString('latin1'));
  if (!Number.isSafeInteger(n)) throw new Error(`entry ${seq}: ${what} is not an integer`);
  return n;
}

/**
 * An RFC 3339 time (the envelope's, `2026-11-26T10:00:00.000Z`), from the bytes between its
 * quotes, as timestamptz's binary form: microseconds since 2000-01-01 UTC (a seventh fraction
 * digit rounds, as in Postgres).
 */
export function timeAt(seq: number, b: Uint8Array, start: number, end: number): number {
  const year = digits(b, start, 4);
  const month = digits(b, start + 5, 2);
  const day = digits(b, start + 8, 2);
  const hour = digits(b, start + 11, 2);
  const minute = digits(b, start + 14, 2);
  const second = digits(b, start + 17, 2);
  let ok = end - start >= 20 && b[start + 4] === 0x2d && b[start + 7] === 0x2d && (b[start + 10] | 0x20) === 0x74 && b[start + 13] === 0x3a && b[start + 16] === 0x3a;
  ok &&= year >= 0 && month >= 1 && month <= 12 && day >= 1 && day <= 31 && hour <= 23 && minute <= 59 && second <= 60; // NaN fails each
  let i = start + 19;
  let micros = 0;
  if (ok && b[i] === 0x2e) {
    let scale = 100_000;
    for (i++; i < end && b[i] >= 0x30 && b[i] <= 0x39; i++, scale /= 10) {
      if (scale >= 1) micros += (b[i] - 0x30) * scale;
      else if (scale > 0.09 && b[i] >= 0x35) micros++; // the seventh digit rounds
    }
  }
  let offsetMinutes = 0;
  if (ok && (b[i] | 0x20) === 0x7a) i++; // Z
  else if (ok && (b[i] === 0x2b || b[i] === 0x2d) && b[i + 3] === 0x3a) {
    const h = digits(b, i + 1, 2);
    const m = digits(b, i + 4, 2);
    ok = h <= 23 && m <= 59;
    offsetMinutes = (b[i] === 0x2b ? 1 : -1) * (h * 60 + m);
    i += 6;
  } else ok = false;
  if (!ok || i !== end) throw new Error(`entry ${seq}: time ${JSON.stringify(Buffer.from(b.subarray(start, end)).toString())} is not an RFC 3339 time`);
  return (Date.UTC(year, month - 1, day, hour, minute, second) - POSTGRES_EPOCH_MS - offsetMinutes * 60_000) * 1000 + micros;
}

/** The decimal number of n digits at b[i]; NaN if one is not a digit. */
function digits(b: Uint8Array, i: number, n: number): number {
  let v = 0;
  for (let k = i; k < i + n; k++) {
    const c = b[k] - 0x30;
    if (!(c >= 0 && c <= 9)) return NaN;
    v = v * 10 + c;
  }
  return v;
}

const POSTGRES_EPOCH_MS = Date.UTC(2000, 0, 1);

function isStringAt(b: Uint8Array, at: Int32Array, slot: number): boolean {
  return at[slot] >= 0 && b[at[slot]] === QUOTE;
}

function isNumberAt(b: Uint8Array, at: Int32Array, slot: number): boolean {
  const c = at[slot] >= 0 ? b[at[slot]] : 0;
  return c === 0x2d || (c >= 0x30 && c <= 0x39); // '-' or a digit
}

/**
 * A JSON string member as a text field, in COPY's binary format or its text one (NULL when
 * absent or not a string); without escapes its bytes are the text.
 */
function stringField(out: CopyWriter, b: Uint8Array, at: Int32Array, slot: number, binary = false): void {
  if (!isStringAt(b, at, slot)) return binary ? out.binNull() : out.nul();
  const start = at[slot] + 1;
  const end = at[slot + 1] - 1;
  for (let i = start; i < end; i++) {
    if (b[i] !== BACKSLASH) continue;
    const text = stringAt(b, [start - 1, end + 1])!;
    return binary ? out.binText(text) : out.text(text);
  }
  if (binary) out.binBytes(b, start, end);
  else out.raw(b, start, end);
}

/** ownerReferences[*].uid ('' for an owner without one). */
function ownerUids(b: Uint8Array, at: Int32Array): string[] {
  return at[OWNERS] < 0 ? [] : elements(b, span(at, OWNERS)).map((el) => stringAt(b, pick(b, el, UID_ONLY)[0]) ?? '');
}

/** A Postgres text[] literal, every element quoted: {"a","b"}. */
export function textArray(items: readonly string[]): string {
  return `{${items.map((s) => `"${s.replace(/["\\]/g, (c) => `\\${c}`)}"`).join(',')}}`;
}

function isTombstone(b: Uint8Array, at: Int32Array): boolean {
  return at[TYPE] >= 0 && equalBytes(b, at[TYPE], at[TYPE + 1], DELETED);
}

/** Slot's span as pick gives it. */
function span(at: Int32Array, slot: number): Span | undefined {
  return at[slot] < 0 ? undefined : [at[slot], at[slot + 1]];
}

function isNull(b: Uint8Array, start: number, end: number): boolean {
  return end - start === 4 && b[start] === 0x6e; // 'n'
}

function equalBytes(b: Uint8Array, start: number, end: number, expected: Uint8Array): boolean {
  if (end - start !== expected.length) return false;
  for (let i = 0; i < expected.length; i++) if (b[start + i] !== expected[i]) return false;
  return true;
}
