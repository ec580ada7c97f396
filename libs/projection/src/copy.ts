import { Query, type ClientBase } from 'pg';

// Bulk loading through COPY … FROM STDIN: Postgres takes each row's columns straight from the
// stream, which costs about a third of the CPU of unpacking the same rows from one big jsonb
// parameter (jsonb_to_recordset builds the whole batch as one jsonb value first). Two formats:
// text (tab-separated, backslash escapes), and binary (each field's length, then its bytes),
// where Postgres needs no scan of a long field for escapes (entry-rows.ts: history's objects).
// node-postgres supports COPY only through a Query whose copy-in hook sends the data; this is
// that hook, without a streaming dependency.
//
// Rows are written as bytes into ~256 KB chunks, each with five bytes left free in front for
// the protocol's CopyData header: a chunk goes to the socket as it is (node-postgres would copy
// every chunk into its own write buffer first), and JSON goes from a log message to Postgres
// without ever becoming a string.

const CHUNK = 256 * 1024;
const ROW_SLACK = 4 * 1024;
/** 'd' + int32 length: the CopyData message header */
const HEADER = 5;
const TAB = 0x09;
const NEWLINE = 0x0a;
const BACKSLASH = 0x5c;
const NULL_FIELD = Buffer.from('\\N');
const SPECIAL = /[\\\n\r\t]/;
const SPECIAL_ALL = /[\\\n\r\t]/g;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };
/** Bytes copied one by one rather than through a view (see `raw`). */
const SHORT_COPY = 64;

/** A growable byte buffer with COPY's field writers, text format and binary (`bin*`). */
export class CopyWriter {
  protected buf: Buffer;
  protected pos: number;

  constructor(
    size = 4096,
    protected readonly start = 0,
  ) {
    this.buf = Buffer.allocUnsafe(size);
    this.pos = start;
  }

  /** The bytes written since the start. */
  bytes(): Buffer {
    return this.buf.subarray(this.start, this.pos);
  }

  reset(): void {
    this.pos = this.start;
  }

  /** All another writer wrote since its start (a row written apart, added to a batch). */
  copyFrom(src: CopyWriter): void {
    this.raw(src.buf, src.start, src.pos);
  }

  tab(): void {
    this.room(1);
    this.buf[this.pos++] = TAB;
  }

  nul(): void {
    this.raw(NULL_FIELD, 0, 2);
  }

  int(n: number): void {
    this.ascii(String(n));
  }

  /** A text field, escaped as COPY wants (backslash, tab, line breaks). */
  text(s: string): void {
    if (SPECIAL.test(s)) s = s.replace(SPECIAL_ALL, (c) => ESCAPES[c]);
    this.room(s.length * 3);
    this.pos += this.buf.write(s, this.pos);
  }

  /** Bytes as they are: for text known to need no escape (JSON string content without backslashes, digits). */
  raw(b: Uint8Array, start: number, end: number): void {
    const n = end - start;
    this.room(n);
    // Most pieces are short (a name, a stretch of JSON between two backslashes): a view to copy
    // from cost more than the copy (Buffer.subarray was ~8 % of a replay's CPU in the profile).
    if (n <= SHORT_COPY) for (let i = 0; i < n; i++) this.buf[this.pos + i] = b[start + i];
    else this.buf.set(start === 0 && end === b.length ? b : new Uint8Array(b.buffer, b.byteOffset + start, n), this.pos);
    this.pos += n;
  }

  /** JSON text as a field: copied as it is but for its backslashes, which COPY would take for escapes (JSON holds no raw tabs or line breaks). */
  json(b: Uint8Array, start: number, end: number): void {
    for (let from = start; ; ) {
      const k = b.indexOf(BACKSLASH, from);
      if (k < 0 || k >= end) return this.raw(b, from, end);
      this.raw(b, from, k + 1);
      this.room(1);
      this.buf[this.pos++] = BACKSLASH;
      from = k + 1;
    }
  }

  endRow(): void {
    this.room(1);
    this.buf[this.pos++] = NEWLINE;
  }

  // COPY's binary format: a row is its field count (int16), then each field as its length (int32,
  // -1 for NULL) and its bytes, in the type's binary form (text: its UTF-8 bytes as they are).

  /** Starts a binary row of n fields. */
  binRow(n: number): void {
    this.room(2);
    this.buf[this.pos++] = n >>> 8;
    this.buf[this.pos++] = n;
  }

  binNull(): void {
    this.room(4);
    this.int32(-1);
  }

  /** An int8 field (bigint, or timestamptz as microseconds since 2000-01-01 UTC); n a safe integer. */
  binInt8(n: number): void {
    this.room(12);
    const hi = Math.floor(n / 2 ** 32);
    this.int32(8);
    this.int32(hi);
    this.int32(n - hi * 2 ** 32);
  }

