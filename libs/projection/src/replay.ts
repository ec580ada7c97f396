import type { DataSource } from 'typeorm';
import type { EventLog, LogEntry } from '@keelson/eventlog';
import { writeBatch } from './writer';

// Replay: the log folded again into a fresh schema, through the same batch writer the live
// projector uses — optionally stopping at a sequence or a time, which is how the cluster is
// rebuilt "as of" a past moment. The comparison then says, object by object, where the live
// projection and the rebuilt one differ.

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
  const batchSize = opts.batchSize ?? 2000;
  const ac = new AbortController();
  let batch: LogEntry[] = [];
  let events = 0;
  let lastSeq = 0;
  const flush = async () => {
    if (!batch.length) return;
    const b = batch;
    batch = [];
    lastSeq = await writeBatch(db, 'projector', b);
    events += b.length;
    opts.onProgress?.(lastSeq, events);
  };
  const prefix = log.prefix;
  await log.follow(`${prefix}.>`, first, async (e) => {
    if (opts.toTime && new Date(e.time) > opts.toTime) {
      ac.abort();
      return;
    }
    batch.push(e);
    if (batch.length >= batchSize) await flush();
    if (e.seq >= target) ac.abort();
  }, ac.signal);
  await flush();
  return { events, lastSeq };
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
         SELECT DISTINCT ON (resource, namespace, name) resource, namespace, name, seq AS rv, type, object
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
