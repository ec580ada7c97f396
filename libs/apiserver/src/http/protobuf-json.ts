import type { Message } from 'protobufjs/light';
import { rowsOf, type Row } from './protobuf-types';

// A decoded Kubernetes protobuf message ↔ the object Kubernetes' JSON encoding gives for it.
//
// Go writes every non-pointer field, so a message from kubectl carries "" and 0 for each field
// it left empty (metadata.uid: "", hostNetwork: false); JSON leaves those out (omitempty). A
// zero scalar is therefore dropped unless the table says JSON keeps it: a Go pointer, where 0
// is a choice (spec.replicas: 0), or a field without omitempty. Messages with a JSON form of
// their own (Time, IntOrString, Quantity…) convert whole.

type Json = unknown;
type Obj = Record<string, unknown>;

const has = (m: object, key: string) => Object.prototype.hasOwnProperty.call(m, key);

/** int64 arrives as a Long when the long package is around, else as a number */
function num(v: unknown): number {
  return typeof v === 'object' && v !== null && 'toNumber' in v ? (v as { toNumber(): number }).toNumber() : Number(v);
}

const isZero = (v: Json) => v === '' || v === 0 || v === false;

export function messageToJson(message: string, m: Message | Obj): Json {
  const o = m as unknown as Obj;
  switch (message) {
    case 'meta.v1.Time':
      // a zero Time is an empty message; Kubernetes drops sub-second precision on the wire
      return has(o, 'seconds') || has(o, 'nanos') ? rfc3339(num(o.seconds ?? 0)) : undefined;
    case 'meta.v1.MicroTime':
      return has(o, 'seconds') || has(o, 'nanos') ? rfc3339(num(o.seconds ?? 0), num(o.nanos ?? 0)) : undefined;
    case 'util.intstr.IntOrString':
      return num(o.type ?? 0) === 1 ? String(o.strVal ?? '') : num(o.intVal ?? 0);
    case 'api.resource.Quantity':
      return String(o.string ?? '');
    case 'runtime.RawExtension':
      return parseRaw(o.raw);
    case 'meta.v1.FieldsV1':
      return parseRaw(o.Raw);
  }
  const out: Obj = {};
  for (const row of rowsOf(message)) {
    if (!has(o, row.name)) continue;
    const v = o[row.name];
    if (row.map) {
      const entries = Object.entries(v as Obj);
      if (entries.length) out[row.name] = Object.fromEntries(entries.map(([k, e]) => [k, valueToJson(row, e)]));
    } else if (row.repeated) {
      if ((v as unknown[]).length) out[row.name] = (v as unknown[]).map((e) => valueToJson(row, e));
    } else {
      const j = valueToJson(row, v);
      if (j === undefined || (!row.message && isZero(j) && !row.keepZero)) continue;
      if (row.inline) Object.assign(out, j);
      else out[row.name] = j;
    }
  }
  return out;
}

function valueToJson(row: Row, v: unknown): Json {
  if (row.message) return messageToJson(row.type, v as Obj);
  if (row.type === 'bytes') return Buffer.from(v as Uint8Array).toString('base64');
  if (row.type === 'string' || row.type === 'bool') return v;
  return num(v);
}

function parseRaw(raw: unknown): Json {
  if (!raw || (raw as Uint8Array).length === 0) return undefined;
  return JSON.parse(Buffer.from(raw as Uint8Array).toString('utf8'));
}

/**
 * Time is whole seconds, MicroTime always six decimals: 1700000000 → "2023-11-14T22:13:20Z";
 * with nanos 5000 (a MicroTime) → "2023-11-14T22:13:20.000005Z".
 */
function rfc3339(seconds: number, nanos?: number): string {
  const base = new Date(seconds * 1000).toISOString().slice(0, 19);
  return nanos === undefined ? `${base}Z` : `${base}.${String(Math.floor(nanos / 1000)).padStart(6, '0')}Z`;
}

/** The other way: the JSON form of a message as the plain object protobufjs encodes. */
export function jsonToMessage(message: string, j: Json): Obj {
  const o = (j ?? {}) as Obj;
  switch (message) {
    case 'meta.v1.Time':
    case 'meta.v1.MicroTime': {
      const ms = Date.parse(String(j));
      const micros = /\.(\d{1,6})/.exec(String(j))?.[1] ?? '';
      return { seconds: Math.floor(ms / 1000), ...(message === 'meta.v1.MicroTime' ? { nanos: Number(micros.padEnd(6, '0')) * 1000 } : {}) };
    }
    case 'util.intstr.IntOrString':
      return typeof j === 'string' ? { type: 1, strVal: j } : { type: 0, intVal: j };
    case 'api.resource.Quantity':
      return { string: String(j) };
    case 'runtime.RawExtension':
      return { raw: Buffer.from(JSON.stringify(j)) };
    case 'meta.v1.FieldsV1':
      return { Raw: Buffer.from(JSON.stringify(j)) };
  }
  const out: Obj = {};
  for (const row of rowsOf(message)) {
    if (row.inline) {
      out[row.name] = jsonToMessage(row.type, o);
      continue;
    }
    const v = o[row.name];
    if (v === undefined || v === null) continue;
    if (row.map) out[row.name] = Object.fromEntries(Object.entries(v as Obj).map(([k, e]) => [k, valueToMessage(row, e)]));
    else if (row.repeated) out[row.name] = (v as unknown[]).map((e) => valueToMessage(row, e));
    else out[row.name] = valueToMessage(row, v);
  }
  return out;
}

function valueToMessage(row: Row, v: unknown): unknown {
  if (row.message) return jsonToMessage(row.type, v);
  if (row.type === 'bytes') return Buffer.from(String(v), 'base64');
  return v;
}
