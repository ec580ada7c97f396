import type { DataSource } from 'typeorm';
import type { EventLog, LogEntry } from '@keelson/eventlog';
import { evolve } from './evolve';
import { insertHistory, writeObjects } from './writer';

// Replay: the log folded again into a fresh schema — optionally stopping at a sequence or a
// time, which is how the cluster is rebuilt "as of" a past moment. Unlike the live projector,
// which must commit objects and checkpoint with every batch, a replay into a fresh schema is
// all or nothing: history streams in large batches, one insert in flight while the next batch
// is read, and the current objects — folded in memory — are written once at the end.
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
  // A fresh schema holds nothing worth an fsync per batch: a replay that dies is simply run again.
  const runner = db.createQueryRunner();
  await runner.connect();
  await runner.query(`SET synchronous_commit = off`);
  const folded = new Map<string, { entry: LogEntry; row: ReturnType<typeof evolve> }>();
  const ac = new AbortController();
  let batch: LogEntry[] = [];
  let inFlight: Promise<void> = Promise.resolve();
  let events = 0;
  let lastSeq = 0;
  const flush = async () => {
    const b = batch;
    batch = [];
    await inFlight; // at most one insert in flight: reading the log overlaps writing history
    inFlight = insertHistory(runner, b).then(() => {
      events += b.length;
      opts.onProgress?.(b[b.length - 1].seq, events);
    });
  };
  try {
    await log.follow(`${log.prefix}.>`, first, async (e) => {
      if ((opts.toTime && new Date(e.time) > opts.toTime) || e.seq > target) {
        ac.abort();
        return;
      }
      batch.push(e);
      folded.set(e.subject, { entry: e, row: evolve(folded.get(e.subject)?.row ?? null, e) });
      lastSeq = e.seq;
      if (batch.length >= batchSize) await flush();
      if (e.seq >= target) ac.abort();
    }, ac.signal);
    if (batch.length) await flush();
    await inFlight;
    const states = [...folded.values()];
    await runner.startTransaction();
    for (let i = 0; i < states.length; i += batchSize) await writeObjects(runner, states.slice(i, i + batchSize));
    await runner.query(`INSERT INTO checkpoints (name, seq) VALUES ('projector', $1) ON CONFLICT (name) DO UPDATE SET seq = excluded.seq`, [lastSeq]);
    await runner.commitTransaction();
    return { events, lastSeq };
  } finally {
    if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
    await runner.release();
  }
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