  /** A text field from bytes that are its UTF-8 text (no escapes in this format). */
  binBytes(b: Uint8Array, start: number, end: number): void {
    this.room(4);
    this.int32(end - start);
    this.raw(b, start, end);
  }

  /** A text field from a string. */
  binText(s: string): void {
    this.room(4 + s.length * 3);
    const at = this.pos;
    this.pos += 4;
    const n = this.buf.write(s, this.pos);
    this.pos = at;
    this.int32(n);
    this.pos += n;
  }

  /** Four bytes, big-endian (room made by the caller): plain stores, cheaper than Buffer's checked writers before they are optimized. */
  private int32(n: number): void {
    const b = this.buf;
    b[this.pos] = n >>> 24;
    b[this.pos + 1] = n >>> 16;
    b[this.pos + 2] = n >>> 8;
    b[this.pos + 3] = n;
    this.pos += 4;
  }

  protected ascii(s: string): void {
    this.room(s.length);
    this.pos += this.buf.write(s, this.pos, 'latin1');
  }

  protected room(bytes: number): void {
    if (this.pos + bytes <= this.buf.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + bytes));
    this.buf.copy(grown, 0, 0, this.pos);
    this.buf = grown;
  }
}

/** Rows for COPY, cut into chunks at row boundaries, each ready to go out as one CopyData message. */
export class CopyBatch extends CopyWriter {
  /** whole chunks not yet taken, as CopyData messages */
  private frames: Buffer[] = [];
  rows = 0;

  constructor() {
    super(CHUNK, HEADER);
  }

  /** A whole row already in COPY text format, its newline included. */
  addRow(row: Uint8Array): void {
    this.raw(row, 0, row.length);
    this.rowDone();
  }

  /** The row another writer holds (all it wrote since its reset, the newline included). */
  addRowFrom(src: CopyWriter): void {
    this.copyFrom(src);
    this.rowDone();
  }

  override endRow(): void {
    super.endRow();
    this.rowDone();
  }

  /** Ends a row in the binary format, which has no terminator. */
  endBinRow(): void {
    this.rowDone();
  }

  get hasFrames(): boolean {
    return this.frames.length > 0;
  }

  /** The whole chunks so far as CopyData messages, handed over (the batch forgets them). */
  takeFrames(): Buffer[] {
    const f = this.frames;
    this.frames = [];
    return f;
  }

  /** Every chunk as CopyData messages, the last one included. */
  allFrames(): Buffer[] {
    if (this.pos > HEADER) this.cut();
    return this.takeFrames();
  }

  /** The rows' text, chunk by chunk (without the message headers). */
  done(): Buffer[] {
    return this.allFrames().map((f) => f.subarray(HEADER));
  }

  // Cutting only at row ends keeps every chunk a whole number of rows.
  private rowDone(): void {
    this.rows++;
    if (this.pos >= CHUNK - ROW_SLACK) this.cut();
  }

  private cut(): void {
    const frame = this.buf.subarray(0, this.pos);
    frame[0] = 0x64; // 'd'
    frame.writeUInt32BE(this.pos - 1, 1);
    this.frames.push(frame);
    this.buf = this.spare.pop() ?? Buffer.allocUnsafe(CHUNK);
    this.pos = HEADER;
  }

  /**
   * Takes back a frame's chunk once the socket has written it, for a later chunk: a fresh 256 KB
   * buffer is fresh memory from the kernel, and its first touch page by page (a page fault per
   * 4 KB) cost the replaying process more than all its copying (docs/benchmarks.md, replay-ref).
   */
  recycle(frame: Buffer): void {
    if (frame.byteOffset === 0 && frame.buffer.byteLength === CHUNK && this.spare.length < SPARE_CHUNKS) this.spare.push(Buffer.from(frame.buffer, 0, CHUNK));
  }

  private spare: Buffer[] = [];
}

