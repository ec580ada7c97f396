import { Query, type ClientBase } from 'pg';

// Bulk loading through COPY … FROM STDIN: Postgres parses each row's columns straight from the
// text stream, which costs about a third of the CPU of unpacking the same rows from one big
// jsonb parameter (jsonb_to_recordset builds the whole batch as one jsonb value first).
// node-postgres supports COPY only through a Query whose copy-in hook sends the data; this is
// that hook, without a streaming dependency — a batch is built in memory anyway.

export type CopyValue = string | number | null | undefined;

/** Rows in COPY's text format, gathered in ~64 KB strings as they come. */
export class CopyBatch {
  readonly chunks: string[] = [];
  rows = 0;
  private chunk = '';

  add(values: readonly CopyValue[]): void {
    // Turning a row into text at once lets the parsed entry it came from die young (cheap GC).
    this.chunk += copyLine(values);
    this.rows++;
    if (this.chunk.length >= CHUNK) this.cut();
  }

  /** The chunks, the last one included. */
  done(): string[] {
    if (this.chunk) this.cut();
    return this.chunks;
  }

  private cut(): void {
    this.chunks.push(this.chunk);
    this.chunk = '';
  }
}

const CHUNK = 64 * 1024;

/** Runs `COPY table (columns) FROM STDIN` (text format) with the rows of a batch. */
export function copyBatch(client: ClientBase, table: string, columns: readonly string[], batch: CopyBatch): Promise<void> {
  const chunks = batch.done();
  return new Promise<void>((resolve, reject) => {
    const query = new Query(`COPY ${table} (${columns.join(', ')}) FROM STDIN`);
    // Query's own hook answers CopyInResponse with a CopyFail; this one sends the rows instead.
    (query as unknown as { handleCopyInResponse: (c: CopyConnection) => void }).handleCopyInResponse = (c) => {
      for (const chunk of chunks) c.sendCopyFromChunk(Buffer.from(chunk));
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
  let line = '';
  for (let i = 0; i < values.length; i++) line += (i ? '\t' : '') + copyField(values[i]);
  return `${line}\n`;
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
