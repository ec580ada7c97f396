import { connect as tcpConnect, type NetConnectOpts, type Socket } from 'node:net';

// One inbox subscription on a NATS connection of its own, read into one reused buffer: what a
// range read (range-reader.ts) receives its pull consumer's messages through. nats.js hands each
// socket read to its parser as a fresh 64 KB buffer and copies messages that span two reads into
// a growing one; reading a 34 MB log that way touched fresh memory page by page, and on this
// virtual machine a page fault is dear: a cold read of bench:api's 10,312 entries cost the reading
// process 56–71 µs per entry, 10–23 µs through this reader (docs/benchmarks.md, session 7).
// Node's `onread` option reads every chunk into the same buffer; a message is handed over as a
// view into it, valid only during the synchronous call, and the bytes of a message cut by the
// end of a read are carried to the next one.
//
// The protocol is NATS' client protocol (docs.nats.io, "Client Protocol"): INFO from the server,
// CONNECT and SUB from us, then PUB for the pull requests; MSG and HMSG deliver, PING asks for a
// PONG, -ERR ends the connection. No authentication or TLS: Keelson's nats-server listens on
// loopback without either (libs/local); a server that asks for them answers with -ERR, which
// fails the read with its message.

/** A delivered message. `data` is a view into the read buffer, valid only during the call. */
export interface WireMessage {
  subject: string;
  /** absent on status messages */
  reply: string | undefined;
  /** the code of a status message (`NATS/1.0 404 No Messages`), else 0 */
  status: number;
  data: Uint8Array;
}

export interface WireHandlers {
  message(m: WireMessage): void;
  ping(): void;
  pong(): void;
  error(text: string): void;
}

const CRLF = Buffer.from('\r\n');
const READ_BUFFER = 1 << 20;
/** What a carried message is given when its length is not known yet (its control line is cut) */
const LINE_GUESS = 4096;
/** `NATS/1.0 ` before a status code in a header block */
const STATUS_AT = 9;

/**
 * Parses the protocol messages in b[start, end) and returns where the first one still
 * incomplete begins (end when none is).
 */
export function parseWire(b: Buffer, start: number, end: number, h: WireHandlers): number {
  const view = end === b.length ? b : b.subarray(0, end); // no search past what was read
  let i = start;
  while (i < end) {
    const eol = view.indexOf(CRLF, i);
    if (eol < 0) return i;
    const op = b[i];
    if (op === 0x4d /* M */ || op === 0x48 /* H */) {
      // `MSG <subject> <sid> [reply] <#bytes>` or `HMSG <subject> <sid> [reply] <#header bytes> <#total bytes>`,
      // read where it lies: no string for the line, nor for its tokens but the subject and the reply.
      let n = 0;
      let nonAscii = 0;
      for (let k = i; k < eol && n < SPACES.length; k++) {
        const c = b[k];
        nonAscii |= c;
        if (c === 0x20) SPACES[n++] = k;
      }
      const withHeaders = op === 0x48;
      const tokens = n + 1;
      const total = decimal(b, SPACES[n - 1] + 1, eol);
      const headers = withHeaders ? decimal(b, SPACES[n - 2] + 1, SPACES[n - 1]) : 0;
      const body = eol + 2;
      if (!(tokens >= (withHeaders ? 5 : 4) && total >= headers && headers >= 0)) {
        h.error(`unreadable protocol line: ${b.toString('latin1', i, Math.min(eol, i + 200))}`);
        return end;
      }
      if (body + total + 2 > end) return i;
      const hasReply = tokens === (withHeaders ? 6 : 5);
      const status = withHeaders && headers > STATUS_AT + 3 && !hasReply ? decimal(b, body + STATUS_AT, body + STATUS_AT + 3) || 0 : 0;
      const ascii = nonAscii < 0x80;
      h.message({
        subject: token(b, SPACES[0] + 1, SPACES[1], ascii),
        reply: hasReply ? token(b, SPACES[2] + 1, SPACES[3], ascii) : undefined,
        status,
        data: b.subarray(body + headers, body + total),
      });
      i = body + total + 2;
      continue;
    }
    const line = b.toString('latin1', i, eol);
    if (line === 'PING') h.ping();
    else if (line === 'PONG') h.pong();
    else if (op === 0x2d /* - */) h.error(line.startsWith('-ERR ') ? line.slice(5).replace(/^'|'$/g, '') : line);
    // INFO and +OK: nothing to do
    i = eol + 2;
  }
  return i;
}

/** Where the spaces of a control line are (a MSG line has 3 or 4, an HMSG line 4 or 5). */
const SPACES = new Int32Array(6);

/** A protocol token as text: subjects may hold UTF-8, which latin1 decoding would garble. */
function token(b: Buffer, start: number, end: number, ascii: boolean): string {
  return b.toString(ascii ? 'latin1' : 'utf8', start, end);
}

