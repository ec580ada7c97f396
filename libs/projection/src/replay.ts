import type { ClientBase } from 'pg';
import type { DataSource } from 'typeorm';
import type { PostgresQueryRunner } from 'typeorm/driver/postgres/PostgresQueryRunner';
import type { EventLog, RawEntry } from '@keelson/eventlog';
import { copyObjects, HistoryBatch, type ObjectColumns } from './bulk-load';
import { KeySet, pick, stringAt } from './json-scan';

// Replay: the log folded again into a fresh schema — optionally stopping at a sequence or a
// time, which is how the cluster is rebuilt "as of" a past moment. Unlike the live projector,
// which must commit objects and checkpoint with every batch, a replay into a fresh schema is
// all or nothing: history streams in large batches loaded with COPY, one load in flight while
// the next batch is read, and the current objects — folded in memory — are copied once at the end.
// The comparison then says, object by object, where the live projection and the rebuilt one differ.

export interface ReplayOptions {
  toSeq?: number;
  toTime?: Date;
  batchSize?: number;
  onProgress?: (seq: number, events: number) => void;
}

export interface ReplayResult {
  events: number;
  lastSeq: number;
}

export async function replayInto(log: EventLog, db: DataSource, opts: ReplayOptions = {}): Promise<ReplayResult> {
  const { first, last } = await log.bounds();
  const target = Math.min(opts.toSeq ?? last, last);
  if (last < first || target < first) return { events: 0, lastSeq: 0 };
  const batchSize = opts.batchSize ?? 4000;
  const runner = db.createQueryRunner() as PostgresQueryRunner;
  const client = (await runner.connect()) as ClientBase;
  await assertEmpty(runner);
  // A fresh schema holds nothing worth an fsync per batch: a replay that dies is simply run again.
  await runner.query(`SET synchronous_commit = off`);
  // One transaction for the whole replay: the tables, truncated in it, take COPY … FREEZE (rows
  // written frozen, so no vacuum pass or hint-bit writes follow the load), and a replay that
  // fails leaves the schema as it found it, indexes included.
  await runner.startTransaction();
  await runner.query(`TRUNCATE history, objects`);
  const indexes = await dropSecondaryIndexes(runner);
  const folded = new Map<string, ObjectColumns | null>();
  const ac = new AbortController();
  let batch = new HistoryBatch();
  let inFlight: Promise<void> = Promise.resolve();
  let events = 0;
  let lastSeq = 0;
  const flush = async () => {
    const b = batch;
    batch = new HistoryBatch();
    await inFlight; // at most one load in flight: reading the log overlaps writing history
    inFlight = b.copy(client, { freeze: true }).then(() => {
      events += b.size;
      opts.onProgress?.(b.lastSeq, events);
    });
  };
  try {
    await log.followRaw(`${log.prefix}.>`, first, async (e) => {
      if ((opts.toTime && entryTime(e) > opts.toTime) || e.seq > target) {
        ac.abort();
        return;
      }
      // In sequence order every entry is newer than the folded row, so each folds from null (as in foldBatch).
      folded.set(e.subject, batch.add(e));
      lastSeq = e.seq;
      if (batch.size >= batchSize) await flush();
      if (e.seq >= target) ac.abort();
    }, ac.signal, { batch: READ_AHEAD });
    if (batch.size) await flush();
    await inFlight;
    const rows = [...folded.values()].filter((r): r is ObjectColumns => r !== null);
    await copyObjects(client, rows);
    for (const ddl of indexes) await runner.query(ddl);
    await runner.query(`INSERT INTO checkpoints (name, seq) VALUES ('projector', $1) ON CONFLICT (name) DO UPDATE SET seq = excluded.seq`, [lastSeq]);
    await runner.commitTransaction();
    return { events, lastSeq };
  } finally {
    await inFlight.catch(() => undefined);
    if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
    await runner.release();
  }
}

/** The envelope's time: a second look at the envelope, only for a replay bounded by time. */
function entryTime(e: RawEntry): Date {
  return new Date(stringAt(e.data, pick(e.data, [0, e.data.length], TIME)[0]) ?? NaN);
}

const TIME = new KeySet(['time']);

/** Messages per pull: a rebuild reads far ahead, the log is all there already. */
const READ_AHEAD = 4096;

/**
 * Drops the fresh schema's secondary indexes (primary keys stay) and returns their DDL: built
 * once over the loaded tables, an index costs one sort instead of an insertion per row — GIN
 * indexes over labels and owner uids most of all.
 */
async function dropSecondaryIndexes(runner: PostgresQueryRunner): Promise<string[]> {
  const rows: { name: string; ddl: string }[] = await runner.query(
    `SELECT quote_ident(i.indexname) AS name, i.indexdef AS ddl FROM pg_indexes i
     WHERE i.schemaname = current_schema() AND i.tablename IN ('history', 'objects')
       AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname AND c.connamespace = current_schema()::regnamespace)`,
  );
  for (const r of rows) await runner.query(`DROP INDEX ${r.name}`);
  return rows.map((r) => r.ddl);
}

/** COPY cannot skip what is already there: a replay goes into an empty schema only. */
async function assertEmpty(runner: PostgresQueryRunner): Promise<void> {
  const [{ used }]: { used: boolean }[] = await runner.query(`SELECT EXISTS (SELECT 1 FROM history) OR EXISTS (SELECT 1 FROM objects) AS used`);
  if (used) throw new Error('replay needs an empty schema; this one already holds a projection');
}

export interface Difference {
  resource: string;
  namespace: string;
  name: string;
  /** only in the live projection, only in the replay, or in both with another version or content */
  kind: 'missing-in-replay' | 'extra-in-replay' | 'differs';
}

/**
 * Compares the objects tables of two schemas. With `asOf`, the live side is the live history
 * as of that sequence (so a partial replay is compared with what the cluster was then).
 */
export async function compareProjections(db: DataSource, liveSchema: string, replaySchema: string, asOf?: number): Promise<Difference[]> {
  const live = asOf === undefined
    ? `SELECT resource, namespace, name, rv, object FROM ${liveSchema}.objects`
    : `SELECT resource, namespace, name, rv, object FROM (
         SELECT DISTINCT ON (resource, namespace, name) resource, namespace, name, seq AS rv, type,
                jsonb_set(object, '{metadata,resourceVersion}', to_jsonb(seq::text)) AS object
         FROM ${liveSchema}.history WHERE seq <= ${Number(asOf)} ORDER BY resource, namespace, name, seq DESC) h WHERE type <> 'Deleted'`;
  const rows: Difference[] = await db.query(`
    WITH l AS (${live}), r AS (SELECT resource, namespace, name, rv, object FROM ${replaySchema}.objects)
    SELECT COALESCE(l.resource, r.resource) AS resource, COALESCE(l.namespace, r.namespace) AS namespace, COALESCE(l.name, r.name) AS name,
           CASE WHEN r.name IS NULL THEN 'missing-in-replay' WHEN l.name IS NULL THEN 'extra-in-replay' ELSE 'differs' END AS kind
    FROM l FULL OUTER JOIN r USING (resource, namespace, name)
    WHERE l.name IS NULL OR r.name IS NULL OR l.rv <> r.rv OR l.object <> r.object
    ORDER BY 1, 2, 3`);
  return rows;
}
