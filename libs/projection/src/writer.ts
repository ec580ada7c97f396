import type { DataSource, EntityManager } from 'typeorm';
import { parseSubject, type LogEntry } from '@keelson/eventlog';
import { foldBatch, type ProjectedObject } from './evolve';

// Writes one batch of log entries in one transaction together with the checkpoint, so a
// batch is either wholly in Postgres (and the checkpoint says so) or not at all: a projector
// killed at any moment resumes from the checkpoint without loss or double effect.
// Rows travel as one jsonb parameter and are unpacked by jsonb_to_recordset: one round trip
// per statement, whatever the batch size.

export async function readCheckpoint(db: DataSource | EntityManager, name: string): Promise<number> {
  const rows: { seq: string }[] = await db.query(`SELECT seq FROM checkpoints WHERE name = $1`, [name]);
  return rows.length ? Number(rows[0].seq) : 0;
}

export async function writeBatch(db: DataSource, checkpointName: string, entries: readonly LogEntry[]): Promise<number> {
  if (entries.length === 0) return readCheckpoint(db, checkpointName);
  return db.transaction(async (tx) => {
    // Lock the checkpoint row: two projectors on one schema serialise here, and the second skips what the first wrote.
    await tx.query(`INSERT INTO checkpoints (name, seq) VALUES ($1, 0) ON CONFLICT (name) DO NOTHING`, [checkpointName]);
    const rows: { seq: string }[] = await tx.query(`SELECT seq FROM checkpoints WHERE name = $1 FOR UPDATE`, [checkpointName]);
    const done = Number(rows[0].seq);
    const fresh = entries.filter((e) => e.seq > done);
    if (fresh.length === 0) return done;

    await insertHistory(tx, fresh);
    await writeObjects(tx, [...foldBatch(fresh).values()]);
    const last = fresh[fresh.length - 1].seq;
    await tx.query(`UPDATE checkpoints SET seq = $2 WHERE name = $1`, [checkpointName, last]);
    return last;
  });
}

type Queryable = Pick<EntityManager, 'query'>;

/** Appends entries to the history table (idempotent: a sequence already there is skipped). */
export async function insertHistory(db: Queryable, entries: readonly LogEntry[]): Promise<void> {
  if (!entries.length) return;
  await db.query(
    `INSERT INTO history (seq, resource, namespace, name, type, actor, cause, correlation, time, object)
     SELECT x.seq, x.resource, x.namespace, x.name, x.type, x.actor, x.cause, x.correlation, x.time, x.object
     FROM jsonb_to_recordset($1::jsonb) AS x(seq bigint, resource text, namespace text, name text, type text, actor text, cause bigint, correlation text, time timestamptz, object jsonb)
     ON CONFLICT (seq) DO NOTHING`,
    [JSON.stringify(entries.map(historyRecord))],
  );
}

/** Writes each object's newest state (upsert, or delete for a tombstone), never going back to an older version. */
export async function writeObjects(db: Queryable, states: readonly { entry: LogEntry; row: ProjectedObject | null }[]): Promise<void> {
  const upserts: unknown[] = [];
  const deletes: unknown[] = [];
  for (const { entry, row } of states) {
    if (row) upserts.push({ ...row, owner_uids: row.ownerUids, node_name: row.nodeName });
    else deletes.push({ ...keyOf(entry), seq: entry.seq });
  }
  if (upserts.length) {
    await db.query(
      `INSERT INTO objects (resource, namespace, name, uid, rv, labels, owner_uids, node_name, phase, object)
       SELECT x.resource, x.namespace, x.name, x.uid, x.rv, x.labels, ARRAY(SELECT jsonb_array_elements_text(x.owner_uids)), x.node_name, x.phase, x.object
       FROM jsonb_to_recordset($1::jsonb) AS x(resource text, namespace text, name text, uid text, rv bigint, labels jsonb, owner_uids jsonb, node_name text, phase text, object jsonb)
       ON CONFLICT (resource, namespace, name) DO UPDATE SET
         uid = excluded.uid, rv = excluded.rv, labels = excluded.labels, owner_uids = excluded.owner_uids,
         node_name = excluded.node_name, phase = excluded.phase, object = excluded.object
       WHERE objects.rv < excluded.rv`,
      [JSON.stringify(upserts)],
    );
  }
  if (deletes.length) {
    await db.query(
      `DELETE FROM objects o USING jsonb_to_recordset($1::jsonb) AS x(resource text, namespace text, name text, seq bigint)
       WHERE o.resource = x.resource AND o.namespace = x.namespace AND o.name = x.name AND o.rv < x.seq`,
      [JSON.stringify(deletes)],
    );
  }
}

function keyOf(e: LogEntry): { resource: string; namespace: string; name: string } {
  const { resourceToken, namespace, name } = parseSubject(e.subject);
  return { resource: resourceToken, namespace: namespace ?? '', name };
}

export function historyRecord(e: LogEntry) {
  return { seq: e.seq, ...keyOf(e), type: e.type, actor: e.actor, cause: e.cause ?? null, correlation: e.correlation ?? null, time: e.time, object: e.object };
}
