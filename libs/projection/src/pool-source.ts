import { Pool, type PoolClient } from 'pg';
import type { DataSource } from 'typeorm';

// What the projector uses of a TypeORM DataSource — `query`, and a query runner whose connection
// is the pg client — over a bare pg Pool. The projector's thread (projector-thread-main.ts) has
// no use for TypeORM's entity metadata, and without it holds ~8 MB less heap.

export function poolSource(url: string, schema: string, max: number): { db: DataSource; end(): Promise<void> } {
  const pool = new Pool({ connectionString: url, max, options: `-c search_path=${schema}` });
  const db = {
    query: async (sql: string, params?: unknown[]) => (await pool.query(sql, params)).rows,
    createQueryRunner: () => {
      let client: PoolClient | undefined;
      return {
        connect: async () => (client = await pool.connect()),
        release: async () => client?.release(),
      };
    },
  };
  return { db: db as unknown as DataSource, end: () => pool.end() };
}
