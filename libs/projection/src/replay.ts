import type { DataSource } from 'typeorm';
import { KeySet, pick, stringAt, type EventLog, type RawEntry } from '@keelson/eventlog';
import { RebuildLoad } from './rebuild-load';

// Replay: the log folded again into a fresh schema — optionally stopping at a sequence or a
// time, which is how the cluster is rebuilt "as of" a past moment. Unlike the live projector,
// which must commit objects and checkpoint with every batch, a replay into a fresh schema is
// all or nothing: the log is read as fast as nats-server sends it (EventLog.readRange) and the
// rows stream into Postgres through COPY as they come (rebuild-load.ts).
// The comparison then says, object by object, where the live projection and the rebuilt one differ.

export interface ReplayOptions {
  toSeq?: number;
  toTime?: Date;
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
  const load = await RebuildLoad.open(db);
  try {
    let events = 0;
    const read = await log.readRange({
      filter: `${log.prefix}.>`,
      fromSeq: first,
      toSeq: target,
      onEntry: (e) => {
        if (opts.toTime && entryTime(e) > opts.toTime) return false;
        load.add(e);
        if (opts.onProgress && ++events % PROGRESS_EVERY === 0) opts.onProgress(e.seq, events);
      },
      ready: () => load.ready(),
    });
    await load.finish({ projector: read.lastSeq });
    opts.onProgress?.(read.lastSeq, read.count);
    return { events: read.count, lastSeq: read.lastSeq };
  } catch (e) {
    await load.abort();
    throw e;
  }
}

const PROGRESS_EVERY = 4096;

/** The envelope's time: a second look at the envelope, only for a replay bounded by time. */
function entryTime(e: RawEntry): Date {
  return new Date(stringAt(e.data, pick(e.data, [0, e.data.length], TIME)[0]) ?? NaN);
}

const TIME = new KeySet(['time']);

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
