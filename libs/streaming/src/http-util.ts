// Answers on plain Node objects: a Status as JSON, a Status on a socket whose upgrade we
// refuse (the client reads it as any HTTP response), and a log stream as chunked text.
import { STATUS_CODES, type ServerResponse } from 'node:http';
import type { Duplex, Readable } from 'node:stream';
import type { Status } from '@keelson/apimachinery';

export function sendStatus(res: ServerResponse, status: Status): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(status.code, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private' });
  res.end(JSON.stringify(status));
}

export function rejectUpgrade(socket: Duplex, status: Status): void {
  if (socket.destroyed) return;
  const body = JSON.stringify(status);
  socket.end(`HTTP/1.1 ${status.code} ${STATUS_CODES[status.code] ?? 'Error'}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}

/** Streams `source` as the response; stops after `limitBytes`, and stops reading when the client leaves. */
export function streamText(source: Readable, res: ServerResponse, limitBytes?: number): void {
  res.writeHead(200, { 'Content-Type': 'text/plain', 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked' });
  res.flushHeaders();
  let left = limitBytes ?? Infinity;
  const stop = () => source.destroy();
  // Not req's 'close': Node emits it once the request is read, long before a follower leaves.
  res.on('close', stop);
  source.on('data', (chunk: Buffer) => {
    const part = chunk.length > left ? chunk.subarray(0, left) : chunk;
    left -= part.length;
    if (!res.writableEnded) res.write(part);
    if (left <= 0) {
      stop();
      res.end();
    }
  });
  source.on('end', () => !res.writableEnded && res.end());
  source.on('error', () => !res.writableEnded && res.end());
}
