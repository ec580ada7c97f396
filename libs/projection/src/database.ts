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
  return ds;
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
