import type { ClientBase } from 'pg';
import { parseSubject, type LogEntry, type RawEntry } from '@keelson/eventlog';
import { CopyBatch, copyBatch } from './copy';
import { jsonAt, KeySet, numberAt, pick, stringAt } from './json-scan';
import { historyRecord } from './writer';

// The rows of a replay into an empty schema, loaded with COPY: nothing there can conflict, so
// the upserts of writer.ts (which the live projector needs) are not needed.
// Entries are never parsed as a whole: json-scan.ts finds the few fields the columns need and
// the object's JSON text goes from the log's message bytes to COPY as it is (the same columns
// as evolve.ts's toRow and writer.ts's historyRecord compute from a parsed entry).
// Objects are not sent twice: history already holds every version, so the objects table takes
// each object's newest version from there (resourceVersion set as evolve's withResourceVersion
// does), and only the small columns travel. Postgres then parses each object's JSON once.

const HISTORY_COLUMNS = ['seq', 'resource', 'namespace', 'name', 'type', 'actor', 'cause', 'correlation', 'time', 'object'];
const OBJECT_COLUMNS = ['resource', 'namespace', 'name', 'uid', 'rv', 'labels', 'owner_uids', 'node_name', 'phase'];

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

const ENVELOPE = new KeySet(['type', 'object', 'actor', 'cause', 'correlation', 'time']);
const OBJECT = new KeySet(['metadata', 'spec', 'status']);
const METADATA = new KeySet(['uid', 'labels', 'ownerReferences']);
const SPEC = new KeySet(['nodeName']);
const STATUS = new KeySet(['phase']);

/** History rows on their way to COPY. */
export class HistoryBatch {
  private batch = new CopyBatch();
  lastSeq = 0;

  get size(): number {
    return this.batch.rows;
  }

  /** Adds the entry's history row; returns its object's columns, or null for a tombstone. */
  add(e: RawEntry): ObjectColumns | null {
    const b = e.data;
    const [typeAt, object, actor, cause, correlation, time] = pick(b, [0, b.length], ENVELOPE);
    if (!object) throw new Error(`entry ${e.seq} has no object`);
    const { resourceToken, namespace = '', name } = parseSubject(e.subject);
    const type = stringAt(b, typeAt);
    this.batch.add(
      [e.seq, resourceToken, namespace, name, type, stringAt(b, actor), numberAt(b, cause), stringAt(b, correlation), stringAt(b, time)],
      { bytes: b, start: object[0], end: object[1] },
    );
    this.lastSeq = e.seq;
    if (type === 'Deleted') return null;
    const [metadata, spec, status] = pick(b, object, OBJECT);
    const [uid, labels, owners] = pick(b, metadata, METADATA);
    const [nodeName] = pick(b, spec, SPEC);
    const [phase] = pick(b, status, STATUS);
    return {
      resource: resourceToken,
      namespace,
      name,
      uid: stringAt(b, uid) ?? '',
      rv: e.seq,
      labels: jsonAt(b, labels, '{}'),
      ownerUids: ((JSON.parse(jsonAt(b, owners, '[]')) ?? []) as { uid: string }[]).map((o) => o.uid),
      nodeName: stringAt(b, nodeName) || null,
      phase: stringAt(b, phase) ?? null,
    };
  }

  /** The live projector's row of an entry it has already decoded (it needs the object anyway). */
  addEntry(e: LogEntry): void {
    const h = historyRecord(e);
    this.batch.add([h.seq, h.resource, h.namespace, h.name, h.type, h.actor, h.cause, h.correlation, h.time, JSON.stringify(h.object)]);
    this.lastSeq = e.seq;
  }

  /** `freeze` (COPY … FREEZE) only where the table was truncated in the same transaction: the replay's. */
  copy(client: ClientBase, opts: { freeze?: boolean } = {}): Promise<void> {
    return copyBatch(client, 'history', HISTORY_COLUMNS, this.batch, opts);
  }
}

/** Loads the objects table; history must already hold the version each row names (rv = seq). */
export async function copyObjects(client: ClientBase, rows: Iterable<ObjectColumns>): Promise<void> {
  const batch = new CopyBatch();
  for (const r of rows) batch.add([r.resource, r.namespace, r.name, r.uid, r.rv, r.labels, textArray(r.ownerUids), r.nodeName, r.phase]);
  await client.query(`CREATE TEMP TABLE replay_objects (LIKE objects INCLUDING DEFAULTS) ON COMMIT DROP`);
  await client.query(`ALTER TABLE replay_objects ALTER object DROP NOT NULL`);
  await copyBatch(client, 'replay_objects', OBJECT_COLUMNS, batch);
  await client.query(
    `INSERT INTO objects (${OBJECT_COLUMNS.join(', ')}, object)
     SELECT ${OBJECT_COLUMNS.map((c) => `o.${c}`).join(', ')}, jsonb_set(h.object, '{metadata,resourceVersion}', to_jsonb(o.rv::text))
     FROM replay_objects o JOIN history h ON h.seq = o.rv`,
  );
}

/** A Postgres text[] literal, every element quoted: {"a","b"}. */
export function textArray(items: readonly string[]): string {
  return `{${items.map((s) => `"${s.replace(/["\\]/g, (c) => `\\${c}`)}"`).join(',')}}`;
}
