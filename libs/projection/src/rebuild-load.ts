import type { ClientBase, QueryResult } from 'pg';
import type { DataSource } from 'typeorm';
import type { PostgresQueryRunner } from 'typeorm/driver/postgres/PostgresQueryRunner';
import { parseSubject, type RawEntry } from '@keelson/eventlog';
import { CopyBatch, copyBatch, CopyStream, CopyWriter } from './copy';
import { HISTORY_COLUMNS, OBJECT_COLUMNS, writeEntryRows } from './entry-rows';

// Loading a rebuilt projection into an empty schema, as fast as Postgres takes rows, on two
// connections, each table in a transaction of its own:
//  - history: every entry's row, its object's JSON as text, streams into `history` through one
//    COPY (binary format: entry-rows.ts) as the entry arrives;
//  - objects: each object's row holds no object (it points at its history row by rv), only the
//    selector columns (a ~150-byte row). First versions are COPYed in batches during the read on
//    the second connection; a later version or a tombstone is folded in a map, and at the end the
//    objects changed after their first version are replaced.
// Postgres neither parses nor re-encodes any object, and stores each once (entities.ts).
// Both tables are truncated in their transactions, so rows are written frozen (COPY FREEZE: no
// vacuum pass or hint-bit writes follow). A rebuilt schema is scratch, which the log rebuilds at
// will: its tables are made UNLOGGED, so neither their rows nor their indexes go through the WAL
// and nothing is synced at commit (with wal_level=minimal the rows skipped the WAL already, but
// the commit then synced the new files: ~45 ms of bench:api's 10,312-event replay). Should
// Postgres crash, unlogged tables come back empty, checkpoints among them: the schema then reads
// as never replayed, not as complete. Both tables keep their indexes, which take each row as COPY
// inserts it: building history's after the read meant reading the whole table back (~3 KB a
// row) while the reader and nats-server sat idle, ~9 µs per event of wall time after the read
// (docs/benchmarks.md, replay-overlap); objects' were dropped and built after the read, ~35–50 ms
// with one core busy and the other idle, until objects loaded during the read.
// Why two transactions: in one, objects could only be loaded after history's COPY had ended,
// with one core busy and the other idle (~35 ms of bench:api's replay). objects commits first,
// history with the checkpoints last, so a schema with a checkpoint is always complete. A failure
// rolls back what has not committed and empties objects if it had (a crash between the two
// commits leaves objects rows without history or checkpoint: a schema never replayed, which the
// next replay into it empties).

/** Seconds each step after the read took (the read itself overlaps the history COPY). */
export interface LoadTimings {
  /** the history COPY's tail: what Postgres had not yet taken when the read ended */
  historyEnd: number;
  /** what objects' connection had left to do: the last first versions, the later ones */
  objects: number;
  /** the checkpoints and the commit */
  commit: number;
}

/** Bytes written to the COPY but not yet taken by its socket, past which reading waits. */
const MAX_BACKLOG = 8 * 1024 * 1024;
/**
 * Bytes sent to the COPY but not yet parsed by Postgres (pg_stat_progress_copy), past which
 * reading waits until it is down to RESUME_AT of it. The sockets between the two hold ~10 MB,
 * ~3,000 entries: without this bound Postgres was up to 160 ms behind when the read ended, working
 * alone on one core while the other sat idle (bench:api, history's tail).
 */
const MAX_LAG = 2 * 1024 * 1024;
/**
 * While the read waits, nats-server and the reader run out of work and Postgres works alone:
 * waiting only until Postgres is down to 80 % of the bound, not half, shortened the read by
 * ~7 % (replay-kept A/B, with pulls of 256; 95 % was worse again).
 */
const RESUME_AT = 0.8;
const PROGRESS_POLL_MS = 5;
/** objects rows sent in one COPY during the read (~150 bytes each) */
const OBJECTS_BATCH = 2048;

export class RebuildLoad {
  private readonly scratch = new CopyWriter();
  /** objects rows of first versions, in the order they came, not yet sent */
  private firsts = new CopyBatch();
  /** the COPYs of the first versions sent so far, one after the other on the objects' connection */
  private firstsLoaded: Promise<void> = Promise.resolve();
  /** why one of those COPYs failed: the load fails with it (not with the errors of what follows on that transaction) */
  private objectsFailure?: Error;
  /** subject → newest objects row after its first one, null when deleted; true: first version unchanged */
  private readonly changed = new Map<string, Buffer | null | true>();
  /** history's bytes Postgres had parsed when last asked */
  private taken = 0;
  private constructor(
    private readonly history: LoadTransaction,
    /** connecting (a new backend: ~25 ms) and setting up while the read starts */
    private readonly objects: Promise<LoadTransaction>,
    private readonly historyCopy: CopyStream,
    private readonly maxLag: number,
    private readonly objectsBatch: number,
  ) {
    objects.catch(() => undefined); // surfaced where it is awaited
  }

