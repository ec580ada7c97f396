// A SPDY/3.1 session over any byte stream (a raw socket after `Upgrade: SPDY/3.1`, or a
// WebSocket tunnel), with the behaviour client-go's spdystream expects of a peer:
//  - every stream the peer opens gets a SYN_REPLY before any DATA (spdystream's CreateStream
//    waits for it), with FIN when we refuse the stream;
//  - no flow control: spdystream neither sends WINDOW_UPDATE nor waits for one, so honouring
//    SPDY/3.1 windows would stall a transfer after 64 KiB;
//  - PINGs from the peer are echoed (client-go pings a port-forward every few seconds).
// Frames are written in call order; header blocks are compressed asynchronously, so each
// write waits for the ones before it.
import { EventEmitter } from 'node:events';
import { PassThrough, type Duplex } from 'node:stream';
import { dataFrame, decodeFrames, goAwayFrame, MAX_FRAME_PAYLOAD, pingFrame, RST, rstStreamFrame, synReplyFrame, synStreamFrame, type Frame } from './frames';
import { HeaderCompressor, HeaderDecompressor } from './zlib';

export type SpdyHeaders = Readonly<Record<string, string>>;

export class SpdyStream extends EventEmitter {
  /** What the peer sends on this stream; ends at its FIN or a reset. */
  readonly incoming = new PassThrough();
  private localClosed = false;
  private resetDone = false;

  constructor(
    readonly id: number,
    readonly headers: SpdyHeaders,
    private readonly session: SpdyConnection,
  ) {
    super();
  }

  /** A header, case-insensitively (Go canonicalises `streamType` to `Streamtype`; the wire has it lower case). */
  header(name: string): string | undefined {
    return this.headers[name.toLowerCase()];
  }

  write(data: Buffer | string): void {
    if (this.localClosed || this.resetDone) return;
    const buf = typeof data === 'string' ? Buffer.from(data) : data;
    for (let at = 0; at < buf.length; at += MAX_FRAME_PAYLOAD) this.session.send(dataFrame(this.id, buf.subarray(at, at + MAX_FRAME_PAYLOAD)));
  }

  /** Half-closes: an empty DATA frame with FIN. */
  end(data?: Buffer | string): void {
    if (data !== undefined) this.write(data);
    if (this.localClosed || this.resetDone) return;
    this.localClosed = true;
    this.session.send(dataFrame(this.id, Buffer.alloc(0), true));
  }

  reset(status: number = RST.cancel): void {
    if (this.resetDone) return;
    this.session.send(rstStreamFrame(this.id, status));
    this.onReset();
  }

  get closedLocally(): boolean {
    return this.localClosed || this.resetDone;
  }

  /** @internal */
  onData(data: Buffer, fin: boolean): void {
    if (this.incoming.writableEnded) return;
    if (data.length) this.incoming.write(data);
    if (fin) this.incoming.end();
  }

  /** @internal */
  onReset(): void {
    if (this.resetDone) return;
    this.resetDone = true;
    if (!this.incoming.writableEnded) this.incoming.end();
    this.emit('reset');
  }
}

export interface SpdyConnectionEvents {
  /** A stream the peer opened; the SYN_REPLY goes out after the listeners ran unless one called `refuse`. */
  stream: [stream: SpdyStream, refuse: () => void];
  close: [];
}

export class SpdyConnection extends EventEmitter<SpdyConnectionEvents> {
  private readonly compressor = new HeaderCompressor();
  private readonly decompressor = new HeaderDecompressor();
  private readonly streams = new Map<number, SpdyStream>();
  private pending: Buffer = Buffer.alloc(0);
  private inbound: Promise<void> = Promise.resolve();
  private outbound: Promise<void> = Promise.resolve();
  private nextStreamId: number;
  private closed = false;

