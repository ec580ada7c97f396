// kubectl port-forward over SPDY (`portforward.k8s.io`), directly or tunnelled in WebSocket
// binary messages (`SPDY/3.1+portforward.k8s.io`, kubectl ≥ 1.31). For every local connection
// the client opens two streams carrying the same `requestID` and `port` headers: `error`
// (we write a message there if the pod's port cannot be reached) and `data` (the bytes).
import type { Duplex } from 'node:stream';
import type { SpdyConnection, SpdyStream } from './spdy/connection';

export const PORT_FORWARD_PROTOCOL = 'portforward.k8s.io';
export const PORT_FORWARD_TUNNEL_PROTOCOL = `SPDY/3.1+${PORT_FORWARD_PROTOCOL}`;

/** Connects to `port` on the pod's localhost (inside its network namespace). */
export type PortDialer = (port: number) => Duplex;

export interface PortForwardTarget {
  readonly podName: string;
  readonly uid: string;
  readonly dial: PortDialer;
}

export function parsePort(value: string | undefined): number | undefined {
  if (!value || !/^\d+$/.test(value)) return undefined;
  const port = Number(value);
  return port >= 1 && port <= 65535 ? port : undefined;
}

export function servePortForward(connection: SpdyConnection, target: PortForwardTarget): void {
  const pairs = new Map<string, { error?: SpdyStream; data?: SpdyStream }>();
  connection.on('stream', (stream, refuse) => {
    const type = stream.header('streamType');
    // Clients before requestID (kubectl < 1.4) are not supported; every kubectl we test sends it.
    const requestId = stream.header('requestID');
    if ((type !== 'error' && type !== 'data') || requestId === undefined) return refuse();
    const pair = pairs.get(requestId) ?? {};
    if (pair[type]) return refuse();
    pair[type] = stream;
    pairs.set(requestId, pair);
    if (pair.error && pair.data) {
      pairs.delete(requestId);
      forward(pair.error, pair.data, target);
    }
  });
}

function forward(error: SpdyStream, data: SpdyStream, target: PortForwardTarget): void {
  const port = parsePort(data.header('port'));
  const fail = (why: string) => {
    error.end(`error forwarding port ${data.header('port')} to pod ${target.podName}, uid ${target.uid}: ${why}`);
    data.end();
  };
  if (port === undefined) return fail(`invalid port "${data.header('port') ?? ''}"`);
  const socket = target.dial(port);
  let answered = false;
  socket.on('data', (chunk: Buffer) => {
    answered = true;
    data.write(chunk);
  });
  socket.on('end', () => data.end());
  // The error stream is for "could not connect": kubectl gives up the whole forward on it. A
  // connection that breaks later only ends its own stream.
  socket.on('error', (e) => (answered ? data.reset() : fail(e.message)));
  data.incoming.on('data', (chunk: Buffer) => socket.writable && socket.write(chunk));
  data.incoming.on('end', () => socket.writable && socket.end());
  data.on('reset', () => socket.destroy());
  error.on('reset', () => socket.destroy());
}