  /**
   * Takes two connections, one per table; their transactions' setup runs while the caller starts
   * reading (the rows wait in memory meanwhile).
   */
  static async open(db: DataSource, opts: { maxLagBytes?: number; objectsBatch?: number } = {}): Promise<RebuildLoad> {
    const poolSize = (db.driver as unknown as { master?: { options?: { max?: number } } }).master?.options?.max;
    if (poolSize !== undefined && poolSize < 2) throw new Error(`a replay loads on two connections; this DataSource's pool holds ${poolSize}`);
    const history = await LoadTransaction.begin(db, { table: 'history', alsoUnlogged: ['checkpoints'], mustBeEmpty: ['history', 'checkpoints'] });
    const objects = LoadTransaction.begin(db, { table: 'objects' }).then(async (tx) => {
      await tx.ready.catch(async (e: unknown) => {
        await tx.rollback();
        throw e;
      });
      return tx;
    });
    return new RebuildLoad(history, objects, new CopyStream(history.client, 'history', HISTORY_COLUMNS, { freeze: true, binary: true, after: history.ready }), opts.maxLagBytes ?? MAX_LAG, opts.objectsBatch ?? OBJECTS_BATCH);
  }

  add(e: RawEntry): void {
    const live = writeEntryRows(e, this.historyCopy.rows, this.scratch);
    this.historyCopy.flush();
    const seen = this.changed.get(e.subject);
    if (seen === undefined) {
      if (!live) return; // a tombstone of an object this load never held
      this.firsts.addRowFrom(this.scratch);
      if (this.firsts.rows >= this.objectsBatch) this.sendFirsts();
      this.changed.set(e.subject, true);
    } else {
      this.changed.set(e.subject, live ? copyOf(this.scratch.bytes()) : null);
    }
  }

  /** undefined to read on; a promise when Postgres is behind. */
  ready(): Promise<void> | undefined {
    if (this.objectsFailure) throw this.objectsFailure;
    const copy = this.historyCopy;
    if (copy.backlog >= MAX_BACKLOG) return copy.drained();
    return copy.sent - this.taken < this.maxLag ? undefined : this.caughtUp();
  }

  /**
   * Resolves once Postgres is within RESUME_AT of the lag allowed (or cannot say how far it is).
   * Asked on the objects' connection, between the COPYs of objects rows it takes during the
   * read; in a transaction Postgres keeps the first reading of backend activity, so each poll
   * clears it first.
   */
  private async caughtUp(): Promise<void> {
    const pid = (this.history.client as ClientBase & { processID: number }).processID; // from the backend key data
    const poll = (await this.objects).client;
    for (;;) {
      void this.historyCopy.backlog; // throws once the COPY has failed
      if (this.objectsFailure) throw this.objectsFailure;
      // two statements, one round trip (no parameters: the pid is a number from the protocol)
      const [, progress] = (await poll.query(`SELECT pg_stat_clear_snapshot(); SELECT bytes_processed FROM pg_stat_progress_copy WHERE pid = ${Number(pid)}`)) as unknown as QueryResult[];
      const row = progress.rows[0] as { bytes_processed: string } | undefined;
      if (!row) return; // not started yet, or over: the socket's backlog holds the reader back meanwhile
      this.taken = Number(row.bytes_processed);
      if (this.historyCopy.sent - this.taken < this.maxLag * RESUME_AT) return;
      await new Promise((r) => setTimeout(r, PROGRESS_POLL_MS));
    }
  }

  /**
   * Ends the history load while objects takes its last rows on the other connection; then commits
   * objects, and history with the checkpoints (name → sequence) last: a schema with a checkpoint
   * is complete.
   */
  async finish(checkpoints: Record<string, number>): Promise<LoadTimings> {
    const t0 = performance.now();
    const since = (t: number) => (performance.now() - t) / 1000;
    const historyEnd = this.historyCopy.end().then(() => since(t0));
    const [tail, objects] = await Promise.all([historyEnd, this.loadObjects()]);
    const t1 = performance.now();
    await (await this.objects).commit();
    for (const [name, seq] of Object.entries(checkpoints)) await this.history.client.query(`INSERT INTO checkpoints (name, seq) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET seq = excluded.seq`, [name, seq]);
    await this.history.commit();
    return { historyEnd: tail, objects, commit: since(t1) };
  }

  /**
   * Gives up: an open COPY is cancelled first (a ROLLBACK would wait behind it), then both
   * transactions roll back. Should objects have committed already, its rows are removed again.
   */
  async abort(): Promise<void> {
    await this.historyCopy.cancel();
    await this.history.rollback();
    const objects = await this.objects.catch(() => undefined);
    if (objects?.committed) await objects.emptyAfterCommit();
    else await objects?.rollback();
  }