/** The decimal number b[start, end) writes; NaN when it is not one. */
function decimal(b: Uint8Array, start: number, end: number): number {
  if (!(start < end)) return NaN; // an empty token, or a bound from a space not found
  let v = 0;
  for (let k = start; k < end; k++) {
    const d = b[k] - 0x30;
    if (!(d >= 0 && d <= 9)) return NaN;
    v = v * 10 + d;
  }
  return v;
}

/** A connection that subscribes to one inbox and publishes requests whose replies come to it. */
export class WireSubscription {
  /** the message a read cut, completed from the next read (grown for a message larger than it) */
  private carry = Buffer.allocUnsafe(64 * 1024);
  private carried = 0;
  private closed = false;
  private constructor(
    private readonly socket: Socket,
    private readonly read: Buffer,
    private readonly handlers: WireHandlers,
  ) {}

  /**
   * Connects to `hostport` (as nats.js's `getServer()` names it), subscribes to `inbox`, and
   * resolves once the server has taken both. `onMessage` gets every message on the inbox;
   * `onClose` is told once, with the error if the connection failed or the server refused.
   */
  static open(hostport: string, name: string, inbox: string, onMessage: (m: WireMessage) => void, onClose: (e?: Error) => void): Promise<WireSubscription> {
    const at = hostport.lastIndexOf(':');
    return new Promise((resolve, reject) => {
      let ready = false;
      let ended = false;
      const end = (e?: Error) => {
        if (ended) return;
        ended = true;
        wire.close();
        if (!ready) reject(e ?? new Error(`NATS at ${hostport} closed the connection`));
        else onClose(e);
      };
      const handlers: WireHandlers = {
        message: onMessage,
        ping: () => socket.write('PONG\r\n'),
        pong: () => {
          if (ready) return;
          ready = true;
          resolve(wire);
        },
        error: (text) => end(new Error(`NATS at ${hostport}: ${text}`)),
      };
      const read = Buffer.allocUnsafe(READ_BUFFER);
      const socket = tcpConnect({
        host: hostport.slice(0, at).replace(/^\[|\]$/g, ''),
        port: Number(hostport.slice(at + 1)),
        noDelay: true,
        onread: { buffer: read, callback: (n: number) => wire.onRead(n) },
      } as NetConnectOpts);
      const wire = new WireSubscription(socket, read, handlers);
      socket.once('connect', () => {
        const connect = { verbose: false, pedantic: false, headers: true, no_responders: true, protocol: 1, lang: 'keelson-wire', version: '1', name };
        socket.write(`CONNECT ${JSON.stringify(connect)}\r\nSUB ${inbox} 1\r\nPING\r\n`);
      });
      socket.once('error', (e) => end(new Error(`NATS at ${hostport}: ${e.message}`)));
      socket.once('close', () => end(wire.closed ? undefined : new Error(`NATS at ${hostport} closed the connection`)));
    });
  }

  publish(subject: string, reply: string, body: string): void {
    this.socket.write(`PUB ${subject} ${reply} ${Buffer.byteLength(body)}\r\n${body}\r\n`);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.socket.destroy();
  }

  /**
   * A read of n bytes into the read buffer, parsed there. A message the last read cut is first
   * completed in the carry buffer with only the bytes it lacks: copying whole reads behind it
   * (up to 1 MB each) copied the whole log once more.
   */
  private onRead(n: number): boolean {
    if (this.closed) return false;
    let from = 0;
    while (this.carried) {
      const take = Math.min(n - from, this.lacking());
      this.fit(this.carried + take);
      this.read.copy(this.carry, this.carried, from, from + take);
      this.carried += take;
      from += take;
      const used = parseWire(this.carry, 0, this.carried, this.handlers);
      if (used === 0) {
        if (from === n) return true;
        continue; // its control line is whole now: take what the message lacks
      }
      from -= this.carried - used; // bytes past the completed message are still in the read buffer
      this.carried = 0;
    }
    const used = parseWire(this.read, from, n, this.handlers);
    if (used < n) {
      this.fit(n - used);
      this.read.copy(this.carry, 0, used, n);
    }
    this.carried = n - used;
    return true;
  }

  /** Bytes the carried message still lacks: exact once its control line is whole, else enough for most messages. */
  private lacking(): number {
    const eol = this.carry.subarray(0, this.carried).indexOf(CRLF);
    if (eol < 0) return LINE_GUESS;
    const line = this.carry.toString('latin1', 0, eol);
    const total = Number(line.slice(line.lastIndexOf(' ') + 1));
    return Number.isSafeInteger(total) ? Math.max(1, eol + 2 + total + 2 - this.carried) : LINE_GUESS;
  }

  /** Grows the carry buffer (keeping what it holds) to take `bytes`: a message larger than a read. */
  private fit(bytes: number): void {
    if (bytes <= this.carry.length) return;
    const grown = Buffer.allocUnsafe(Math.max(bytes, this.carry.length * 2));
    this.carry.copy(grown, 0, 0, this.carried);
    this.carry = grown;
  }
}
