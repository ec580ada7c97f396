import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { join } from 'node:path';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { EventLog, listSnapshots, snapshotBucket, takeSnapshot, type Envelope } from '@keelson/eventlog';
import { dropSchema, openProjectionDb } from './database';
import { Projector } from './projector';
import { ObjectReader } from './reader';
import { COMPACTED_CHECKPOINT, CompactedError } from './reader';
import { compareProjections, replayInto } from './replay';
import { readCheckpoint } from './writer';

const servers = process.env.KEELSON_NATS_URL ?? 'nats://127.0.0.1:4222';
const pgUrl = process.env.KEELSON_PG_URL ?? 'postgres://keelson@127.0.0.1:5432/keelson';
const id = randomUUID().slice(0, 8);
const stream = `T_PROJ_${id}`;
const prefix = `p${id}.obj`;
const live = `live_${id}`;
const rebuilt = `rebuilt_${id}`;

const pod = (name: string, gen: number) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', uid: `uid-${name}`, labels: { app: 'web', gen: String(gen) } }, spec: { nodeName: `node-${gen % 3}`, containers: [{ name: 'c', image: 'busybox' }] }, status: { phase: 'Pending' } });
const env = (type: Envelope['type'], name: string, gen: number): Envelope => ({ type, object: pod(name, gen), actor: 'user:test', time: new Date().toISOString() });

function startChild(): Promise<ChildProcess> {
  // Compiled once (tools/compile-once.js): a restart takes a fraction of swc-node's start-up, so
  // the workload outlasts several kills even on a loaded machine.
  const root = join(__dirname, '../../..');
  const child = spawn(process.execPath, ['-r', join(root, 'tools/compile-once.js'), join(__dirname, 'projector-main.ts'), servers, pgUrl, live, stream, prefix], { stdio: ['ignore', 'pipe', 'inherit'], cwd: root });
  return new Promise((resolve, reject) => {
    child.stdout!.once('data', () => {
      child.stdout!.destroy();
      resolve(child);
    });
    child.once('exit', (code) => reject(new Error(`projector exited with ${code}`)));
  });
}

/** Appends `n` writes over a set of objects: creates, updates, and deletes with re-creates. */
async function writeWorkload(log: EventLog, n: number, names: number, prefix = 'pod'): Promise<{ entries: number }> {
  let entries = 0;
  for (let i = 0; i < n; i++) {
    const name = `${prefix}-${i % names}`;
    const key = { group: '', plural: 'pods', namespace: 'default', name };
    const current = await log.last(key);
    const type: Envelope['type'] = current === null || current.type === 'Deleted' ? 'Created' : i % 7 === 0 ? 'Deleted' : 'Updated';
    await log.append({ key, expectedSeq: current?.seq ?? 0, envelope: env(type, name, i) });
    entries++;
    if (i % 20 === 0) await new Promise((r) => setTimeout(r, 2)); // keep writing for long enough to kill the projector several times
  }
  return { entries };
}

