import type { ClientBase } from 'pg';
import type { DataSource } from 'typeorm';
import type { PostgresQueryRunner } from 'typeorm/driver/postgres/PostgresQueryRunner';
import { parseSubject, type RawEntry } from '@keelson/eventlog';
import { CopyBatch, copyBatch, CopyStream, CopyWriter } from './copy';
import { HISTORY_COLUMNS, OBJECT_COLUMNS, writeEntryRows } from './entry-rows';

// Loading a rebuilt projection into an empty schema, as fast as Postgres takes rows: two
// connections, one COPY each, both open for the whole read.
//  - history: every entry's row streams into `history` as the entry arrives;
//  - objects: an object's first version streams into `objects` at once (in a log of creates,
//    the common case of a rebuild's worst case, that is every object, and nothing is left for
//    the end); a later version or a tombstone is kept in memory, folded, and applied at the end
//    (its streamed row deleted, its newest row copied).
// Both tables are truncated in their transaction, so the rows are written frozen (COPY FREEZE:
// no vacuum pass or hint-bit writes follow), and their secondary indexes are dropped first and
// built once at the end (one sort instead of an insertion per row).
// The two transactions commit history first, then objects with the checkpoint, so a schema with
// a checkpoint is always complete; a failure in between leaves history rows and no checkpoint,
// and those are removed. Nothing else can conflict: the schema was empty.

/** Bytes written to a COPY but not yet taken by its socket, past which reading waits. */
const MAX_BACKLOG = 8 * 1024 * 1024;

export class RebuildLoad {
  private readonly scratch = new CopyWriter();
  /** subject → newest objects row after its streamed one, null when deleted; true: streamed and unchanged since */
  private readonly changed = new Map<string, Buffer | null | true>();
  private constructor(
    private readonly history: Side,
    private readonly objects: Side,
    private readonly historyCopy: CopyStream,
    private readonly objectsCopy: CopyStream,
  ) {}

  static async open(db: DataSource): Promise<RebuildLoad> {
    const history = await Side.open(db, 'history');
    const objects = await Side.open(db, 'objects').catch(async (e) => {
      await history.rollback();
      throw e;
    });
    return new RebuildLoad(history, objects, new CopyStream(history.client, 'history', HISTORY_COLUMNS, { freeze: true }), new CopyStream(objects.client, 'objects', OBJECT_COLUMNS, { freeze: true }));
  }

  add(e: RawEntry): void {
    const live = writeEntryRows(e, this.historyCopy.rows, this.scratch);
    this.historyCopy.flush();
    const seen = this.changed.get(e.subject);
    if (seen === undefined) {
      if (!live) return; // a tombstone of an object this load never held
      this.objectsCopy.rows.addRow(this.scratch.bytes());
      this.objectsCopy.flush();
      this.changed.set(e.subject, true);
    } else {
      this.changed.set(e.subject, live ? copyOf(this.scratch.bytes()) : null);
    }
  }

  /** undefined to read on; a promise when Postgres is behind. */
  ready(): Promise<void> | undefined {
    if (this.historyCopy.backlog < MAX_BACKLOG && this.objectsCopy.backlog < MAX_BACKLOG) return undefined;
    return Promise.all([this.historyCopy.drained(), this.objectsCopy.drained()]).then(() => undefined);
  }

  /** Ends both loads, builds the indexes, and commits with the checkpoints (name → sequence). */
  async finish(checkpoints: Record<string, number>): Promise<void> {
    await Promise.all([
      this.historyCopy.end().then(() => this.history.restoreIndexes()),
      this.objectsCopy.end().then(async () => {
        await this.applyChanges();
        await this.objects.restoreIndexes();
        for (const [name, seq] of Object.entries(checkpoints)) await this.objects.client.query(`INSERT INTO checkpoints (name, seq) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET seq = excluded.seq`, [name, seq]);
      }),
    ]);
    await this.history.commit();
    try {
      await this.objects.commit();
    } catch (e) {
      await this.history.client.query(`TRUNCATE history`).catch(() => undefined);
      throw e;
    }
  }

  /** Gives up: open COPYs are cancelled first (a ROLLBACK would wait behind them), then both transactions roll back. */
  async abort(): Promise<void> {
    await Promise.all([this.historyCopy.cancel(), this.objectsCopy.cancel()]);
    await Promise.all([this.history.rollback(), this.objects.rollback()]);
  }

  /** Objects changed after their first version: the streamed row goes, the newest (if any) comes. */
  private async applyChanges(): Promise<void> {
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
    await this.objects.client.query(
      `DELETE FROM objects o USING unnest($1::text[], $2::text[], $3::text[]) AS k(resource, namespace, name)
       WHERE o.resource = k.resource AND o.namespace = k.namespace AND o.name = k.name`,
      keys,
    );
    if (rows.rows) await copyBatch(this.objects.client, 'objects', OBJECT_COLUMNS, rows);
  }
}

/** One table's side of the load: its own connection and transaction. */
class Side {
  private indexes: string[] = [];
  private constructor(
    private readonly runner: PostgresQueryRunner,
    readonly client: ClientBase,
    private readonly table: string,
  ) {}

  static async open(db: DataSource, table: string): Promise<Side> {
    const runner = db.createQueryRunner() as PostgresQueryRunner;
    const client = (await runner.connect()) as ClientBase;
    const side = new Side(runner, client, table);
    try {
      // A fresh schema holds nothing worth an fsync: a rebuild that dies is simply run again.
      await client.query(`BEGIN; SET LOCAL synchronous_commit = off`);
      const [{ used }] = (await client.query(`SELECT EXISTS (SELECT 1 FROM ${table}) AS used`)).rows as { used: boolean }[];
      if (used) throw new Error('replay needs an empty schema; this one already holds a projection');
      await client.query(`TRUNCATE ${table}`);
      side.indexes = await side.dropSecondaryIndexes();
      return side;
    } catch (e) {
      await side.rollback();
      throw e;
    }
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
  private async dropSecondaryIndexes(): Promise<string[]> {
    const { rows } = await this.client.query(
      `SELECT quote_ident(i.indexname) AS name, i.indexdef AS ddl FROM pg_indexes i
       WHERE i.schemaname = current_schema() AND i.tablename = $1
         AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname AND c.connamespace = current_schema()::regnamespace)`,
      [this.table],
    );
    const found = rows as { name: string; ddl: string }[];
    if (found.length) await this.client.query(found.map((r) => `DROP INDEX ${r.name}`).join('; '));
    return found.map((r) => r.ddl);
  }
}

/** A row kept past this entry: its own memory, not a view into a socket chunk or the scratch buffer. */
function copyOf(b: Buffer): Buffer {
  const out = Buffer.allocUnsafeSlow(b.length);
  b.copy(out);
  return out;
}
