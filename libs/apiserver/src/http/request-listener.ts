import type { IncomingMessage, ServerResponse } from 'node:http';
import { StatusError } from '@keelson/apimachinery';

// The Node `request` listener in front of the REST handler. Every route answers through the
// same handler, so a web framework's routing, hooks and content-type parsers would only add
// CPU to each request (Fastify's came to about a tenth of a pod create): this reads the body,
// bounded, and hands over bytes. A body over the limit is a 413 Status, answered once the
// client has finished sending — a client still writing would otherwise have its connection
// reset before it reads the answer (EPIPE).

export type RawHandler = (req: IncomingMessage, res: ServerResponse, rawBody?: Buffer) => Promise<void>;

/** Kubernetes' request body limit */
export const MAX_BODY = 3 * 1024 * 1024;

const DRAIN_LIMIT = 4 * MAX_BODY;
const DRAIN_MS = 5_000;

export function createRequestListener(handle: RawHandler, maxBody = MAX_BODY): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const declared = req.headers['content-length'];
    // No length and no chunked encoding: HTTP/1.1 says there is no body (a GET, a DELETE).
    if (declared === undefined && req.headers['transfer-encoding'] === undefined) {
      void handle(req, res);
      return;
    }
    if (declared !== undefined && Number(declared) > maxBody) {
      tooLarge(req, res, maxBody);
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let refused = false;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBody) {
        chunks.push(chunk);
        return;
      }
      refused = true;
      req.off('data', onData);
      req.off('end', onEnd);
      tooLarge(req, res, maxBody);
    };
    const onEnd = () => {
      if (refused) return;
      void handle(req, res, chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size));
    };
    req.on('data', onData);
    req.once('end', onEnd);
    // A client that goes away mid-body: nothing to answer, the socket is gone with it.
    req.once('error', () => undefined);
  };
}

function tooLarge(req: IncomingMessage, res: ServerResponse, maxBody: number): void {
  const status = new StatusError(413, 'RequestEntityTooLarge', `Request entity too large: the request body is over ${maxBody} bytes`).toStatus();
  afterBody(req, () => {
    if (res.headersSent) return void res.end();
    res.writeHead(413, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private', Connection: 'close' });
    res.end(JSON.stringify(status));
  });
}

/** Calls `then` once the request body has been read to its end, or after a bound on bytes or time. */
export function afterBody(req: IncomingMessage, then: () => void): void {
  if (req.complete || req.readableEnded) return then();
  let done = false;
  let read = 0;
  const finish = () => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    then();
  };
  const timer = setTimeout(finish, DRAIN_MS);
  req.on('data', (chunk: Buffer) => {
    read += chunk.length;
    if (read > DRAIN_LIMIT) finish();
  });
  req.once('end', finish);
  req.once('error', finish);
  req.resume();
}