async function eventually(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function snapshot(db: DataSource): Promise<unknown[]> {
  return db.query(`SELECT o.resource, o.namespace, o.name, o.uid, o.rv, o.labels, o.owner_uids, o.node_name, o.phase, h.object
    FROM objects o JOIN history h ON h.seq = o.rv ORDER BY o.resource, o.namespace, o.name`);
}

describe('projector', () => {
  let log: EventLog;
  beforeAll(async () => {
    log = await EventLog.connect({ servers, stream, prefix });
  });
  afterAll(async () => {
    await log.jsm.streams.delete(stream).catch(() => undefined);
    await log.jsm.streams.delete(`OBJ_${snapshotBucket(stream)}`).catch(() => undefined);
    await log.close();
    await dropSchema(pgUrl, live);
    await dropSchema(pgUrl, rebuilt);
  });

  it('loses and doubles nothing when killed with SIGKILL mid-batch, again and again', async () => {
    // Each kill lands inside a batch's transaction, not at a moment left to chance: a second
    // session holds a lock the batch needs — the objects table (so the batch has written its
    // history rows and waits to write objects) or the checkpoint row (so it waits at its start) —
    // and the projector is killed once Postgres shows it waiting on that session. Writes go on
    // meanwhile; the killed batch never commits, and the next projector must redo it exactly once.
    const locker = new Client({ connectionString: pgUrl });
    await locker.connect();
    const lockerPid: number = (await locker.query('SELECT pg_backend_pid() AS pid')).rows[0].pid;
    const holds = [`LOCK TABLE ${live}.objects IN SHARE MODE`, `SELECT seq FROM ${live}.checkpoints WHERE name = 'projector' FOR UPDATE`];
    const blocked = async () => (await locker.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND $1 = ANY(pg_blocking_pids(pid))`, [lockerPid])).rows[0].n > 0;
    const marker = { group: '', plural: 'pods', namespace: 'default', name: 'kill-marker' };
    let extra = 0;
    /** one more entry, so that a batch follows whatever the workload is doing */
    const appendOne = async () => {
      const current = await log.last(marker);
      await log.append({ key: marker, expectedSeq: current?.seq ?? 0, envelope: env(current ? 'Updated' : 'Created', marker.name, extra) });
      extra++;
    };
    let child = await startChild();
    const writing = writeWorkload(log, 3000, 200);
    let kills = 0;
    try {
      await eventually(async () => (await locker.query(`SELECT seq FROM ${live}.checkpoints WHERE name = 'projector'`).catch(() => ({ rows: [] }))).rows.length > 0, 60_000);
      for (let i = 0; i < 4; i++) {
        // (TypeORM's schema sync at a projector's start takes the objects table's exclusive lock: start first, then hold)
        if (i > 0) child = await startChild();
        await locker.query(`BEGIN; ${holds[i % 2]}`);
        await appendOne(); // written after the hold is taken, so a batch is bound to wait on it
        await eventually(blocked, 60_000);
        child.kill('SIGKILL');
        await once(child, 'exit');
        kills++;
        await locker.query('ROLLBACK');
      }
      child = await startChild();
    } finally {
      await locker.end();
    }
    const entries = (await writing).entries + extra;
    const lastSeq = (await log.bounds()).last;

    const db = await openProjectionDb(pgUrl, live, 2);
    const reader = new ObjectReader(db);
    await eventually(async () => (await reader.checkpoint()) >= lastSeq, 30_000);
    child.kill('SIGTERM');
    await once(child, 'exit');

    expect(kills).toBe(4);
    expect(await reader.checkpoint()).toBe(lastSeq);
    const [{ count, distinct }] = await db.query(`SELECT count(*)::int AS count, count(DISTINCT seq)::int AS distinct FROM history`);
    expect({ count, distinct }).toEqual({ count: entries, distinct: entries });
    // every live row is exactly the newest entry of its subject in the log
    const rows: { name: string; rv: string }[] = await db.query(`SELECT name, rv FROM objects`);
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      const lastEntry = await log.last({ group: '', plural: 'pods', namespace: 'default', name: row.name });
      expect({ name: row.name, rv: Number(row.rv) }).toEqual({ name: row.name, rv: lastEntry!.seq });
      expect(lastEntry!.type).not.toBe('Deleted');
    }
    await db.destroy();
  }, 180_000);

  it('rebuilds from the log into a fresh schema equal to the live projection', async () => {
    const liveDb = await openProjectionDb(pgUrl, live, 2);
    const freshDb = await openProjectionDb(pgUrl, rebuilt, 2);
    const projector = new Projector(log, freshDb);
    await projector.start();
    await projector.waitFor((await log.bounds()).last, 30_000);
    await projector.stop();
    expect(await snapshot(freshDb)).toEqual(await snapshot(liveDb));
    await liveDb.destroy();
    await freshDb.destroy();
  });

  it('replays the log into a fresh schema that compares equal, in full and as of a past sequence', async () => {
    const liveDb = await openProjectionDb(pgUrl, live, 2);
    const full = await openProjectionDb(pgUrl, `${rebuilt}_full`, 2);
    const partial = await openProjectionDb(pgUrl, `${rebuilt}_part`, 2);
    await writeWorkload(log, 1500, 40, 'replayed'); // more than a pull (256) of entries, so that back-pressure acts
    const { last } = await log.bounds();
    const projector = new Projector(log, liveDb);
    await projector.start();
    await projector.waitFor(last, 30_000);
    await projector.stop();
    const result = await replayInto(log, full, { fromSnapshot: false });
    expect(result).toMatchObject({ events: last, lastSeq: last });
    expect(result.timings!.read).toBeGreaterThan(0);
    expect(await compareProjections(liveDb, live, `${rebuilt}_full`)).toEqual([]);
    // a rebuilt schema is scratch: unlogged, so a crash empties it (checkpoints too) rather than
    // leaving it half-synced; the live projection stays logged
    const persistence = async (schema: string) =>
      Object.fromEntries(((await liveDb.query(`SELECT relname, relpersistence FROM pg_class WHERE relnamespace = $1::regnamespace AND relname IN ('history', 'objects', 'checkpoints')`, [schema])) as { relname: string; relpersistence: string }[]).map((r) => [r.relname, r.relpersistence]));
    expect(await persistence(`${rebuilt}_full`)).toEqual({ history: 'u', objects: 'u', checkpoints: 'u' });
    expect(await persistence(live)).toEqual({ history: 'p', objects: 'p', checkpoints: 'p' });
    // held back by Postgres' progress at every pull (a 4 KB lag allowed, pulls of 256), and with
    // objects COPYed every 8 first versions during the read (most changed again later), it loads the same
    const throttled = await openProjectionDb(pgUrl, `${rebuilt}_slow`, 2);
    expect(await replayInto(log, throttled, { fromSnapshot: false, maxLagBytes: 4096, objectsBatch: 8 })).toMatchObject({ events: last, lastSeq: last });
    expect(await compareProjections(liveDb, live, `${rebuilt}_slow`)).toEqual([]);
    await throttled.destroy();
    await dropSchema(pgUrl, `${rebuilt}_slow`);
    const half = Math.floor(last / 2);
    expect((await replayInto(log, partial, { toSeq: half, fromSnapshot: false })).lastSeq).toBe(half);
    expect(await compareProjections(liveDb, live, `${rebuilt}_part`, half)).toEqual([]);
    // and the partial replay is not the present: comparing it with the live state finds differences
    expect((await compareProjections(liveDb, live, `${rebuilt}_part`)).length).toBeGreaterThan(0);
    for (const db of [liveDb, full, partial]) await db.destroy();
    await dropSchema(pgUrl, `${rebuilt}_full`);
    await dropSchema(pgUrl, `${rebuilt}_part`);
  });

  it('leaves nothing behind when a replay fails, at its very end or midway, and replays into the same schema afterwards', async () => {
    const schema = `${rebuilt}_fail`;
    const db = await openProjectionDb(pgUrl, schema, 2);
    const counts = async () => (await db.query(`SELECT (SELECT count(*) FROM objects)::int AS objects, (SELECT count(*) FROM history)::int AS history, (SELECT count(*) FROM checkpoints)::int AS checkpoints`))[0];
    await writeWorkload(log, 40, 10, 'failing');
    const { last } = await log.bounds();
    // a checkpoint Postgres refuses fails the replay at its very end, after every row was loaded
    await db.query(`ALTER TABLE checkpoints ADD CONSTRAINT refuse CHECK (seq < 0)`);
    await expect(replayInto(log, db, { fromSnapshot: false })).rejects.toThrow(/refuse/);
    expect(await counts()).toEqual({ objects: 0, history: 0, checkpoints: 0 });
    await db.query(`ALTER TABLE checkpoints DROP CONSTRAINT refuse`);
    // an objects row Postgres refuses fails it midway (its COPY during the read, or the one at the end)
    await db.query(`ALTER TABLE objects ADD CONSTRAINT refuse CHECK (name <> 'failing-3')`);
    await expect(replayInto(log, db, { fromSnapshot: false, objectsBatch: 2 })).rejects.toThrow(/refuse/);
    expect(await counts()).toEqual({ objects: 0, history: 0, checkpoints: 0 });
    await expect(replayInto(log, db, { fromSnapshot: false })).rejects.toThrow(/refuse/);
    expect(await counts()).toEqual({ objects: 0, history: 0, checkpoints: 0 });
    await db.query(`ALTER TABLE objects DROP CONSTRAINT refuse`);
    // a crash between objects' commit and history's leaves objects rows without history or checkpoint:
    // a schema never replayed, which the next replay empties first
    await db.query(`INSERT INTO objects (resource, namespace, name, uid, rv) VALUES ('pods', 'default', 'left-over', 'u', 1)`);
    expect((await replayInto(log, db, { fromSnapshot: false })).lastSeq).toBe(last);
    expect(await db.query(`SELECT name FROM objects WHERE name = 'left-over'`)).toEqual([]);
    expect(await compareProjections(db, schema, schema)).toEqual([]);
    expect((await counts()).checkpoints).toBe(1);
    // a schema that holds a projection is refused, and kept as it was
    const held = await counts();
    await expect(replayInto(log, db, { fromSnapshot: false })).rejects.toThrow('replay needs an empty schema');
    expect(await counts()).toEqual(held);
    await db.destroy();
    await dropSchema(pgUrl, schema);
  });

  it('replays from a snapshot and the log after it into a projection equal to the live one', async () => {
    const liveDb = await openProjectionDb(pgUrl, live, 2);
    const projector = new Projector(log, liveDb);
    await projector.start();
    const first = await takeSnapshot(log);
    expect(first.seq).toBe((await log.bounds()).last);
    // more history after the snapshot: updates, deletes and re-creates of objects it holds, and new ones
    await writeWorkload(log, 200, 60, 'pod'); // objects the snapshot holds
    await writeWorkload(log, 200, 30, 'snapped');
    const second = await takeSnapshot(log, { toSeq: first.seq + 200 }); // from the first one plus 200 entries
    await writeWorkload(log, 100, 30, 'late');
    const { last } = await log.bounds();
    await projector.waitFor(last, 30_000);
    await projector.stop();
    expect((await listSnapshots(log)).map((s) => s.seq)).toEqual([second.seq, first.seq]);
    const [{ alive }] = await liveDb.query(`SELECT count(*)::int AS alive FROM history h WHERE seq <= $1 AND seq = (SELECT max(seq) FROM history x WHERE x.resource = h.resource AND x.namespace = h.namespace AND x.name = h.name AND x.seq <= $1) AND type <> 'Deleted'`, [second.seq]);
    expect(second.entries).toBe(alive); // one entry per object alive at its sequence

    const schemas = { full: `${rebuilt}_s_full`, asOf: `${rebuilt}_s_part` };
    const fromSnap = await openProjectionDb(pgUrl, schemas.full, 2);
    const partial = await openProjectionDb(pgUrl, schemas.asOf, 2);
    try {
      const result = await replayInto(log, fromSnap);
      expect({ from: result.snapshot?.seq, events: result.events, lastSeq: result.lastSeq }).toEqual({ from: second.seq, events: second.entries + (last - second.seq), lastSeq: last });
      expect(await compareProjections(liveDb, live, schemas.full)).toEqual([]);
      expect(await readCheckpoint(fromSnap, COMPACTED_CHECKPOINT)).toBe(second.seq);
      // history after the snapshot is the live one, row for row
      const tail = (db: DataSource) => db.query(`SELECT seq, resource, namespace, name, type, actor, cause, correlation, time, object FROM history WHERE seq > $1 ORDER BY seq`, [second.seq]);
      expect(await tail(fromSnap)).toEqual(await tail(liveDb));
      // and the world as of any sequence from the snapshot on reads the same
      const asOf = second.seq + 50;
      const list = async (db: DataSource) => (await new ObjectReader(db).list({ resource: 'pods', asOf })).items;
      expect(await list(fromSnap)).toEqual(await list(liveDb));
      // before the snapshot, the rebuilt history cannot answer: refused (the apiserver says 410 Gone), never a wrong list
      await expect(new ObjectReader(fromSnap).list({ resource: 'pods', asOf: second.seq - 1 })).rejects.toBeInstanceOf(CompactedError);
      expect((await new ObjectReader(liveDb).list({ resource: 'pods', asOf: second.seq - 1 })).items.length).toBeGreaterThan(0);

      // a replay that stops between the two snapshots starts from the first
      const mid = first.seq + 100;
      const part = await replayInto(log, partial, { toSeq: mid });
      expect({ from: part.snapshot?.seq, lastSeq: part.lastSeq }).toEqual({ from: first.seq, lastSeq: mid });
      expect(await compareProjections(liveDb, live, schemas.asOf, mid)).toEqual([]);
    } finally {
      for (const db of [liveDb, fromSnap, partial]) await db.destroy();
      for (const schema of Object.values(schemas)) await dropSchema(pgUrl, schema);
    }
  });

  it('stores text with tabs, line breaks, quotes, backslashes and the null marker, the cause and the time as they were written, live and replayed', async () => {
    const db = await openProjectionDb(pgUrl, live, 2);
    const replayed = await openProjectionDb(pgUrl, `${rebuilt}_odd`, 2);
    const odd = 'a\tb\nc\rd "e" \\ \u0001 \\N é';
    const key = { group: '', plural: 'configmaps', namespace: 'default', name: 'odd' };
    const object = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'odd', namespace: 'default', uid: 'u-odd', labels: { odd: 'x' }, annotations: { odd } }, data: { [odd]: odd, 'k:{"name":"app"}': '\\N' } };
    const written = await log.append({ key, expectedSeq: 0, envelope: { type: 'Created', object, actor: `user:${odd}`, cause: 12345678901, correlation: '\\N', time: '2026-11-26T10:00:00.123Z' } });
    const projector = new Projector(log, db);
    await projector.start();
    await projector.waitFor(written.seq);
    await projector.stop();
    await replayInto(log, replayed, { fromSnapshot: false });
    for (const [schema, conn] of [[live, db], [`${rebuilt}_odd`, replayed]] as const) {
      const [row] = (await conn.query(`SELECT actor, cause, correlation, to_json(time) #>> '{}' AS time, object::jsonb AS object FROM ${schema}.history WHERE seq = $1`, [written.seq])) as unknown[];
      expect(row).toEqual({ actor: `user:${odd}`, cause: '12345678901', correlation: '\\N', time: '2026-11-26T10:00:00.123+00:00', object });
    }
    await db.destroy();
    await replayed.destroy();
    await dropSchema(pgUrl, `${rebuilt}_odd`);
  });

  it('reads the world as of a past sequence from history', async () => {
    const db = await openProjectionDb(pgUrl, live, 2);
    const reader = new ObjectReader(db);
    const key = { group: '', plural: 'pods', namespace: 'default', name: 'pod-asof' };
    const created = await log.append({ key, expectedSeq: 0, envelope: env('Created', 'pod-asof', 1) });
    const deleted = await log.append({ key, expectedSeq: created.seq, envelope: env('Deleted', 'pod-asof', 1) });
    const projector = new Projector(log, db);
    await projector.start();
    await projector.waitFor(deleted.seq);
    await projector.stop();
    const names = async (asOf?: number) => (await reader.list({ resource: 'pods', asOf })).items.map((o) => o.metadata.name);
    expect(await names(created.seq)).toContain('pod-asof');
    expect(await names(deleted.seq)).not.toContain('pod-asof');
    expect(await names()).not.toContain('pod-asof');
    await db.destroy();
  });
});
