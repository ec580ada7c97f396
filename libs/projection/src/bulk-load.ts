import type { ClientBase } from 'pg';
import type { LogEntry } from '@keelson/eventlog';
import { CopyBatch, copyBatch } from './copy';
import type { ProjectedObject } from './evolve';
import { historyRecord } from './writer';

// The rows of a replay into an empty schema, loaded with COPY: nothing there can conflict, so
// the upserts of writer.ts (which the live projector needs) are not needed.
// Objects are not sent twice: history already holds every version, so the objects table takes
// each object's newest version from there (resourceVersion set as evolve's withResourceVersion
// does), and only the small columns travel. Postgres then parses each object's JSON once, and
// the replay keeps no parsed objects in memory until the end.

const HISTORY_COLUMNS = ['seq', 'resource', 'namespace', 'name', 'type', 'actor', 'cause', 'correlation', 'time', 'object'];
const OBJECT_COLUMNS = ['resource', 'namespace', 'name', 'uid', 'rv', 'labels', 'owner_uids', 'node_name', 'phase'];

/** A projected row without its object, which history holds (see copyObjects). */
export type ObjectColumns = Omit<ProjectedObject, 'object'>;

/** History rows on their way to COPY. */
export class HistoryBatch {
  private batch = new CopyBatch();
  lastSeq = 0;

  get size(): number {
    return this.batch.rows;
  }

  add(e: LogEntry): void {
    const h = historyRecord(e);
    this.batch.add([h.seq, h.resource, h.namespace, h.name, h.type, h.actor, h.cause, h.correlation, h.time, JSON.stringify(h.object)]);
    this.lastSeq = e.seq;
  }

  copy(client: ClientBase): Promise<void> {
    return copyBatch(client, 'history', HISTORY_COLUMNS, this.batch);
  }
}

/** Loads the objects table; history must already hold the version each row names (rv = seq). */
export async function copyObjects(client: ClientBase, rows: readonly ObjectColumns[]): Promise<void> {
  const batch = new CopyBatch();
  for (const r of rows) batch.add([r.resource, r.namespace, r.name, r.uid, r.rv, JSON.stringify(r.labels), textArray(r.ownerUids), r.nodeName, r.phase]);
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
