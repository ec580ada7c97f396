import { Query, type ClientBase } from 'pg';

// Bulk loading through COPY … FROM STDIN: Postgres parses each row's columns straight from the
// text stream, which costs about a third of the CPU of unpacking the same rows from one big
// jsonb parameter (jsonb_to_recordset builds the whole batch as one jsonb value first).
// node-postgres supports COPY only through a Query whose copy-in hook sends the data; this is
// that hook, without a streaming dependency — a batch is built in memory anyway.

export type CopyValue = string | number | null | undefined;

/**
 * Rows in COPY's text format, written as bytes into ~256 KB chunks as they come. Bytes, so
 * that a JSON value can go from the log's message to Postgres without ever being a string.
 */
export class CopyBatch {
  readonly chunks: Buffer[] = [];
  rows = 0;
  private buf = Buffer.allocUnsafe(CHUNK);
  private pos = 0;

  /**
   * One row: `values`, then optionally a last column whose value is the JSON text at
   * json[start, end) — copied as it is but for its backslashes, which COPY would take for
   * escapes (JSON text holds no raw tabs or line breaks).
   */
  add(values: readonly CopyValue[], json?: { bytes: Uint8Array; start: number; end: number }): void {
    const text = copyFields(values) + (!json ? '\n' : values.length ? '\t' : '');
    this.room(text.length * 3);
    this.pos += this.buf.write(text, this.pos);
    if (json) {
      this.jsonBytes(json.bytes, json.start, json.end);
      this.room(1);
      this.buf[this.pos++] = NEWLINE;
    }
    this.rows++;
    // Cutting only here keeps every chunk a whole number of rows.
    if (this.pos >= CHUNK - ROW_SLACK) this.cut();
  }

  /** The chunks, the last one included. */
  done(): Buffer[] {
    if (this.pos) this.cut();
    return this.chunks;
  }

  private jsonBytes(b: Uint8Array, start: number, end: number): void {
    this.room((end - start) * 2);
    const buf = this.buf;
    let pos = this.pos;
    for (let i = start; i < end; i++) {
      const c = b[i];
      if (c === BACKSLASH) buf[pos++] = BACKSLASH;
      buf[pos++] = c;
    }
    this.pos = pos;
  }

  private room(bytes: number): void {
    if (this.pos + bytes <= this.buf.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + bytes));
    this.buf.copy(grown, 0, 0, this.pos);
    this.buf = grown;
  }

  private cut(): void {
    this.chunks.push(this.buf.subarray(0, this.pos));
    this.buf = Buffer.allocUnsafe(CHUNK);
    this.pos = 0;
  }
}

const CHUNK = 256 * 1024;
const ROW_SLACK = 4 * 1024;
const NEWLINE = 0x0a;
const BACKSLASH = 0x5c;

/**
 * Runs `COPY table (columns) FROM STDIN` (text format) with the rows of a batch. `freeze` writes
 * them frozen: only for a table created or truncated in the same transaction.
 */
export function copyBatch(client: ClientBase, table: string, columns: readonly string[], batch: CopyBatch, opts: { freeze?: boolean } = {}): Promise<void> {
  const chunks = batch.done();
  return new Promise<void>((resolve, reject) => {
    const query = new Query(`COPY ${table} (${columns.join(', ')}) FROM STDIN${opts.freeze ? ' WITH (FREEZE)' : ''}`);
    // Query's own hook answers CopyInResponse with a CopyFail; this one sends the rows instead.
    (query as unknown as { handleCopyInResponse: (c: CopyConnection) => void }).handleCopyInResponse = (c) => {
      for (const chunk of chunks) c.sendCopyFromChunk(chunk);
      c.endCopyFrom();
    };
    query.once('end', () => resolve());
    query.once('error', reject);
    void client.query(query);
  });
}

interface CopyConnection {
  sendCopyFromChunk(chunk: Buffer): void;
  endCopyFrom(): void;
}

/** One row of COPY's text format: tab-separated, \N for null, backslash escapes. */
export function copyLine(values: readonly CopyValue[]): string {
  return `${copyFields(values)}\n`;
}

function copyFields(values: readonly CopyValue[]): string {
  let line = '';
  for (let i = 0; i < values.length; i++) line += (i ? '\t' : '') + copyField(values[i]);
  return line;
}

const SPECIAL = /[\\\n\r\t]/;
const SPECIAL_ALL = /[\\\n\r\t]/g;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function copyField(v: CopyValue): string {
  if (v === null || v === undefined) return '\\N';
  const s = String(v);
  // JSON text only ever holds backslashes (escapes inside strings), never raw line breaks or tabs.
  return SPECIAL.test(s) ? s.replace(SPECIAL_ALL, (c) => ESCAPES[c]) : s;
}
