import type { ClientBase } from 'pg';
import type { DataSource } from 'typeorm';
import type { PostgresQueryRunner } from 'typeorm/driver/postgres/PostgresQueryRunner';
import { parseSubject, type RawEntry } from '@keelson/eventlog';
import { CopyBatch, copyBatch, CopyStream, CopyWriter } from './copy';
import { HISTORY_COLUMNS, OBJECT_COLUMNS, writeEntryRows } from './entry-rows';

// Loading a rebuilt projection into an empty schema, as fast as Postgres takes rows, in one
// transaction on one connection:
//  - history: every entry's row, its object's JSON as text, streams into `history` through one
//    COPY as the entry arrives;
//  - objects: each object's row holds no object (it points at its history row by rv), only the
//    selector columns (a ~150-byte row), kept in memory: the first version's in a batch, a later
//    version or a tombstone folded in a map; at the end the batch is COPYed into objects, and the
//    objects changed after their first version are replaced.
// Postgres neither parses nor re-encodes any object, and stores each once (entities.ts).
// Both tables are truncated in the transaction, so history is written frozen (COPY FREEZE: no
// vacuum pass or hint-bit writes follow). A rebuilt schema is scratch, which the log rebuilds at
// will: its tables are made UNLOGGED, so neither their rows nor their indexes go through the WAL
// and nothing is synced at commit (with wal_level=minimal the rows skipped the WAL already, but
// the commit then synced the new files: ~45 ms of bench:api's 10,312-event replay). Should
// Postgres crash, unlogged tables come back empty, checkpoints among them: the schema then reads
// as never replayed, not as complete. objects' secondary indexes
// are dropped first and built once at the end (one sort instead of an insertion per row).
// history's index stays and takes each row as COPY inserts it: building it after the read meant
// reading the whole table back (~3 KB a row) while the reader and nats-server sat idle, ~9 µs
// per event of wall time after the read; inserting as it goes cost Postgres no more CPU
// (docs/benchmarks.md, replay-overlap).
// A failure anywhere rolls the whole load back: a schema with a checkpoint is always complete.

/** Seconds each step after the read took (the read itself overlaps the history COPY). */
export interface LoadTimings {
  /** the history COPY's tail: what Postgres had not yet taken when the read ended */
  historyEnd: number;
  objects: number;
  indexes: number;
  /** the checkpoints and the commit */
  commit: number;
}

/** Bytes written to the COPY but not yet taken by its socket, past which reading waits. */
const MAX_BACKLOG = 8 * 1024 * 1024;
/**
 * Bytes sent to the COPY but not yet parsed by Postgres (pg_stat_progress_copy), past which
 * reading waits until it is down to half. The sockets between the two hold ~10 MB, ~3,000
 * entries: without this bound Postgres was up to 160 ms behind when the read ended, working
 * alone on one core while the other sat idle (bench:api, history's tail).
 */
const MAX_LAG = 2 * 1024 * 1024;
const PROGRESS_POLL_MS = 5;

export class RebuildLoad {
  private readonly scratch = new CopyWriter();
  /** objects rows of first versions, in the order they came */
  private readonly firsts = new CopyBatch();
  /** subject → newest objects row after its first one, null when deleted; true: first version unchanged */
  private readonly changed = new Map<string, Buffer | null | true>();
  /** history's bytes Postgres had parsed when last asked */
  private taken = 0;
  private constructor(
    private readonly db: DataSource,
    private readonly tx: LoadTransaction,
    private readonly historyCopy: CopyStream,
    private readonly maxLag: number,
  ) {}

  /** Takes a connection; the transaction's setup runs while the caller starts reading (the rows wait in memory meanwhile). */
  static async open(db: DataSource, opts: { maxLagBytes?: number } = {}): Promise<RebuildLoad> {
    const tx = await LoadTransaction.begin(db, ['history', 'objects'], ['objects']);
    return new RebuildLoad(db, tx, new CopyStream(tx.client, 'history', HISTORY_COLUMNS, { freeze: true, after: tx.ready }), opts.maxLagBytes ?? MAX_LAG);
  }

  add(e: RawEntry): void {
    const live = writeEntryRows(e, this.historyCopy.rows, this.scratch);
    this.historyCopy.flush();
    const seen = this.changed.get(e.subject);
    if (seen === undefined) {
      if (!live) return; // a tombstone of an object this load never held
      this.firsts.addRow(this.scratch.bytes());
      this.changed.set(e.subject, true);
    } else {
      this.changed.set(e.subject, live ? copyOf(this.scratch.bytes()) : null);
    }
  }

  /** undefined to read on; a promise when Postgres is behind. */
  ready(): Promise<void> | undefined {
    const copy = this.historyCopy;
    if (copy.backlog >= MAX_BACKLOG) return copy.drained();
    return copy.sent - this.taken < this.maxLag ? undefined : this.caughtUp();
  }

  /** Resolves once Postgres has parsed all but half the lag allowed of what was sent (or cannot say how far it is). */
  private async caughtUp(): Promise<void> {
    const pid = (this.tx.client as ClientBase & { processID: number }).processID; // from the backend key data
    for (;;) {
      void this.historyCopy.backlog; // throws once the COPY has failed
      const [row] = (await this.db.query(`SELECT bytes_processed FROM pg_stat_progress_copy WHERE pid = $1`, [pid])) as { bytes_processed: string }[];
      if (!row) return; // not started yet, or over: the socket's backlog holds the reader back meanwhile
      this.taken = Number(row.bytes_processed);
      if (this.historyCopy.sent - this.taken < this.maxLag / 2) return;
      await new Promise((r) => setTimeout(r, PROGRESS_POLL_MS));
    }
  }

