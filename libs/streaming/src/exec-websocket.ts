// kubectl exec over WebSocket (`v5.channel.k8s.io`, kubectl ≥ 1.30's first choice; and v4).
// Every binary message starts with its channel: 0 stdin, 1 stdout, 2 stderr, 3 error (the
// final Status), 4 resize; v5 adds 255, "close", whose second byte names the channel the
// client is done writing (e.g. ff 00 = stdin reached EOF).
import { PassThrough } from 'node:stream';
import type { WebSocket } from 'ws';
import { encodeStatus } from './exec-status';
import { ResizeDecoder, type ExecRequest, type ExecStreams } from './remotecommand';

export const WEBSOCKET_EXEC_PROTOCOLS = ['v5.channel.k8s.io', 'v4.channel.k8s.io'] as const;

export const Channel = { stdin: 0, stdout: 1, stderr: 2, error: 3, resize: 4, close: 255 } as const;

export function channelMessage(channel: number, data: Buffer | string): Buffer {
  return Buffer.concat([Buffer.from([channel]), typeof data === 'string' ? Buffer.from(data) : data]);
}

export function parseChannelMessage(message: Buffer): { channel: number; data: Buffer } | undefined {
  if (message.length === 0) return undefined;
  return { channel: message[0], data: message.subarray(1) };
}

export function serveExecOverWebSocket(ws: WebSocket, protocol: string, request: ExecRequest, run: (streams: ExecStreams) => Promise<void>): void {
  const stdin = request.stdin ? new PassThrough() : undefined;
  const aborted = new AbortController();
  // Buffered until the exec runs: kubectl sends the terminal's size first thing.
  const resize = request.tty ? new PassThrough() : undefined;
  ws.on('message', (raw: Buffer, isBinary: boolean) => {
    const message = isBinary ? parseChannelMessage(raw) : undefined;
    if (!message) return;
    if (message.channel === Channel.stdin) stdin?.write(message.data);
    else if (message.channel === Channel.resize) resize?.write(message.data);
    else if (message.channel === Channel.close && message.data[0] === Channel.stdin) stdin?.end();
  });
  ws.on('close', () => {
    stdin?.end();
    resize?.end();
    aborted.abort();
  });
  const send = (channel: number, data: Buffer) => {
    if (ws.readyState === ws.OPEN) ws.send(channelMessage(channel, data));
  };
  void run({
    stdin,
    stdout: request.stdout ? { write: (d) => send(Channel.stdout, d), end: () => undefined } : undefined,
    stderr: request.stderr ? { write: (d) => send(Channel.stderr, d), end: () => undefined } : undefined,
    onResize: resize && ((listener) => {
      const decoder = new ResizeDecoder(listener);
      resize.on('data', (c: Buffer) => decoder.push(c));
    }),
    finish: (status) => {
      send(Channel.error, encodeStatus(status, protocol));
      // A normal closure is the clients' EOF on every channel.
      if (ws.readyState === ws.OPEN) ws.close(1000);
    },
    signal: aborted.signal,
  });
}
