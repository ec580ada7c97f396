// The sockets: UDP and TCP on each listen address, every message handed to @keelson/dns's
// `respond`. TCP messages carry a two-byte length (RFC 1035 4.2.2); a connection may send
// several, in pieces, and is closed after 10 s idle or when it sends more than a message can be.
// Nothing a client sends can stop the server: errors end that message or that connection.
import { createSocket, type Socket } from 'node:dgram';
import { createServer, type Server, type Socket as TcpSocket } from 'node:net';
import { respond, type ClusterIndex, type Transport, type ZoneOptions } from '@keelson/dns';
import type { Listen } from './config';

const TCP_IDLE_MS = 10_000;
/** Free ports tried for UDP and TCP together before giving up */
const PORT_ATTEMPTS = 10;
const MAX_TCP_BUFFER = 2 + 65535;

export interface DnsServerStats { udp: number; tcp: number; dropped: number }

export class DnsServer {
  private readonly udp: Socket[] = [];
  private readonly tcp: Server[] = [];
  private readonly connections = new Set<TcpSocket>();
  readonly stats: DnsServerStats = { udp: 0, tcp: 0, dropped: 0 };
  /** the addresses actually bound (port 0 becomes the one the kernel chose) */
  readonly bound: Listen[] = [];

  constructor(
    private readonly index: ClusterIndex,
    private readonly zone: ZoneOptions,
    private readonly log: (line: string) => void = (l) => console.warn(l),
  ) {}

  /**
   * Binds UDP and TCP on each address; with port 0, both on the same free port. The port the
   * kernel gives UDP may be held by a TCP socket (another process's connection, say): then both
   * are given up and another port tried.
   */
  async listen(addresses: readonly Listen[]): Promise<Listen[]> {
    for (const a of addresses) {
      for (let attempt = 1; ; attempt++) {
        const udp = await this.bindUdp(a);
        const port = udp.address().port;
        try {
          await this.bindTcp({ host: a.host, port });
          this.bound.push({ host: a.host, port });
          break;
        } catch (e) {
          if (a.port !== 0 || (e as NodeJS.ErrnoException).code !== 'EADDRINUSE' || attempt === PORT_ATTEMPTS) throw e;
          this.udp.splice(this.udp.indexOf(udp), 1);
          await new Promise<void>((r) => udp.close(() => r()));
        }
      }
    }
    return this.bound;
  }

  private answer(message: Buffer, transport: Transport): Buffer | undefined {
    this.stats[transport]++;
    const reply = respond(message, this.index, this.zone, transport);
    if (!reply) this.stats.dropped++;
    return reply;
  }

  private bindUdp(a: Listen): Promise<Socket> {
    const socket = createSocket({ type: 'udp4', reuseAddr: false });
    socket.on('message', (message, peer) => {
      const reply = this.answer(message, 'udp');
      if (reply) socket.send(reply, peer.port, peer.address, (err) => err && this.log(`dns: udp reply to ${peer.address}: ${err.message}`));
    });
    socket.on('error', (err) => this.log(`dns: udp ${a.host}:${a.port}: ${err.message}`));
    this.udp.push(socket);
    return new Promise((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(a.port, a.host, () => {
        socket.off('error', reject);
        resolve(socket);
      });
    });
  }

  private bindTcp(a: Listen): Promise<void> {
    const server = createServer((conn) => this.serveConnection(conn));
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(a.port, a.host, () => {
        server.off('error', reject);
        server.on('error', (err) => this.log(`dns: tcp ${a.host}:${a.port}: ${err.message}`));
        this.tcp.push(server);
        resolve();
      });
    });
  }

  private serveConnection(conn: TcpSocket): void {
    this.connections.add(conn);
    conn.setTimeout(TCP_IDLE_MS, () => conn.destroy());
    conn.on('error', () => conn.destroy());
    conn.on('close', () => this.connections.delete(conn));
    let pending = Buffer.alloc(0);
    conn.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      if (pending.length > MAX_TCP_BUFFER) return void conn.destroy();
      while (pending.length >= 2 && pending.length >= 2 + pending.readUInt16BE(0)) {
        const length = pending.readUInt16BE(0);
        const reply = this.answer(pending.subarray(2, 2 + length), 'tcp');
        pending = pending.subarray(2 + length);
        if (!reply) continue;
        const framed = Buffer.alloc(2 + reply.length);
        framed.writeUInt16BE(reply.length, 0);
        reply.copy(framed, 2);
        conn.write(framed);
      }
    });
  }

  async close(): Promise<void> {
    for (const c of this.connections) c.destroy();
    // A socket whose bind failed is not running: closing it throws, and there is nothing to close.
    const closing = (close: (done: () => void) => void) => new Promise<void>((r) => {
      try {
        close(() => r());
      } catch {
        r();
      }
    });
    await Promise.all([...this.udp.map((s) => closing((done) => s.close(done))), ...this.tcp.map((s) => closing((done) => s.close(() => done())))]);
  }
}