  /** Ends the history load, fills objects, builds the indexes, and commits with the checkpoints (name → sequence). */
  async finish(checkpoints: Record<string, number>): Promise<LoadTimings> {
    const t = [performance.now()];
    await this.historyCopy.end();
    t.push(performance.now());
    await this.loadObjects();
    t.push(performance.now());
    await this.tx.restoreIndexes();
    t.push(performance.now());
    for (const [name, seq] of Object.entries(checkpoints)) await this.tx.client.query(`INSERT INTO checkpoints (name, seq) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET seq = excluded.seq`, [name, seq]);
    await this.tx.commit();
    t.push(performance.now());
    const s = (i: number) => (t[i + 1] - t[i]) / 1000;
    return { historyEnd: s(0), objects: s(1), indexes: s(2), commit: s(3) };
  }

  /** Gives up: an open COPY is cancelled first (a ROLLBACK would wait behind it), then the transaction rolls back. */
  async abort(): Promise<void> {
    await this.historyCopy.cancel();
    await this.tx.rollback();
  }

  /** The objects rows: first versions as they came, then those changed later replaced by their newest (or removed). */
  private async loadObjects(): Promise<void> {
    await copyBatch(this.tx.client, 'objects', OBJECT_COLUMNS, this.firsts, { freeze: true });
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
    if (keys[0].length === 0) return;
    await this.tx.client.query(
      `DELETE FROM objects o USING unnest($1::text[], $2::text[], $3::text[]) AS k(resource, namespace, name)
       WHERE o.resource = k.resource AND o.namespace = k.namespace AND o.name = k.name`,
      keys,
    );
    if (rows.rows) await copyBatch(this.tx.client, 'objects', OBJECT_COLUMNS, rows);
  }
}

/**
 * The load's connection and transaction, in which its tables are emptied, the secondary indexes
 * of some dropped, and all made unlogged. That setup (~30 ms, mostly the syncs of the unlogged
 * tables' init forks) runs while the log's first entries are read: `ready` says when it is done.
 */
class LoadTransaction {
  private indexes: string[] = [];
  /** settles once the setup is done; a failure there fails the load (the caller's abort rolls back) */
  ready!: Promise<void>;
  private constructor(
    private readonly runner: PostgresQueryRunner,
    readonly client: ClientBase,
  ) {}

  static async begin(db: DataSource, tables: string[], indexedAtEnd: string[]): Promise<LoadTransaction> {
    const runner = db.createQueryRunner() as PostgresQueryRunner;
    const tx = new LoadTransaction(runner, (await runner.connect()) as ClientBase);
    tx.ready = tx.setUp(tables, indexedAtEnd);
    tx.ready.catch(() => undefined); // surfaced through the COPY that waits for it
    return tx;
  }

  private async setUp(tables: string[], indexedAtEnd: string[]): Promise<void> {
    const { client } = this;
    // A fresh schema holds nothing worth an fsync: a rebuild that dies is simply run again.
    await client.query(`BEGIN; SET LOCAL synchronous_commit = off`);
    for (const table of tables) {
      const [{ used }] = (await client.query(`SELECT EXISTS (SELECT 1 FROM ${table}) AS used`)).rows as { used: boolean }[];
      if (used) throw new Error('replay needs an empty schema; this one already holds a projection');
    }
    // Truncated in this transaction: COPY FREEZE may write frozen rows.
    await client.query(`TRUNCATE ${tables.join(', ')}`);
    for (const table of indexedAtEnd) this.indexes.push(...(await this.dropSecondaryIndexes(table)));
    // after the drops: an index made unlogged is one more init fork to create and sync
    await client.query(['checkpoints', ...tables].map((t) => `ALTER TABLE ${t} SET UNLOGGED`).join('; '));
  }

  /** Builds the indexes dropped at the start. */
  async restoreIndexes(): Promise<void> {
    for (const ddl of this.indexes) await this.client.query(ddl);
  }

  async commit(): Promise<void> {
    await this.client.query('COMMIT');
    await this.runner.release();
  }

  async rollback(): Promise<void> {
    if (this.runner.isReleased) return;
    await this.client.query('ROLLBACK').catch(() => undefined);
    await this.runner.release();
  }

  /** Drops the table's secondary indexes (primary keys stay) and returns their DDL. */
  private async dropSecondaryIndexes(table: string): Promise<string[]> {
    const { rows } = await this.client.query(
      `SELECT quote_ident(i.indexname) AS name, i.indexdef AS ddl FROM pg_indexes i
       WHERE i.schemaname = current_schema() AND i.tablename = $1
         AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname AND c.connamespace = current_schema()::regnamespace)`,
      [table],
    );
    const found = rows as { name: string; ddl: string }[];
    if (found.length) await this.client.query(found.map((r) => `DROP INDEX ${r.name}`).join('; '));
    return found.map((r) => r.ddl);
  }
}

/** A row kept past this entry: its own memory, not a view into the scratch buffer. */
function copyOf(b: Buffer): Buffer {
  const out = Buffer.allocUnsafeSlow(b.length);
  b.copy(out);
  return out;
}
