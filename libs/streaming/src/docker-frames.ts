// Docker multiplexes stdout and stderr of a non-TTY exec on one connection in frames:
//   [stream (1 = stdout, 2 = stderr), 0, 0, 0, size (uint32 BE)] then `size` bytes.
// e.g. 01 00 00 00 00 00 00 03 'h' 'i' '\n' is "hi\n" on stdout.

export type DockerStream = 'stdout' | 'stderr';

export class DockerDemuxer {
  private pending: Buffer = Buffer.alloc(0);

  constructor(private readonly emit: (stream: DockerStream, data: Buffer) => void) {}

  push(chunk: Buffer): void {
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    while (this.pending.length >= 8) {
      const size = this.pending.readUInt32BE(4);
      if (this.pending.length < 8 + size) return;
      const kind = this.pending[0];
      const data = this.pending.subarray(8, 8 + size);
      this.pending = this.pending.subarray(8 + size);
      // 0 would be stdin echoed back, which Docker only sends with a TTY (and then unframed).
      if (size > 0 && (kind === 1 || kind === 2)) this.emit(kind === 1 ? 'stdout' : 'stderr', Buffer.from(data));
    }
  }
}

/** One frame, for tests and fakes. */
export function dockerFrame(stream: DockerStream, data: Buffer | string): Buffer {
  const body = typeof data === 'string' ? Buffer.from(data) : data;
  const head = Buffer.alloc(8);
  head[0] = stream === 'stdout' ? 1 : 2;
  head.writeUInt32BE(body.length, 4);
  return Buffer.concat([head, body]);
}
