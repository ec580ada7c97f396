import { Field, MapField, Root, Type } from 'protobufjs/light';
import { MESSAGE_TABLE, type FieldRow } from './proto/table';

// protobufjs Types built from the message table, once, at first use. Type names are the
// table's short names with "_" for ".", since a protobufjs name may not hold a dot.

export interface Row {
  id: number;
  name: string;
  /** a protobuf scalar or another message's short name */
  type: string;
  repeated: boolean;
  map: boolean;
  /** inlined into the parent in JSON */
  inline: boolean;
  /** a zero value is sent in JSON, not left out */
  keepZero: boolean;
  /** type is a message */
  message: boolean;
}

let built: { root: Root; rows: Map<string, Row[]> } | undefined;

export function rowsOf(message: string): Row[] {
  const rows = build().rows.get(message);
  if (!rows) throw new Error(`protobuf: no message ${message}`);
  return rows;
}

export function typeOf(message: string): Type {
  return build().root.lookupType(protoName(message));
}

const protoName = (message: string) => message.replace(/\./g, '_');

function build(): { root: Root; rows: Map<string, Row[]> } {
  if (built) return built;
  const root = new Root();
  const rows = new Map<string, Row[]>();
  for (const [message, fields] of Object.entries(MESSAGE_TABLE)) {
    const type = new Type(protoName(message));
    const typed = fields.map((f) => toRow(f));
    for (const r of typed) {
      const fieldType = r.message ? protoName(r.type) : r.type;
      // proto2, as Kubernetes writes it: repeated scalars are not packed (readers take both)
      if (r.map) type.add(new MapField(r.name, r.id, 'string', fieldType));
      else type.add(new Field(r.name, r.id, fieldType, r.repeated ? 'repeated' : 'optional', undefined, r.repeated && !r.message ? { packed: false } : undefined));
    }
    root.add(type);
    rows.set(message, typed);
  }
  root.resolveAll();
  built = { root, rows };
  return built;
}

function toRow([id, name, type, flags = '']: FieldRow): Row {
  return {
    id,
    name,
    type,
    repeated: flags.includes('r'),
    map: flags.includes('m'),
    inline: flags.includes('i'),
    keepZero: flags.includes('z'),
    message: MESSAGE_TABLE[type] !== undefined,
  };
}