/** The binary format's header (signature, flags, no extension) and trailer (a field count of -1), each as a CopyData message. */
const BINARY_HEADER = copyData(Buffer.concat([Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1'), Buffer.alloc(8)]));
const BINARY_TRAILER = copyData(Buffer.from([0xff, 0xff]));

function copyData(payload: Buffer): Buffer {
  const frame = Buffer.allocUnsafe(HEADER + payload.length);
  frame[0] = 0x64; // 'd'
  frame.writeUInt32BE(frame.length - 1, 1);
  payload.copy(frame, HEADER);
  return frame;
}

/** Chunks kept for reuse: as many as may be on their way to the socket at once (MAX_BACKLOG in rebuild-load.ts is 8 MB). */
const SPARE_CHUNKS = 40;

interface CopyConnection {
  stream: NodeJS.WritableStream & { writableLength: number };
  endCopyFrom(): void;
  sendCopyFail(message: string): void;
}

/**
 * A `COPY table (columns) FROM STDIN` kept open while rows are produced: write rows into
 * `rows`, call `flush()` now and then to send the whole chunks, `end()` when done. `backlog`
 * (bytes not yet taken by the socket) is what a producer slows down on. `freeze` writes rows
 * frozen: only for a table created or truncated in the same transaction.
 */
export class CopyStream {
  readonly rows = new CopyBatch();
  private conn?: CopyConnection;
  private queued: Buffer[] = [];
  private ending = false;
  private cancelled = false;
  private failure?: Error;
  private readonly binary: boolean;
  /** bytes handed to the connection (or queued for it) so far */
  sent = 0;
  readonly finished: Promise<void>;
  /** settles once Postgres has taken the COPY (after `after`) */
  private readonly started: Promise<void>;

  /**
   * `after`: a promise the COPY waits for (statements queued before it on the same connection,
   * say); rows written meanwhile wait in memory. Should it fail, so does the COPY. `binary`: rows
   * in COPY's binary format (CopyWriter's bin* writers); the stream writes its header and trailer.
   */
  constructor(client: ClientBase, table: string, columns: readonly string[], opts: { freeze?: boolean; binary?: boolean; after?: Promise<unknown> } = {}) {
    const options = [...(opts.binary ? ['FORMAT binary'] : []), ...(opts.freeze ? ['FREEZE'] : [])];
    const query = new Query(`COPY ${table} (${columns.join(', ')}) FROM STDIN${options.length ? ` WITH (${options.join(', ')})` : ''}`);
    this.binary = Boolean(opts.binary);
    if (this.binary) this.send([BINARY_HEADER]); // the first message, before any rows
    let start!: () => void;
    this.started = new Promise((resolve) => (start = resolve));
    // Query's own hook answers CopyInResponse with a CopyFail; this one sends the rows instead.
    (query as unknown as { handleCopyInResponse: (c: CopyConnection) => void }).handleCopyInResponse = (c) => {
      this.conn = c;
      start();
      if (this.cancelled) return c.sendCopyFail('cancelled');
      for (const f of this.queued) c.stream.write(f, () => this.rows.recycle(f));
      this.queued = [];
      if (this.ending) c.endCopyFrom();
    };
    let fail!: (e: Error) => void;
    this.finished = new Promise<void>((resolve, reject) => {
      fail = (e) => {
        this.failure ??= e;
        reject(e);
      };
      query.once('end', () => resolve());
      query.once('error', fail);
    });
    this.finished.catch(() => undefined); // surfaced by end() and by backlog checks
    if (!opts.after) void client.query(query);
    else opts.after.then(() => (this.cancelled ? fail(new Error('cancelled')) : void client.query(query)), fail);
  }

  /** Bytes written but not yet taken by the socket. Throws once the COPY has failed. */
  get backlog(): number {
    if (this.failure) throw this.failure;
    return this.conn ? this.conn.stream.writableLength : this.queued.reduce((n, f) => n + f.length, 0);
  }

  /** Resolves once the socket has taken what was written: rows written before the COPY started wait for it to start. */
  drained(): Promise<void> {
    if (!this.conn) return Promise.race([this.started, this.finished]).then(() => (this.conn ? this.drained() : undefined));
    if (this.conn.stream.writableLength === 0) return Promise.resolve();
    return new Promise((resolve) => this.conn!.stream.once('drain', () => resolve()));
  }

  /** Sends the whole chunks written so far (called per row: mostly there are none). */
  flush(): void {
    if (this.rows.hasFrames) this.send(this.rows.takeFrames());
  }

  /** Sends chunks of another batch (whole rows, as CopyData messages). */
  sendFrames(frames: readonly Buffer[]): void {
    this.send(frames);
  }

  /** Sends the rest and ends the COPY; resolves when Postgres has taken every row. */
  end(): Promise<void> {
    this.send(this.rows.allFrames());
    if (this.binary) this.send([BINARY_TRAILER]);
    this.ending = true;
    this.conn?.endCopyFrom();
    return this.finished;
  }

  /** Abandons the COPY (Postgres discards its rows); resolves once the connection is free again. */
  cancel(): Promise<void> {
    if (!this.ending && !this.cancelled) {
      this.cancelled = true;
      this.conn?.sendCopyFail('cancelled');
    }
    return this.finished.catch(() => undefined);
  }

  private send(frames: readonly Buffer[]): void {
    for (const f of frames) this.sent += f.length;
    if (this.conn) for (const f of frames) this.conn.stream.write(f, () => this.rows.recycle(f));
    else this.queued.push(...frames);
  }
}

/** Runs one COPY with the rows of a batch. */
export function copyBatch(client: ClientBase, table: string, columns: readonly string[], batch: CopyBatch, opts: { freeze?: boolean; binary?: boolean } = {}): Promise<void> {
  const copy = new CopyStream(client, table, columns, opts);
  copy.sendFrames(batch.allFrames());
  return copy.end();
}
