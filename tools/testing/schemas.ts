import { Client } from 'pg';
import { pgUrl } from './index';

export async function dropSchemaIfExists(schema: string): Promise<void> {
  const client = new Client({ connectionString: pgUrl() });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}
