import { Writable } from 'node:stream';
import type { ClientBase } from 'pg';
import { CopyBatch, copyLine, CopyStream } from './copy';

describe('copyLine (COPY text format)', () => {
  it('separates fields with tabs, ends with a newline and writes null as \\N', () => {
    expect(copyLine([1, 'pods', null, undefined])).toBe('1\tpods\t\\N\t\\N\n');
  });

  it('doubles backslashes, so JSON escapes reach Postgres unchanged', () => {
    const json = JSON.stringify({ a: 'line\nbreak "quoted"' }); // {"a":"line\nbreak \"quoted\""}
    expect(copyLine([json])).toBe(`${json.replace(/\\/g, '\\\\')}\n`);
    expect(copyLine(['C:\\dir'])).toBe('C:\\\\dir\n');
  });

  it('escapes tabs and line breaks inside a field so that it cannot split the row', () => {
    expect(copyLine(['a\tb\r\nc', 'd'])).toBe('a\\tb\\r\\nc\td\n');
  });

  it('gathers rows in chunks that end at row boundaries', () => {
    const batch = new CopyBatch();
    const field = 'x'.repeat(30_000);
    for (let i = 0; i < 20; i++) batch.add([i, field]);
    const chunks = batch.done();
    expect(batch.rows).toBe(20);
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.every((c) => c.toString().endsWith('\n'))).toBe(true);
    expect(Buffer.concat(chunks).toString()).toBe(Array.from({ length: 20 }, (_, i) => `${i}\t${field}\n`).join(''));
  });

  it('passes JSON bytes through as the last column with only their backslashes doubled', () => {
    const json = JSON.stringify({ a: 'tab\there "q" \\ é' });
    const bytes = Buffer.from(`xx${json}yy`);
    const batch = new CopyBatch();
    batch.add([7, null], { bytes, start: 2, end: bytes.length - 2 });
    batch.add([], { bytes, start: 2, end: bytes.length - 2 });
    expect(Buffer.concat(batch.done()).toString()).toBe(`7\t\\N\t${json.replace(/\\/g, '\\\\')}\n${json.replace(/\\/g, '\\\\')}\n`);
  });
});

describe('CopyStream that waits for statements before it', () => {
  /** A client that only records the query; the test plays Postgres' part. */
  function scripted() {
    const sent: { handleCopyInResponse(c: unknown): void; emit(event: string, arg?: unknown): boolean }[] = [];
    const client = { query: (q: (typeof sent)[number]) => void sent.push(q) } as unknown as ClientBase;
    const pending: (() => void)[] = [];
    // a socket that takes nothing until told to
    const socket = new Writable({ highWaterMark: 1, write: (_chunk, _enc, done) => void pending.push(done) });
    const conn = { stream: socket, endCopyFrom: () => undefined, sendCopyFail: () => undefined };
    return { sent, client, pending, conn, socket };
  }
  const tick = () => new Promise((r) => setImmediate(r));
  const settled = (p: Promise<unknown>) => {
    let done = false;
    p.then(
      () => (done = true),
      () => (done = true),
    );
    return () => done;
  };

  it('holds a producer back until the COPY has started and the socket has taken the rows', async () => {
    const { sent, client, pending, conn, socket } = scripted();
    let setUp!: () => void;
    const copy = new CopyStream(client, 't', ['a'], { after: new Promise<void>((r) => (setUp = r)) });
    for (let i = 0; i < 300; i++) copy.rows.add([i, 'x'.repeat(1000)]);
    copy.flush();
    expect(copy.backlog).toBeGreaterThan(0);
    const drained = settled(copy.drained());
    await tick();
    expect(sent).toHaveLength(0); // the COPY waits for its setup...
    expect(drained()).toBe(false); // ...and so does whoever waits on the backlog (it used to be told "drained" at once)
    setUp();
    await tick();
    expect(sent).toHaveLength(1);
    sent[0].handleCopyInResponse(conn);
    await tick();
    expect(drained()).toBe(false); // started, but the socket has not taken the rows
    while (pending.length) pending.shift()!();
    await tick();
    expect(socket.writableLength).toBe(0);
    expect(drained()).toBe(true);
  });

  it('fails when its setup fails, and so do the backlog and drained()', async () => {
    const { sent, client } = scripted();
    let refuse!: (e: Error) => void;
    const copy = new CopyStream(client, 't', ['a'], { after: new Promise<void>((_, reject) => (refuse = reject)) });
    copy.rows.add([1]);
    const drained = copy.drained();
    refuse(new Error('replay needs an empty schema'));
    await expect(drained).rejects.toThrow('replay needs an empty schema');
    expect(() => copy.backlog).toThrow('replay needs an empty schema');
    await expect(copy.end()).rejects.toThrow('replay needs an empty schema');
    expect(sent).toHaveLength(0);
  });
});
