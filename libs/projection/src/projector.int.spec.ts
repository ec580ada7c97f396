import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { EventLog, type Envelope } from '@keelson/eventlog';
import { dropSchema, openProjectionDb } from './database';
import { Projector } from './projector';
import { ObjectReader } from './reader';
import { compareProjections, replayInto } from './replay';

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
  const last = new Map<string, number>();
  let entries = 0;
  for (let i = 0; i < n; i++) {
    const name = `${prefix}-${i % names}`;
    const key = { group: '', plural: 'pods', namespace: 'default', name };
    const prev = last.get(name);
    const current = prev === undefined ? null : await log.last(key);
    const type: Envelope['type'] = current === null || current.type === 'Deleted' ? 'Created' : i % 7 === 0 ? 'Deleted' : 'Updated';
    const e = await log.append({ key, expectedSeq: current?.seq ?? 0, envelope: env(type, name, i) });
    last.set(name, e.seq);
    entries++;
    if (i % 20 === 0) await new Promise((r) => setTimeout(r, 2)); // keep writing for long enough to kill the projector several times
  }
  return { entries };
}

async function snapshot(db: DataSource): Promise<unknown[]> {
  return db.query(`SELECT resource, namespace, name, uid, rv, labels, owner_uids, node_name, phase, object FROM objects ORDER BY resource, namespace, name`);
}

describe('projector', () => {
  let log: EventLog;
  beforeAll(async () => {
    log = await EventLog.connect({ servers, stream, prefix });
  });
  afterAll(async () => {
    await log.jsm.streams.delete(stream).catch(() => undefined);
    await log.close();
    await dropSchema(pgUrl, live);
    await dropSchema(pgUrl, rebuilt);
  });

  it('loses and doubles nothing when killed with SIGKILL again and again mid-stream', async () => {
    let child = await startChild();
    const writing = writeWorkload(log, 5000, 200);
    let kills = 0;
    let done = false;
    void writing.then(() => (done = true));
    while (!done) {
      await new Promise((r) => setTimeout(r, 150 + Math.random() * 200));
      child.kill('SIGKILL');
      await once(child, 'exit');
      kills++;
      child = await startChild();
    }
    const { entries } = await writing;
    const lastSeq = (await log.bounds()).last;

    const db = await openProjectionDb(pgUrl, live, 2);
    const reader = new ObjectReader(db);
    for (let i = 0; i < 100 && (await reader.checkpoint()) < lastSeq; i++) await new Promise((r) => setTimeout(r, 100));
    child.kill('SIGTERM');
    await once(child, 'exit');

    expect(kills).toBeGreaterThan(2);
    expect(await reader.checkpoint()).toBe(lastSeq);
    const [{ count }] = await db.query(`SELECT count(*)::int AS count FROM history`);
    expect(count).toBe(entries);
    // every live row is exactly the newest entry of its subject in the log
    const rows: { name: string; rv: string }[] = await db.query(`SELECT name, rv FROM objects`);
    for (const row of rows) {
      const lastEntry = await log.last({ group: '', plural: 'pods', namespace: 'default', name: row.name });
      expect({ name: row.name, rv: Number(row.rv) }).toEqual({ name: row.name, rv: lastEntry!.seq });
      expect(lastEntry!.type).not.toBe('Deleted');
    }
    await db.destroy();
  }, 120_000);

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
    await writeWorkload(log, 300, 40, 'replayed');
    const { last } = await log.bounds();
    const projector = new Projector(log, liveDb);
    await projector.start();
    await projector.waitFor(last, 30_000);
    await projector.stop();
    const result = await replayInto(log, full);
    expect(result).toEqual({ events: last, lastSeq: last });
    expect(await compareProjections(liveDb, live, `${rebuilt}_full`)).toEqual([]);
    const half = Math.floor(last / 2);
    expect((await replayInto(log, partial, { toSeq: half })).lastSeq).toBe(half);
    expect(await compareProjections(liveDb, live, `${rebuilt}_part`, half)).toEqual([]);
    // and the partial replay is not the present: comparing it with the live state finds differences
    expect((await compareProjections(liveDb, live, `${rebuilt}_part`)).length).toBeGreaterThan(0);
    for (const db of [liveDb, full, partial]) await db.destroy();
    await dropSchema(pgUrl, `${rebuilt}_full`);
    await dropSchema(pgUrl, `${rebuilt}_part`);
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
