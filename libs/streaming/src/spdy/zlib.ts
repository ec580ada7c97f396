// SPDY/3 header compression: one zlib stream per direction for the whole connection, primed
// with the protocol's dictionary, each header block ended by a SYNC_FLUSH so that it can be
// decoded on arrival. The dictionary is a constant of the SPDY/3 draft; we take it from the
// spdy-transport package instead of copying 1.4 kB of bytes into this repository.
import { constants, createDeflate, createInflate, type Deflate, type Inflate } from 'node:zlib';
import { decodeHeaderBlock, encodeHeaderBlock } from './frames';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const DICTIONARY: Buffer = (require('spdy-transport') as { protocol: { spdy: { dictionary: Record<number, Buffer> } } }).protocol.spdy.dictionary[3];

/**
 * Runs buffers through a zlib engine one at a time, each flushed with Z_SYNC_FLUSH, and gives
 * back exactly the output of that buffer. Node's zlib streams are asynchronous, so calls are
 * chained: the order of blocks on the wire is the order of calls.
 */
class SyncFlushChannel {
  private chain: Promise<unknown> = Promise.resolve();
  private out: Buffer[] = [];

  constructor(private readonly engine: Deflate | Inflate) {
    engine.on('data', (c: Buffer) => this.out.push(c));
    engine.on('error', () => undefined); // surfaced through the pending call's rejection
  }

  process(input: Buffer): Promise<Buffer> {
    const next = this.chain.then(
      () =>
        new Promise<Buffer>((resolve, reject) => {
          const onError = (e: Error) => reject(e);
          this.engine.once('error', onError);
          this.engine.write(input);
          this.engine.flush(constants.Z_SYNC_FLUSH, () => {
            this.engine.off('error', onError);
            const result = Buffer.concat(this.out);
            this.out = [];
            resolve(result);
          });
        }),
    );
    this.chain = next.catch(() => undefined);
    return next;
  }

  close(): void {
    this.engine.destroy();
  }
}

export class HeaderCompressor {
  private readonly channel = new SyncFlushChannel(createDeflate({ dictionary: DICTIONARY }));

  compress(headers: Readonly<Record<string, string | readonly string[]>>): Promise<Buffer> {
    return this.channel.process(encodeHeaderBlock(headers));
  }

  close(): void {
    this.channel.close();
  }
}

export class HeaderDecompressor {
  private readonly channel = new SyncFlushChannel(createInflate({ dictionary: DICTIONARY }));

  async decompress(block: Buffer): Promise<Record<string, string>> {
    return decodeHeaderBlock(await this.channel.process(block));
  }

  close(): void {
    this.channel.close();
  }
}
