// SPDY/3 frames, as client-go's SPDY transport (moby/spdystream on Go's spdy framer) writes
// and reads them. Pure encoding and decoding; header blocks are compressed elsewhere (zlib.ts).
//
// Every frame has an 8-byte header. A control frame sets the top bit:
//   |1| version (15) | type (16) | flags (8) | length (24) | payload …
// a data frame does not:
//   |0| stream id (31)           | flags (8) | length (24) | data …
// e.g. a PING with id 1 is 80 03 00 06 | 00 00 00 04 | 00 00 00 01.

export const SPDY_VERSION = 3;
export const FLAG_FIN = 0x01;
/** SYN_STREAM only: the sender will not receive on this stream. */
export const FLAG_UNIDIRECTIONAL = 0x02;

export const enum FrameType {
  SynStream = 1,
  SynReply = 2,
  RstStream = 3,
  Settings = 4,
  Ping = 6,
  GoAway = 7,
  Headers = 8,
  WindowUpdate = 9,
}

/** RST_STREAM status codes. */
export const RST = { protocolError: 1, invalidStream: 2, refusedStream: 3, cancel: 5, internalError: 6 } as const;

export type Frame =
  | { readonly type: 'data'; readonly streamId: number; readonly fin: boolean; readonly data: Buffer }
  /** SYN_STREAM, SYN_REPLY and HEADERS: `block` is still compressed. */
  | { readonly type: 'syn_stream'; readonly streamId: number; readonly associatedId: number; readonly priority: number; readonly fin: boolean; readonly unidirectional: boolean; readonly block: Buffer }
  | { readonly type: 'syn_reply'; readonly streamId: number; readonly fin: boolean; readonly block: Buffer }
  | { readonly type: 'headers'; readonly streamId: number; readonly fin: boolean; readonly block: Buffer }
  | { readonly type: 'rst_stream'; readonly streamId: number; readonly status: number }
  | { readonly type: 'settings' }
  | { readonly type: 'ping'; readonly id: number }
  | { readonly type: 'goaway'; readonly lastGoodStreamId: number; readonly status: number }
  | { readonly type: 'window_update'; readonly streamId: number; readonly delta: number }
  | { readonly type: 'unknown'; readonly frameType: number };

const HEADER = 8;
const ID_MASK = 0x7fffffff;

/**
 * Cuts as many whole frames as `buf` holds; returns them and the bytes left over (a frame
 * not yet complete). Throws on a control frame of another SPDY version.
 */
export function decodeFrames(buf: Buffer): { frames: Frame[]; rest: Buffer } {
  const frames: Frame[] = [];
  let at = 0;
  while (buf.length - at >= HEADER) {
    const length = buf.readUIntBE(at + 5, 3);
    if (buf.length - at < HEADER + length) break;
    const flags = buf[at + 4];
    const payload = buf.subarray(at + HEADER, at + HEADER + length);
    if (buf[at] & 0x80) {
      const version = buf.readUInt16BE(at) & 0x7fff;
      if (version !== SPDY_VERSION) throw new Error(`unsupported SPDY version ${version}`);
      frames.push(controlFrame(buf.readUInt16BE(at + 2), flags, payload));
    } else {
      frames.push({ type: 'data', streamId: buf.readUInt32BE(at) & ID_MASK, fin: (flags & FLAG_FIN) !== 0, data: Buffer.from(payload) });
    }
    at += HEADER + length;
  }
  return { frames, rest: buf.subarray(at) };
}

