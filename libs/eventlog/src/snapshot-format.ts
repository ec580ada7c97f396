import type { RawEntry } from './log';

// The bytes of a snapshot: its entries one after the other, each as
//   [seq: float64 BE][subject length: uint16 BE][data length: uint32 BE][subject UTF-8][data]
// — the entry exactly as the log holds it (data is the envelope's JSON). Doubles carry any
// sequence JetStream can reach (2^53) exactly.

const HEADER = 14;
const CHUNK = 1024 * 1024;

/** Encodes entries into chunks of about 1 MB (an entry is never split). */
export function encodeEntries(entries: Iterable<RawEntry>): Buffer[] {
  const chunks: Buffer[] = [];
  let buf = Buffer.allocUnsafe(CHUNK);
  let pos = 0;
  for (const e of entries) {
    const subject = Buffer.from(e.subject);
    const size = HEADER + subject.length + e.data.length;
    if (pos + size > buf.length) {
      if (pos) chunks.push(buf.subarray(0, pos));
      buf = Buffer.allocUnsafe(Math.max(CHUNK, size));
      pos = 0;
    }
    buf.writeDoubleBE(e.seq, pos);
    buf.writeUInt16BE(subject.length, pos + 8);
    buf.writeUInt32BE(e.data.length, pos + 10);
    subject.copy(buf, pos + HEADER);
    buf.set(e.data, pos + HEADER + subject.length);
    pos += size;
  }
  if (pos) chunks.push(buf.subarray(0, pos));
  return chunks;
}

/** Decodes entries from chunks cut anywhere. Each entry's data is a view of the chunk it sits in. */
export class EntryDecoder {
  private rest: Buffer = Buffer.alloc(0);

  /** Calls onEntry for every entry complete so far. */
  push(chunk: Uint8Array, onEntry: (e: RawEntry) => void): void {
    let b = this.rest.length ? Buffer.concat([this.rest, chunk]) : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    let pos = 0;
    while (b.length - pos >= HEADER) {
      const subjectLength = b.readUInt16BE(pos + 8);
      const dataLength = b.readUInt32BE(pos + 10);
      const end = pos + HEADER + subjectLength + dataLength;
      if (end > b.length) break;
      const subjectStart = pos + HEADER;
      onEntry({ seq: b.readDoubleBE(pos), subject: b.toString('utf8', subjectStart, subjectStart + subjectLength), data: b.subarray(subjectStart + subjectLength, end) });
      pos = end;
    }
    b = b.subarray(pos);
    this.rest = b.length ? Buffer.from(b) : Buffer.alloc(0);
  }

  /** Throws if the input ended inside an entry. */
  end(): void {
    if (this.rest.length) throw new Error(`snapshot ends inside an entry (${this.rest.length} bytes left)`);
  }
}