  constructor(
    private readonly transport: Duplex,
    private readonly role: 'server' | 'client' = 'server',
  ) {
    super();
    // SPDY: the client opens odd-numbered streams, the server even-numbered ones.
    this.nextStreamId = role === 'client' ? 1 : 2;
    transport.on('data', (chunk: Buffer) => this.receive(chunk));
    transport.on('end', () => this.shutdown());
    transport.on('close', () => this.shutdown());
    transport.on('error', () => this.shutdown());
  }

  /** Opens a stream (what a client does; the server side only answers). */
  async open(headers: SpdyHeaders): Promise<SpdyStream> {
    const id = this.nextStreamId;
    this.nextStreamId += 2;
    const stream = new SpdyStream(id, headers, this);
    this.streams.set(id, stream);
    this.send(this.compressor.compress(headers).then((block) => synStreamFrame(id, block)));
    return stream;
  }

  /** GOAWAY, then the transport ends once everything queued before it is written. */
  close(): void {
    if (this.closed) return;
    const lastSeen = Math.max(0, ...[...this.streams.keys()].filter((id) => id % 2 === (this.role === 'server' ? 1 : 0)));
    this.send(goAwayFrame(lastSeen));
    void this.outbound.then(() => {
      this.transport.end();
      this.shutdown();
    });
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** @internal Queues a frame; frames go out in the order of these calls. */
  send(frame: Buffer | Promise<Buffer>): void {
    if (this.closed) return;
    const ready = Promise.resolve(frame);
    this.outbound = this.outbound.then(async () => {
      const bytes = await ready.catch(() => undefined);
      if (bytes && !this.closed && this.transport.writable) this.transport.write(bytes);
    });
  }

  private receive(chunk: Buffer): void {
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    let frames: Frame[];
    try {
      ({ frames, rest: this.pending } = decodeFrames(this.pending));
    } catch {
      this.transport.destroy();
      return;
    }
    for (const frame of frames) {
      this.inbound = this.inbound.then(() => this.handle(frame)).catch(() => void this.transport.destroy());
    }
  }

  private async handle(frame: Frame): Promise<void> {
    switch (frame.type) {
      case 'syn_stream': {
        const headers = await this.decompressor.decompress(frame.block);
        if (this.streams.has(frame.streamId)) return this.send(rstStreamFrame(frame.streamId, RST.protocolError));
        const stream = new SpdyStream(frame.streamId, headers, this);
        this.streams.set(frame.streamId, stream);
        let refused = false;
        this.emit('stream', stream, () => (refused = true));
        this.send(this.compressor.compress({}).then((block) => synReplyFrame(frame.streamId, block, refused)));
        if (frame.fin) stream.onData(Buffer.alloc(0), true);
        return;
      }
      case 'syn_reply':
      case 'headers':
        // Decompressed even when ignored: the zlib stream is shared by every header block.
        await this.decompressor.decompress(frame.block);
        if (frame.fin) this.streams.get(frame.streamId)?.onData(Buffer.alloc(0), true);
        return;
      case 'data':
        this.streams.get(frame.streamId)?.onData(frame.data, frame.fin);
        return;
      case 'rst_stream':
        this.streams.get(frame.streamId)?.onReset();
        this.streams.delete(frame.streamId);
        return;
      case 'ping':
        // Echo the peer's pings (odd ids come from a client, even ones from a server).
        if (frame.id % 2 === (this.role === 'server' ? 1 : 0)) this.send(pingFrame(frame.id));
        return;
      case 'goaway':
      case 'settings':
      case 'window_update':
      case 'unknown':
        return;
      default: {
        const never: never = frame;
        throw new Error(`unhandled frame ${JSON.stringify(never)}`);
      }
    }
  }

  private shutdown(): void {
    if (this.closed) return;
    this.closed = true;
    for (const s of this.streams.values()) s.onReset();
    this.streams.clear();
    this.compressor.close();
    this.decompressor.close();
    this.emit('close');
  }
}
