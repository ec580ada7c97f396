import { randomUUID } from 'node:crypto';
import { EventLog, WrongLastSequence } from './log';
import type { Envelope } from './envelope';

const servers = process.env.KEELSON_NATS_URL ?? 'nats://127.0.0.1:4222';
const id = randomUUID().slice(0, 8);
const pod = (name: string, image = 'nginx:1.7.9') => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' }, spec: { containers: [{ name: 'nginx', image }] } });
const env = (type: Envelope['type'], name: string, image?: string): Envelope => ({ type, object: pod(name, image), actor: 'user:test', time: new Date().toISOString() });
// the image each read-N was created with; read-7 was deleted, whose tombstone carries the default
const imageOf = (n: string) => (n === 'read-7' ? 'nginx:1.7.9' : `img:${n}`);
const key = (name: string) => ({ group: '', plural: 'pods', namespace: 'default', name });

describe('EventLog against a real JetStream', () => {
  let log: EventLog;
  beforeAll(async () => {
    log = await EventLog.connect({ servers, stream: `T_LOG_${id}`, prefix: `t${id}.obj` });
  });
  afterAll(async () => {
    await log.jsm.streams.delete(log.stream);
    await log.close();
  });

  it('gives each append the stream sequence as its resourceVersion', async () => {
    const a = await log.append({ key: key('a'), expectedSeq: 0, envelope: env('Created', 'a') });
    const b = await log.append({ key: key('b'), expectedSeq: 0, envelope: env('Created', 'b') });
    expect(b.seq).toBe(a.seq + 1);
    expect((await log.last(key('a')))?.seq).toBe(a.seq);
  });

  it('refuses a create when the name is taken, and an update against a stale version', async () => {
    const first = await log.append({ key: key('c'), expectedSeq: 0, envelope: env('Created', 'c') });
    await expect(log.append({ key: key('c'), expectedSeq: 0, envelope: env('Created', 'c') })).rejects.toBeInstanceOf(WrongLastSequence);
    const second = await log.append({ key: key('c'), expectedSeq: first.seq, envelope: env('Updated', 'c', 'nginx:2') });
    await expect(log.append({ key: key('c'), expectedSeq: first.seq, envelope: env('Updated', 'c', 'nginx:3') })).rejects.toBeInstanceOf(WrongLastSequence);
    expect((await log.last(key('c')))?.object).toEqual(pod('c', 'nginx:2'));
    expect((await log.last(key('c')))?.seq).toBe(second.seq);
  });

  it('lets exactly one of many racing writers win', async () => {
    const base = await log.append({ key: key('race'), expectedSeq: 0, envelope: env('Created', 'race') });
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) => log.append({ key: key('race'), expectedSeq: base.seq, envelope: env('Updated', 'race', `img:${i}`) })),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'rejected').every((r) => (r as PromiseRejectedResult).reason instanceof WrongLastSequence)).toBe(true);
  });

  it('does not double a retried append that carries the same message id', async () => {
    const msgId = randomUUID();
    const a = await log.append({ key: key('retry'), expectedSeq: 0, envelope: env('Created', 'retry'), msgId });
    const again = await log.append({ key: key('retry'), expectedSeq: 0, envelope: env('Created', 'retry'), msgId });
    expect(again.seq).toBe(a.seq);
    expect((await log.bounds()).last).toBe(a.seq);
  });

  it('answers each of many appends sent at once with the sequence of its own entry', async () => {
    const names = Array.from({ length: 300 }, (_, i) => `burst-${i}`);
    const entries = await Promise.all(names.map((n) => log.append({ key: key(n), expectedSeq: 0, envelope: env('Created', n) })));
    expect(new Set(entries.map((e) => e.seq)).size).toBe(names.length);
    const stored = await Promise.all(entries.map((e) => log.entryAt(e.seq)));
    expect(stored.map((e) => e?.object.metadata.name)).toEqual(names);
  });

  it('fails an append that no stream takes instead of waiting for it forever', async () => {
    const elsewhere = await EventLog.connect({ servers, stream: `T_LOG_${id}`, prefix: `t${id}.obj` });
    try {
      Object.assign(elsewhere, { prefix: `u${id}.obj` }); // subjects outside the stream: nobody answers
      await expect(elsewhere.append({ key: key('lost'), expectedSeq: 0, envelope: env('Created', 'lost') })).rejects.toThrow(/503|no responders/i);
    } finally {
      await elsewhere.close();
    }
  });

  it('returns null for a name never used', async () => {
    expect(await log.last(key('never'))).toBeNull();
  });

  it('answers each of many reads of the newest entry sent at once with its own object, a tombstone as the entry it is', async () => {
    const names = Array.from({ length: 200 }, (_, i) => `read-${i}`);
    const created = await Promise.all(names.map((n) => log.append({ key: key(n), expectedSeq: 0, envelope: env('Created', n, `img:${n}`) })));
    const deleted = await log.append({ key: key(names[7]), expectedSeq: created[7].seq, envelope: env('Deleted', names[7]) });
    const read = await Promise.all([...names, 'never-read'].map((n) => log.last(key(n))));
    expect(read.map((e) => e?.seq ?? null)).toEqual([...created.map((e, i) => (i === 7 ? deleted.seq : e.seq)), null]);
    expect(read.map((e) => e?.object.spec)).toEqual([...names.map((n) => ({ containers: [{ name: 'nginx', image: imageOf(n) }] })), undefined]);
    expect(read[7]?.type).toBe('Deleted');
    expect(read[8]?.subject).toBe(created[8].subject);
  });

  it("reads a closed range in order, and fails with its sink's own error when the sink fails", async () => {
    const first = (await log.append({ key: key('range-0'), expectedSeq: 0, envelope: env('Created', 'range-0') })).seq;
    for (let i = 1; i < 30; i++) await log.append({ key: key(`range-${i}`), expectedSeq: 0, envelope: env('Created', `range-${i}`) });
    const seen: number[] = [];
    const read = await log.readRange({ filter: `${log.prefix}.>`, fromSeq: first + 5, toSeq: first + 24, batch: 7, onEntry: (e) => void seen.push(e.seq) });
    expect(read).toEqual({ count: 20, lastSeq: first + 24 });
    expect(seen).toEqual(Array.from({ length: 20 }, (_, i) => first + 5 + i));
    // a sink that fails between pulls (a COPY Postgres refused) ends the read with its error
    let pulls = 0;
    const failing = log.readRange({
      filter: `${log.prefix}.>`,
      fromSeq: first,
      toSeq: first + 29,
      batch: 4,
      onEntry: () => undefined,
      ready: () => {
        if (++pulls > 3) throw new Error('the sink refused');
        return undefined;
      },
    });
    await expect(failing).rejects.toThrow('the sink refused');
  });

  it('follows the log from a sequence, in order', async () => {
    const start = (await log.bounds()).last + 1;
    for (const n of ['f1', 'f2', 'f3']) await log.append({ key: key(n), expectedSeq: 0, envelope: env('Created', n) });
    const seen: string[] = [];
    const ac = new AbortController();
    await log.follow(`t${id}.obj.pods.default.*`, start, (e) => {
      seen.push(e.object.metadata.name!);
      if (seen.length === 3) ac.abort();
    }, ac.signal);
    expect(seen).toEqual(['f1', 'f2', 'f3']);
  });
});
