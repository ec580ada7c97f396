import { dataFrame, decodeFrames, decodeHeaderBlock, encodeHeaderBlock, goAwayFrame, pingFrame, rstStreamFrame, synReplyFrame, synStreamFrame } from './frames';
import { HeaderCompressor, HeaderDecompressor } from './zlib';

describe('SPDY/3 frames', () => {
  it('given a PING with id 1 then its bytes are the control header and the id', () => {
    expect(pingFrame(1).toString('hex')).toBe('80030006' + '00000004' + '00000001');
  });

  it.each([
    ['data with FIN', dataFrame(3, Buffer.from('hi'), true), { type: 'data', streamId: 3, fin: true, data: Buffer.from('hi') }],
    ['SYN_STREAM', synStreamFrame(5, Buffer.from('blk')), { type: 'syn_stream', streamId: 5, associatedId: 0, priority: 0, fin: false, unidirectional: false, block: Buffer.from('blk') }],
    ['SYN_REPLY refusing', synReplyFrame(5, Buffer.from('b'), true), { type: 'syn_reply', streamId: 5, fin: true, block: Buffer.from('b') }],
    ['RST_STREAM', rstStreamFrame(7, 5), { type: 'rst_stream', streamId: 7, status: 5 }],
    ['GOAWAY', goAwayFrame(9), { type: 'goaway', lastGoodStreamId: 9, status: 0 }],
  ])('given a %s frame when it is decoded then the fields come back', (_name, bytes, expected) => {
    expect(decodeFrames(bytes)).toEqual({ frames: [expected], rest: Buffer.alloc(0) });
  });

  it('given bytes cut inside a frame when decoded then whole frames come out and the rest waits', () => {
    const bytes = Buffer.concat([pingFrame(1), dataFrame(1, Buffer.from('abcdef'))]);
    const first = decodeFrames(bytes.subarray(0, 15));
    expect(first.frames).toEqual([{ type: 'ping', id: 1 }]);
    const second = decodeFrames(Buffer.concat([first.rest, bytes.subarray(15)]));
    expect(second.frames).toEqual([{ type: 'data', streamId: 1, fin: false, data: Buffer.from('abcdef') }]);
  });

  it('given a control frame of SPDY/2 then decoding refuses it', () => {
    const v2 = pingFrame(1);
    v2.writeUInt16BE(0x8002, 0);
    expect(() => decodeFrames(v2)).toThrow('unsupported SPDY version 2');
  });

  it('given headers when a block is encoded and decoded then names are lower case and values kept', () => {
    expect(decodeHeaderBlock(encodeHeaderBlock({ StreamType: 'error', port: '80', requestID: '0' }))).toEqual({ streamtype: 'error', port: '80', requestid: '0' });
  });

  it('given one zlib stream per direction when several blocks pass then each decompresses on its own, in order', async () => {
    const out = new HeaderCompressor();
    const into = new HeaderDecompressor();
    const headers: Record<string, string>[] = [{ streamtype: 'error' }, { streamtype: 'stdout' }, {}];
    const blocks = await Promise.all(headers.map((h) => out.compress(h)));
    // The second block of the same headers compresses smaller: the stream remembers the first.
    expect(blocks[1].length).toBeLessThan(blocks[0].length + 4);
    expect(await into.decompress(blocks[0])).toEqual({ streamtype: 'error' });
    expect(await into.decompress(blocks[1])).toEqual({ streamtype: 'stdout' });
    expect(await into.decompress(blocks[2])).toEqual({});
    out.close();
    into.close();
  });
});
