import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { dropSchema, openProjectionDb } from './database';
import { ObjectReader } from './reader';

// A projection written before each object was stored once (objects.object and history.object
// both jsonb) is brought to the current layout when it is opened, keeping every row.

const pgUrl = process.env.KEELSON_PG_URL ?? 'postgres://keelson@127.0.0.1:5432/keelson';
const schema = `old_layout_${randomUUID().slice(0, 8)}`;

const pod = (name: string, gen: number) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', uid: `uid-${name}`, labels: { app: 'web', gen: String(gen) } }, spec: { nodeName: 'node-1' }, status: { phase: 'Running' } });

/** The tables as the projection had them before (entities.ts at commit e24c08f), with two objects and three entries. */
async function writeOldLayout(): Promise<void> {
  const c = new Client({ connectionString: pgUrl });
  await c.connect();
  try {
    await c.query(`CREATE SCHEMA ${schema}; SET search_path = ${schema};
      CREATE TABLE objects (resource text, namespace text, name text, uid text NOT NULL, rv bigint NOT NULL, labels jsonb NOT NULL DEFAULT '{}'::jsonb,
        owner_uids text[] NOT NULL DEFAULT '{}', node_name text, phase text, object jsonb NOT NULL, PRIMARY KEY (resource, namespace, name));
      CREATE TABLE history (seq bigint PRIMARY KEY, resource text NOT NULL, namespace text NOT NULL, name text NOT NULL, type text NOT NULL, actor text NOT NULL,
        cause bigint, correlation text, time timestamptz NOT NULL, object jsonb NOT NULL);
      CREATE TABLE checkpoints (name text PRIMARY KEY, seq bigint NOT NULL)`);
    const entries: [number, string, number][] = [[1, 'a', 1], [2, 'b', 1], [3, 'a', 2]];
    for (const [seq, name, gen] of entries) {
      await c.query(`INSERT INTO history VALUES ($1, 'pods', 'default', $2, $3, 'user:test', NULL, NULL, now(), $4)`, [seq, name, gen === 1 ? 'Created' : 'Updated', JSON.stringify(pod(name, gen))]);
    }
    for (const [seq, name, gen] of [[3, 'a', 2], [2, 'b', 1]] as const) {
      await c.query(`INSERT INTO objects VALUES ('pods', 'default', $1, $2, $3, $4, '{}', 'node-1', 'Running', $5)`, [name, `uid-${name}`, seq, JSON.stringify(pod(name, gen).metadata.labels), JSON.stringify(pod(name, gen))]);
    }
    await c.query(`INSERT INTO checkpoints VALUES ('projector', 3)`);
  } finally {
    await c.end();
  }
}

describe('opening a projection of the earlier layout', () => {
  afterAll(() => dropSchema(pgUrl, schema));

  it('keeps its objects, history and checkpoint, each object now stored once', async () => {
    await writeOldLayout();
    const db = await openProjectionDb(pgUrl, schema, 2);
    try {
      const reader = new ObjectReader(db);
      expect(await reader.checkpoint()).toBe(3);
      expect(await reader.get('pods', 'default', 'a')).toEqual({ ...pod('a', 2), metadata: { ...pod('a', 2).metadata, resourceVersion: '3' } });
      const listed = await reader.list({ resource: 'pods', where: (params) => { params.push('{"gen":"1"}'); return [`labels @> $${params.length}::jsonb`]; } });
      expect(listed.items.map((o) => o.metadata.name)).toEqual(['b']);
      const asOf = await reader.list({ resource: 'pods', asOf: 1 });
      expect(asOf.items.map((o) => [o.metadata.name, o.metadata.labels?.gen])).toEqual([['a', '1']]);
      expect((await reader.history('pods', 'default', 'a')).map((h) => h.object.metadata.labels?.gen)).toEqual(['1', '2']);
      const columns: { column_name: string; data_type: string }[] = await db.query(
        `SELECT table_name || '.' || column_name AS column_name, data_type FROM information_schema.columns WHERE table_schema = $1 AND column_name = 'object' ORDER BY 1`,
        [schema],
      );
      expect(columns).toEqual([{ column_name: 'history.object', data_type: 'text' }]);
    } finally {
      await db.destroy();
    }
  });
});
