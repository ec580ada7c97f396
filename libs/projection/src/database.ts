import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { Client } from 'pg';
import { ENTITIES, EXTRA_DDL } from './entities';

// One Postgres schema holds one projection. The live one is `keelson`; a replay builds into a
// fresh schema beside it, so the two can be compared table to table.

export const LIVE_SCHEMA = 'keelson';

/**
 * Connects to the projection in `schema`, creating or evolving its tables unless `ensureSchema`
 * is false (a second connection in one process, e.g. the projector's thread, once the first has).
 */
export async function openProjectionDb(url: string, schema = LIVE_SCHEMA, poolSize = 10, ensureSchema = true): Promise<DataSource> {
  if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`bad schema name ${schema}`);
  if (!ensureSchema) return connect(url, schema, poolSize, false);
  const admin = new Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
  } finally {
    await admin.end();
  }
  const ds = await connect(url, schema, poolSize, true);
  for (const ddl of EXTRA_DDL) await ds.query(ddl);
  return ds;
}

async function connect(url: string, schema: string, poolSize: number, synchronize: boolean): Promise<DataSource> {
  const ds = new DataSource({ type: 'postgres', url, schema, entities: ENTITIES, synchronize, logging: false, extra: { max: poolSize, options: `-c search_path=${schema}` } });
  return ds.initialize();
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
