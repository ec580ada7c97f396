import type { DataSource } from 'typeorm';
import { KeyTree, listSnapshots, pick, readSnapshot, stringAt, type EventLog, type RawEntry, type SnapshotInfo } from '@keelson/eventlog';
import { RebuildLoad, type LoadTimings } from './rebuild-load';
import { COMPACTED_CHECKPOINT } from './reader';

// Replay: the log folded again into a fresh schema — optionally stopping at a sequence or a
// time, which is how the cluster is rebuilt "as of" a past moment. Unlike the live projector,
// which must commit objects and checkpoint with every batch, a replay into a fresh schema is
// all or nothing: the log is read as fast as nats-server sends it (EventLog.readRange) and the
// rows stream into Postgres through COPY as they come (rebuild-load.ts).
// A replay starts from the newest snapshot at or before where it stops (eventlog's snapshot.ts:
// the log compacted at a sequence S), then reads the log after S. Its history then holds, for
// every object alive at S, the entry that made it what it was at S, and every entry after S:
// reads as of any sequence from S on are exact; earlier ones are gone, as in Kubernetes after a
// compaction. The checkpoint row `compacted` records S. `fromSnapshot: false` replays from
// sequence 1 and rebuilds the whole history.
// The comparison then says, object by object, where the live projection and the rebuilt one differ.

export interface ReplayOptions {
  toSeq?: number;
  toTime?: Date;
  /** start from the newest snapshot that fits (default), or from sequence 1 */
  fromSnapshot?: boolean;
  onProgress?: (seq: number, events: number) => void;
  /** how far (bytes) Postgres may fall behind the read; 2 MB unless a test says otherwise */
  maxLagBytes?: number;
  /** objects rows COPYed at a time during the read; 2,048 unless a test says otherwise */
  objectsBatch?: number;
}

export interface ReplayResult {
  /** entries replayed, the snapshot's included */
  events: number;
  lastSeq: number;
  /** the snapshot it started from */
  snapshot?: SnapshotInfo;
  /** seconds before the read (the log's bounds, the load's transaction), reading the log (the history rows streaming into Postgres meanwhile), then each step after */
  timings?: { setup: number; read: number } & LoadTimings;
}


export async function replayInto(log: EventLog, db: DataSource, opts: ReplayOptions = {}): Promise<ReplayResult> {
  const start = performance.now();
  const { first, last } = await log.bounds();
  const target = Math.min(opts.toSeq ?? last, last);
  if (last === 0 || last < first || target < first) return { events: 0, lastSeq: 0 }; // an empty log, or nothing up to the bound
  const snapshot = opts.fromSnapshot === false ? undefined : await newestSnapshot(log, target, opts.toTime);
  const load = await RebuildLoad.open(db, { maxLagBytes: opts.maxLagBytes, objectsBatch: opts.objectsBatch });
  try {
    let events = 0;
    const add = (e: RawEntry) => {
      load.add(e);
      if (opts.onProgress && ++events % PROGRESS_EVERY === 0) opts.onProgress(e.seq, events);
    };
    const ready = () => load.ready();
    const t0 = performance.now();
    if (snapshot) await readSnapshot(log, snapshot, add, ready);
    const read = await log.readRange({
      filter: `${log.prefix}.>`,
      fromSeq: snapshot ? snapshot.seq + 1 : first,
      toSeq: target,
      batch: READ_BATCH,
      onEntry: (e) => (opts.toTime && entryTime(e) > opts.toTime ? false : add(e)),
      ready,
    });
    const lastSeq = read.lastSeq || (snapshot?.seq ?? 0);
    const readSeconds = (performance.now() - t0) / 1000;
    const after = await load.finish(snapshot ? { projector: lastSeq, [COMPACTED_CHECKPOINT]: snapshot.seq } : { projector: lastSeq });
    const total = read.count + (snapshot?.entries ?? 0);
    opts.onProgress?.(lastSeq, total);
    return { events: total, lastSeq, ...(snapshot ? { snapshot } : {}), timings: { setup: (t0 - start) / 1000, read: readSeconds, ...after } };
  } catch (e) {
    await load.abort();
    throw e;
  }
}

const PROGRESS_EVERY = 4096;
/**
 * Entries per pull: back-pressure (RebuildLoad.ready) acts between pulls. Of 128, 256 and 512,
 * 256 read fastest (replay-kept A/B): less in flight when Postgres holds the read back.
 */
const READ_BATCH = 256;

/** The newest snapshot at or before the sequence (and the time) a replay stops at. */
async function newestSnapshot(log: EventLog, toSeq: number, toTime?: Date): Promise<SnapshotInfo | undefined> {
  return (await listSnapshots(log)).find((s) => s.seq <= toSeq && (!toTime || new Date(s.time) <= toTime));
}

/** The envelope's time: a second look at the envelope, only for a replay bounded by time. */
function entryTime(e: RawEntry): Date {
  return new Date(stringAt(e.data, pick(e.data, [0, e.data.length], TIME)[0]) ?? NaN);
}

const TIME = new KeyTree({ time: true });

export interface Difference {
  resource: string;
  namespace: string;
  name: string;
  /** only in the live projection, only in the replay, or in both with another version or content */
  kind: 'missing-in-replay' | 'extra-in-replay' | 'differs';
}

/**
 * Compares the current objects of two schemas (each objects row with its object from history).
 * With `asOf`, the live side is the live history as of that sequence (so a partial replay is
 * compared with what the cluster was then). Objects are compared as JSON values when their text
 * differs: a schema upgraded in place holds Postgres' rendering of the JSON, not the log's bytes.
 */
export async function compareProjections(db: DataSource, liveSchema: string, replaySchema: string, asOf?: number): Promise<Difference[]> {
  const current = (schema: string) => `SELECT o.resource, o.namespace, o.name, o.rv, h.object FROM ${schema}.objects o JOIN ${schema}.history h ON h.seq = o.rv`;
  const live = asOf === undefined
    ? current(liveSchema)
    : `SELECT resource, namespace, name, rv, object FROM (
         SELECT DISTINCT ON (resource, namespace, name) resource, namespace, name, seq AS rv, type, object
         FROM ${liveSchema}.history WHERE seq <= ${Number(asOf)} ORDER BY resource, namespace, name, seq DESC) h WHERE type <> 'Deleted'`;
  const rows: Difference[] = await db.query(`
    WITH l AS (${live}), r AS (${current(replaySchema)})
    SELECT COALESCE(l.resource, r.resource) AS resource, COALESCE(l.namespace, r.namespace) AS namespace, COALESCE(l.name, r.name) AS name,
           CASE WHEN r.name IS NULL THEN 'missing-in-replay' WHEN l.name IS NULL THEN 'extra-in-replay' ELSE 'differs' END AS kind
    FROM l FULL OUTER JOIN r USING (resource, namespace, name)
    WHERE l.name IS NULL OR r.name IS NULL OR l.rv <> r.rv OR (l.object <> r.object AND l.object::jsonb <> r.object::jsonb)
    ORDER BY 1, 2, 3`);
  return rows;
}
