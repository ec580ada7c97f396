import type { ClientBase } from 'pg';
import type { DataSource, EntityManager } from 'typeorm';
import type { PostgresQueryRunner } from 'typeorm/driver/postgres/PostgresQueryRunner';
import { parseSubject, type LogEntry, type RawEntry } from '@keelson/eventlog';
import { HistoryBatch, textArray, type ObjectColumns } from './entry-rows';

// Writes one batch of log entries in one transaction together with the checkpoint, so a
// batch is either wholly in Postgres (and the checkpoint says so) or not at all: a projector
// killed at any moment resumes from the checkpoint without loss or double effect.
//
// The live projector writes a batch in four round trips whatever its size: begin and lock the
// checkpoint; COPY the history rows (each object's JSON, stored once, as text); upsert (or
// delete) the objects' newest states, whose rows carry selector columns and point at their
// history row by rv; move the checkpoint and commit. History needs no conflict handling: under the checkpoint lock, no
// entry past the checkpoint can be in it yet (every row there was committed with a checkpoint
// at or beyond its sequence).

export async function readCheckpoint(db: DataSource | EntityManager, name: string): Promise<number> {
  const rows: { seq: string }[] = await db.query(`SELECT seq FROM checkpoints WHERE name = $1`, [name]);
  return rows.length ? Number(rows[0].seq) : 0;
}

/** A batch made ready for Postgres before its transaction begins: nothing is decoded inside it. */
export interface PreparedBatch {
  entries: readonly RawEntry[];
  history: HistoryBatch;
  /** each object's newest state in the batch, keyed by subject: its columns, or a tombstone */
  objects: Map<string, ObjectColumns | Tombstone>;
  last: number;
}

interface Tombstone {
  key: { resource: string; namespace: string; name: string };
  seq: number;
}

/**
 * The history rows and the objects' newest states of `entries`, taken from their envelope bytes
 * as the log holds them (HistoryBatch.add picks the few fields the columns need): the live
 * projector never parses an envelope, nor serialises an object again.
 */
export function prepareBatch(entries: readonly RawEntry[]): PreparedBatch {
  const history = new HistoryBatch();
  const objects = new Map<string, ObjectColumns | Tombstone>();
  for (const e of entries) {
    const row = history.add(e);
    objects.set(e.subject, row ?? { key: keyOf(e.subject), seq: e.seq });
  }
  return { entries, history, objects, last: entries.length ? entries[entries.length - 1].seq : 0 };
}

export async function writeBatch(db: DataSource, checkpointName: string, prepared: PreparedBatch): Promise<number> {
  const { entries } = prepared;
  if (entries.length === 0) return readCheckpoint(db, checkpointName);
  const runner = db.createQueryRunner() as PostgresQueryRunner;
  const client = (await runner.connect()) as ClientBase;
  const name = client.escapeLiteral(checkpointName);
  try {
    // Lock the checkpoint row: two projectors on one schema serialise here, and the second skips what the first wrote.
    const begun = (await client.query(
      `BEGIN; INSERT INTO checkpoints (name, seq) VALUES (${name}, 0) ON CONFLICT (name) DO NOTHING; SELECT seq FROM checkpoints WHERE name = ${name} FOR UPDATE`,
    )) as unknown as { rows: { seq: string }[] }[];
    const done = Number(begun[2].rows[0].seq);
    if (done >= prepared.last) {
      await client.query('COMMIT');
      return done;
    }
    // Only another projector on the same schema can have written part of this batch.
    const batch = done < entries[0].seq ? prepared : prepareBatch(entries.filter((e) => e.seq > done));
    await batch.history.copy(client);
    await writeObjects(client, batch.objects.values());
    await client.query(`UPDATE checkpoints SET seq = ${batch.last} WHERE name = ${name}; COMMIT`);
    return batch.last;
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw e;
  } finally {
    await runner.release();
  }
}

// Prepared once per connection (named statements); the rows travel as arrays, one per column.
const UPSERT_OBJECTS = {
  name: 'projector_upsert_objects',
  text: `INSERT INTO objects (resource, namespace, name, uid, rv, labels, owner_uids, node_name, phase)
     SELECT u.resource, u.namespace, u.name, u.uid, u.rv, u.labels::jsonb, u.owner_uids::text[], u.node_name, u.phase
     FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[], $6::text[], $7::text[], $8::text[], $9::text[])
          AS u(resource, namespace, name, uid, rv, labels, owner_uids, node_name, phase)
     ON CONFLICT (resource, namespace, name) DO UPDATE SET
       uid = excluded.uid, rv = excluded.rv, labels = excluded.labels, owner_uids = excluded.owner_uids,
       node_name = excluded.node_name, phase = excluded.phase
     WHERE objects.rv < excluded.rv`,
};
const DELETE_OBJECTS = {
  name: 'projector_delete_objects',
  text: `DELETE FROM objects o USING unnest($1::text[], $2::text[], $3::text[], $4::bigint[]) AS x(resource, namespace, name, seq)
     WHERE o.resource = x.resource AND o.namespace = x.namespace AND o.name = x.name AND o.rv < x.seq`,
};

/** Each object's newest state in the batch (upsert, or delete for a tombstone), never going back to an older version. */
async function writeObjects(client: ClientBase, states: Iterable<ObjectColumns | Tombstone>): Promise<void> {
  const up: unknown[][] = [[], [], [], [], [], [], [], [], []];
  const del: unknown[][] = [[], [], [], []];
  for (const s of states) {
    if ('key' in s) {
      del[0].push(s.key.resource);
      del[1].push(s.key.namespace);
      del[2].push(s.key.name);
      del[3].push(s.seq);
      continue;
    }
    const values = [s.resource, s.namespace, s.name, s.uid, s.rv, s.labels, textArray(s.ownerUids), s.nodeName, s.phase];
    for (let i = 0; i < values.length; i++) up[i].push(values[i]);
  }
  if (up[0].length) await client.query({ ...UPSERT_OBJECTS, values: up });
  if (del[0].length) await client.query({ ...DELETE_OBJECTS, values: del });
}

function keyOf(subject: string): { resource: string; namespace: string; name: string } {
  const { resourceToken, namespace, name } = parseSubject(subject);
  return { resource: resourceToken, namespace: namespace ?? '', name };
}

export function historyRecord(e: LogEntry) {
  return { seq: e.seq, ...keyOf(e.subject), type: e.type, actor: e.actor, cause: e.cause ?? null, correlation: e.correlation ?? null, time: e.time, object: e.object };
}