  /**
   * COPYs the first versions gathered so far into objects while the read goes on, its indexes
   * taking each row as it comes: done after the read, objects' rows and index builds kept one
   * core busy and the other idle (92–136 ms after the read in bench:api, with history's tail).
   */
  private sendFirsts(): void {
    const batch = this.firsts;
    this.firsts = new CopyBatch();
    this.firstsLoaded = Promise.all([this.objects, this.firstsLoaded]).then(([tx]) => copyBatch(tx.client, 'objects', OBJECT_COLUMNS, batch, { freeze: true }));
    this.firstsLoaded.catch((e: Error) => (this.objectsFailure ??= e)); // surfaced by ready() and loadObjects
  }

  /** The objects rows: first versions as they came, then those changed later replaced by their newest (or removed). Returns the seconds it took after the read. */
  private async loadObjects(): Promise<number> {
    const t = performance.now();
    if (this.firsts.rows) this.sendFirsts();
    const { client } = await this.objects;
    await this.firstsLoaded;
    const keys: string[][] = [[], [], []];
    const rows = new CopyBatch();
    for (const [subject, row] of this.changed) {
      if (row === true) continue;
      const { resourceToken, namespace = '', name } = parseSubject(subject);
      keys[0].push(resourceToken);
      keys[1].push(namespace);
      keys[2].push(name);
      if (row) rows.addRow(row);
    }
    if (keys[0].length > 0) {
      await client.query(
        `DELETE FROM objects o USING unnest($1::text[], $2::text[], $3::text[]) AS k(resource, namespace, name)
         WHERE o.resource = k.resource AND o.namespace = k.namespace AND o.name = k.name`,
        keys,
      );
      if (rows.rows) await copyBatch(client, 'objects', OBJECT_COLUMNS, rows);
    }
    return (performance.now() - t) / 1000;
  }
}

/**
 * One table's connection and transaction, in which the table is emptied and made unlogged. That
 * setup (~30 ms, mostly the syncs of the unlogged relations' init forks) runs while the log's
 * first entries are read: `ready` says when it is done.
 */
class LoadTransaction {
  committed = false;
  /** settles once the setup is done; a failure there fails the load (the caller's abort rolls back) */
  ready!: Promise<void>;
  private constructor(
    private readonly runner: PostgresQueryRunner,
    readonly client: ClientBase,
    private readonly table: string,
  ) {}

  static async begin(db: DataSource, opts: { table: string; alsoUnlogged?: string[]; mustBeEmpty?: string[] }): Promise<LoadTransaction> {
    const runner = db.createQueryRunner() as PostgresQueryRunner;
    const tx = new LoadTransaction(runner, (await runner.connect()) as ClientBase, opts.table);
    tx.ready = tx.setUp(opts);
    tx.ready.catch(() => undefined); // surfaced through the COPY or the load that waits for it
    return tx;
  }

  private async setUp(opts: { alsoUnlogged?: string[]; mustBeEmpty?: string[] }): Promise<void> {
    const { client, table } = this;
    // A fresh schema holds nothing worth an fsync: a rebuild that dies is simply run again.
    await client.query(`BEGIN; SET LOCAL synchronous_commit = off`);
    for (const t of opts.mustBeEmpty ?? []) {
      const [{ used }] = (await client.query(`SELECT EXISTS (SELECT 1 FROM ${t}) AS used`)).rows as { used: boolean }[];
      if (used) throw new Error('replay needs an empty schema; this one already holds a projection');
    }
    // Truncated in this transaction: COPY FREEZE may write frozen rows.
    await client.query(`TRUNCATE ${table}`);
    await client.query([...(opts.alsoUnlogged ?? []), table].map((t) => `ALTER TABLE ${t} SET UNLOGGED`).join('; '));
  }

  async commit(): Promise<void> {
    await this.client.query('COMMIT');
    this.committed = true;
    await this.runner.release();
  }

  async rollback(): Promise<void> {
    if (this.runner.isReleased) return;
    await this.client.query('ROLLBACK').catch(() => undefined);
    await this.runner.release();
  }

  /** Empties the table again after a commit (best effort): the load it belonged to failed. */
  async emptyAfterCommit(): Promise<void> {
    const runner = this.runner.connection.createQueryRunner() as PostgresQueryRunner;
    await runner.query(`TRUNCATE ${this.table}`).catch(() => undefined);
    await runner.release();
  }
}

/** A row kept past this entry: its own memory, not a view into the scratch buffer. */
function copyOf(b: Buffer): Buffer {
  const out = Buffer.allocUnsafeSlow(b.length);
  b.copy(out);
  return out;
}
