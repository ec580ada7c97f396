import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { Client } from 'pg';
import { ENTITIES, EXTRA_DDL } from './entities';

// One Postgres schema holds one projection. The live one is `keelson`; a replay builds into a
// fresh schema beside it, so the two can be compared table to table.

export const LIVE_SCHEMA = 'keelson';

export async function openProjectionDb(url: string, schema = LIVE_SCHEMA, poolSize = 10): Promise<DataSource> {
  if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`bad schema name ${schema}`);
  const admin = new Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    await upgradeLayout(admin, schema);
  } finally {
    await admin.end();
  }
  const ds = new DataSource({
    type: 'postgres',
    url,
    schema,
    entities: ENTITIES,
    synchronize: true,
    logging: false,
    extra: { max: poolSize, options: `-c search_path=${schema}` },
  });
  await ds.initialize();
  for (const ddl of EXTRA_DDL) await ds.query(ddl);
  await compressObjectsWithLz4(ds);
  return ds;
}

/**
 * Brings a projection written before objects were stored once (an `objects.object` jsonb column
 * beside history's jsonb) to the current layout, before TypeORM's synchronize sees it (which
 * would drop and re-add history's changed column, losing it). In place, in one transaction:
 * history's objects become their JSON text and objects loses its copy, so nothing a projection
 * held is lost, history older than a snapshot included. Every objects row points at its history
 * row (both were always written together); a schema where one does not is emptied instead, and
 * the projector, starting from sequence 0, rebuilds it from the log, which holds everything.
 */
async function upgradeLayout(client: Client, schema: string): Promise<void> {
  const oldLayout = `SELECT 1 FROM information_schema.columns WHERE table_schema = '${schema}' AND table_name = 'objects' AND column_name = 'object'`;
  if ((await client.query(oldLayout)).rowCount === 0) return;
  await client.query(`BEGIN; SET LOCAL search_path = ${schema}; LOCK TABLE objects, history IN ACCESS EXCLUSIVE MODE`);
  try {
    if ((await client.query(oldLayout)).rowCount === 0) return void (await client.query('COMMIT')); // another process upgraded it meanwhile
    const orphans = await client.query(`SELECT 1 FROM objects o WHERE NOT EXISTS (SELECT 1 FROM history h WHERE h.seq = o.rv) LIMIT 1`);
    if (orphans.rowCount) {
      console.warn(`projection schema ${schema}: objects without their history row; emptied, to be rebuilt from the log`);
      await client.query(`TRUNCATE objects, history; DELETE FROM checkpoints`);
    }
    await client.query(`ALTER TABLE objects DROP COLUMN object; ALTER TABLE history ALTER COLUMN object TYPE text USING object::text; COMMIT`);
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw e;
  }
}

/**
 * Objects of 1–4 KB (once an API server has added managedFields and defaults) pass Postgres'
 * 2 KB TOAST threshold, and its default compression, pglz, then costs more CPU than parsing
 * them: a replay of the API benchmark's log spent ~250 µs of Postgres CPU per event with pglz,
 * ~130 with lz4 (docs/benchmarks.md). lz4 decompresses faster on reads too. Set per column, so
 * it holds on any Postgres built with lz4 (14 and later); elsewhere pglz stays. Rows already
 * stored keep their compression; both read alike. As text (~3 KB for such a pod), lz4's output
 * (~1.6 KB) fits in the row: bench:api's replayed history left its TOAST table empty, where
 * jsonb's (~4 KB before compression) went there.
 * (Storage MAIN, to keep lz4's larger output in line, was tried: it pushes the rows' other
 * text and jsonb columns out of line instead, a TOAST insert each.)
 */
async function compressObjectsWithLz4(ds: DataSource): Promise<void> {
  try {
    const pending: { rel: string }[] = await ds.query(
      `SELECT quote_ident(c.relname) AS rel FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
       WHERE c.relnamespace = current_schema()::regnamespace AND c.relname = 'history' AND a.attname = 'object' AND a.attcompression <> 'l'`,
    );
    for (const { rel } of pending) await ds.query(`ALTER TABLE ${rel} ALTER COLUMN object SET COMPRESSION lz4`);
  } catch {
    // Postgres before 14 (no attcompression) or built without lz4: pglz it is.
  }
}

export async function dropSchema(url: string, schema: string): Promise<void> {
  if (schema === LIVE_SCHEMA) throw new Error('refusing to drop the live projection');
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await c.end();
  }
}