function controlFrame(type: number, flags: number, p: Buffer): Frame {
  const fin = (flags & FLAG_FIN) !== 0;
  switch (type) {
    case FrameType.SynStream:
      // stream id, associated stream id, then priority (3 bits) and a slot byte: 10 bytes before the block
      return { type: 'syn_stream', streamId: p.readUInt32BE(0) & ID_MASK, associatedId: p.readUInt32BE(4) & ID_MASK, priority: p[8] >> 5, fin, unidirectional: (flags & FLAG_UNIDIRECTIONAL) !== 0, block: Buffer.from(p.subarray(10)) };
    case FrameType.SynReply:
      return { type: 'syn_reply', streamId: p.readUInt32BE(0) & ID_MASK, fin, block: Buffer.from(p.subarray(4)) };
    case FrameType.Headers:
      return { type: 'headers', streamId: p.readUInt32BE(0) & ID_MASK, fin, block: Buffer.from(p.subarray(4)) };
    case FrameType.RstStream:
      return { type: 'rst_stream', streamId: p.readUInt32BE(0) & ID_MASK, status: p.readUInt32BE(4) };
    case FrameType.Settings:
      return { type: 'settings' };
    case FrameType.Ping:
      return { type: 'ping', id: p.readUInt32BE(0) };
    case FrameType.GoAway:
      return { type: 'goaway', lastGoodStreamId: p.readUInt32BE(0) & ID_MASK, status: p.length >= 8 ? p.readUInt32BE(4) : 0 };
    case FrameType.WindowUpdate:
      return { type: 'window_update', streamId: p.readUInt32BE(0) & ID_MASK, delta: p.readUInt32BE(4) & ID_MASK };
    default:
      return { type: 'unknown', frameType: type };
  }
}

function control(type: FrameType, flags: number, payload: Buffer): Buffer {
  const head = Buffer.alloc(HEADER);
  head.writeUInt16BE(0x8000 | SPDY_VERSION, 0);
  head.writeUInt16BE(type, 2);
  head[4] = flags;
  head.writeUIntBE(payload.length, 5, 3);
  return Buffer.concat([head, payload]);
}

function u32s(...values: number[]): Buffer {
  const b = Buffer.alloc(4 * values.length);
  values.forEach((v, i) => b.writeUInt32BE(v >>> 0, 4 * i));
  return b;
}

/** The largest payload one frame carries (24-bit length). */
export const MAX_FRAME_PAYLOAD = 0xffffff;

export function dataFrame(streamId: number, data: Buffer, fin = false): Buffer {
  const head = Buffer.alloc(HEADER);
  head.writeUInt32BE(streamId & ID_MASK, 0);
  head[4] = fin ? FLAG_FIN : 0;
  head.writeUIntBE(data.length, 5, 3);
  return Buffer.concat([head, data]);
}

export function synStreamFrame(streamId: number, block: Buffer, fin = false): Buffer {
  return control(FrameType.SynStream, fin ? FLAG_FIN : 0, Buffer.concat([u32s(streamId, 0), Buffer.alloc(2), block]));
}

export function synReplyFrame(streamId: number, block: Buffer, fin = false): Buffer {
  return control(FrameType.SynReply, fin ? FLAG_FIN : 0, Buffer.concat([u32s(streamId), block]));
}

export function rstStreamFrame(streamId: number, status: number): Buffer {
  return control(FrameType.RstStream, 0, u32s(streamId, status));
}

export function pingFrame(id: number): Buffer {
  return control(FrameType.Ping, 0, u32s(id));
}

export function goAwayFrame(lastGoodStreamId: number, status = 0): Buffer {
  return control(FrameType.GoAway, 0, u32s(lastGoodStreamId, status));
}

/**
 * A header block before compression: a count, then length-prefixed names and values, all
 * 32-bit big-endian. Names are lower case (Go's framer refuses others); several values of
 * one name are joined by NUL.
 */
export function encodeHeaderBlock(headers: Readonly<Record<string, string | readonly string[]>>): Buffer {
  const entries = Object.entries(headers);
  const parts: Buffer[] = [u32s(entries.length)];
  for (const [name, value] of entries) {
    const n = Buffer.from(name.toLowerCase());
    const v = Buffer.from(typeof value === 'string' ? value : value.join('\0'));
    parts.push(u32s(n.length), n, u32s(v.length), v);
  }
  return Buffer.concat(parts);
}

/** Names lower-cased; a NUL-joined value stays one string (the first value is what streams use). */
export function decodeHeaderBlock(block: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  if (block.length < 4) return out;
  const count = block.readUInt32BE(0);
  let at = 4;
  for (let i = 0; i < count; i++) {
    const nameLength = block.readUInt32BE(at);
    const name = block.toString('utf8', at + 4, at + 4 + nameLength).toLowerCase();
    at += 4 + nameLength;
    const valueLength = block.readUInt32BE(at);
    out[name] = block.toString('utf8', at + 4, at + 4 + valueLength);
    at += 4 + valueLength;
  }
  return out;
}
