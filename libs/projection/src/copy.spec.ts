import { Writable } from 'node:stream';
import type { ClientBase } from 'pg';
import { CopyBatch, CopyStream, CopyWriter } from './copy';

/** A writer's bytes after `write` as a string. */
function written(write: (w: CopyWriter) => void): string {
  const w = new CopyWriter(16); // small: growing is exercised too
  write(w);
  return w.bytes().toString();
}

describe('CopyWriter, text format', () => {
  it('separates fields with tabs, ends rows with a newline and writes null as \\N', () => {
    expect(written((w) => [w.int(1), w.tab(), w.text('pods'), w.tab(), w.nul(), w.endRow()])).toBe('1\tpods\t\\N\n');
  });

  it('escapes backslashes, tabs and line breaks inside a text field so that it cannot split the row', () => {
    expect(written((w) => [w.text('a\tb\r\nc'), w.tab(), w.text('C:\\dir')])).toBe('a\\tb\\r\\nc\tC:\\\\dir');
  });

  it('passes JSON bytes through with only their backslashes doubled', () => {
    const json = JSON.stringify({ a: 'tab\there "q" \\ é' });
    const bytes = Buffer.from(`xx${json}yy`);
    expect(written((w) => w.json(bytes, 2, bytes.length - 2))).toBe(json.replace(/\\/g, '\\\\'));
  });
});

describe('CopyWriter, binary format', () => {
  it('writes a row as its field count, then each field as its length and bytes (-1 for null), int8 big-endian', () => {
    const w = new CopyWriter(8);
    const numbers = [0, 1, -1, 2 ** 40 + 5, -(2 ** 40) - 5, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER];
    w.binRow(numbers.length + 3);
    for (const n of numbers) w.binInt8(n);
    w.binText('é☃');
    w.binNull();
    w.binBytes(Buffer.from('xx{"a":1}yy'), 2, 9);
    const b = w.bytes();
    expect(b.readInt16BE(0)).toBe(numbers.length + 3);
    let i = 2;
    for (const n of numbers) {
      expect([b.readInt32BE(i), b.readBigInt64BE(i + 4)]).toEqual([8, BigInt(n)]);
      i += 12;
    }
    expect([b.readInt32BE(i), b.toString('utf8', i + 4, i + 9)]).toEqual([5, 'é☃']);
    i += 9;
    expect(b.readInt32BE(i)).toBe(-1);
    expect([b.readInt32BE(i + 4), b.toString('utf8', i + 8)]).toEqual([7, '{"a":1}']);
  });
});

describe('CopyBatch', () => {
  it('gathers rows in chunks that end at row boundaries', () => {
    const batch = new CopyBatch();
    const field = 'x'.repeat(30_000);
    for (let i = 0; i < 20; i++) [batch.int(i), batch.tab(), batch.text(field), batch.endRow()];
    const chunks = batch.done();
    expect(batch.rows).toBe(20);
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.every((c) => c.toString().endsWith('\n'))).toBe(true);
    expect(Buffer.concat(chunks).toString()).toBe(Array.from({ length: 20 }, (_, i) => `${i}\t${field}\n`).join(''));
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
    for (let i = 0; i < 300; i++) [copy.rows.int(i), copy.rows.tab(), copy.rows.text('x'.repeat(1000)), copy.rows.endRow()];
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
    [copy.rows.int(1), copy.rows.endRow()];
    const drained = copy.drained();
    refuse(new Error('replay needs an empty schema'));
    await expect(drained).rejects.toThrow('replay needs an empty schema');
    expect(() => copy.backlog).toThrow('replay needs an empty schema');
    await expect(copy.end()).rejects.toThrow('replay needs an empty schema');
    expect(sent).toHaveLength(0);
  });

  it('in the binary format, sends the header first and the trailer last, around the rows', async () => {
    const { sent, client, pending, conn } = scripted();
    const copy = new CopyStream(client, 'history', ['seq', 'object'], { freeze: true, binary: true });
    [copy.rows.binRow(2), copy.rows.binInt8(7), copy.rows.binText('{}'), copy.rows.endBinRow()];
    expect((sent[0] as unknown as { text: string }).text).toBe('COPY history (seq, object) FROM STDIN WITH (FORMAT binary, FREEZE)');
    const frames: Buffer[] = [];
    conn.stream = new Writable({ write: (chunk: Buffer, _enc, done) => void (frames.push(chunk), done()) }) as never;
    sent[0].handleCopyInResponse(conn);
    const ended = copy.end();
    sent[0].emit('end');
    await ended;
    expect(pending).toHaveLength(0);
    // each frame a CopyData message: 'd', its length, its bytes
    expect(frames.every((f) => f[0] === 0x64 && f.readUInt32BE(1) === f.length - 1)).toBe(true);
    const data = Buffer.concat(frames.map((f) => f.subarray(5)));
    expect(data.subarray(0, 19)).toEqual(Buffer.concat([Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1'), Buffer.alloc(8)]));
    expect(data.subarray(19, -2).toString('hex')).toBe('0002' + '00000008' + '0000000000000007' + '00000002' + Buffer.from('{}').toString('hex'));
    expect(data.readInt16BE(data.length - 2)).toBe(-1);
  });
});
