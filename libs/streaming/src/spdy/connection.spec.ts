import { PassThrough, Duplex } from 'node:stream';
import { SpdyConnection, type SpdyStream } from './connection';

/** Two ends of an in-memory wire. */
function wire(): [Duplex, Duplex] {
  const ab = new PassThrough();
  const ba = new PassThrough();
  return [Duplex.from({ readable: ba, writable: ab }), Duplex.from({ readable: ab, writable: ba })];
}

const text = (s: SpdyStream) => new Promise<string>((resolve) => {
  let t = '';
  s.incoming.on('data', (d: Buffer) => (t += d.toString()));
  s.incoming.on('end', () => resolve(t));
});

describe('SpdyConnection', () => {
  it('given a client stream when the server answers and both half-close then each side reads the other', async () => {
    const [c, s] = wire();
    const client = new SpdyConnection(c, 'client');
    const server = new SpdyConnection(s, 'server');
    const accepted = new Promise<SpdyStream>((resolve) => server.on('stream', (stream) => resolve(stream)));
    const stream = await client.open({ streamType: 'stdout', requestID: '0' });
    const peer = await accepted;
    expect(peer.header('streamType')).toBe('stdout');
    expect(peer.header('requestid')).toBe('0');
    peer.end('from server');
    stream.end('from client');
    expect(await text(stream)).toBe('from server');
    expect(await text(peer)).toBe('from client');
  });

  it('given a stream the server refuses then the client sees it end at once', async () => {
    const [c, s] = wire();
    const client = new SpdyConnection(c, 'client');
    new SpdyConnection(s, 'server').on('stream', (_stream, refuse) => refuse());
    const stream = await client.open({ streamType: 'nonsense' });
    expect(await text(stream)).toBe('');
  });

  it('given a reset from the peer then the stream ends and says so', async () => {
    const [c, s] = wire();
    const client = new SpdyConnection(c, 'client');
    const server = new SpdyConnection(s, 'server');
    const accepted = new Promise<SpdyStream>((resolve) => server.on('stream', (stream) => resolve(stream)));
    const stream = await client.open({ streamType: 'data' });
    const peer = await accepted;
    const reset = new Promise<void>((resolve) => peer.on('reset', resolve));
    stream.reset();
    await reset;
    expect(peer.closedLocally).toBe(true);
  });

  it('given the server closes then the client connection closes too', async () => {
    const [c, s] = wire();
    const client = new SpdyConnection(c, 'client');
    const server = new SpdyConnection(s, 'server');
    const closed = new Promise<void>((resolve) => client.on('close', resolve));
    server.close();
    await closed;
    expect(client.isClosed).toBe(true);
  });
});
