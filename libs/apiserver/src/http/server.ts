import type { IncomingMessage, ServerResponse } from 'node:http';
import { Errors, StatusError, type KubeObject, type Status } from '@keelson/apimachinery';
import { toTable } from '@keelson/tables';
import { stringify as toYaml } from 'yaml';
import type { Api } from '../api';
import { managerFromUserAgent, type FieldValidation, type RequestContext } from '../context';
import { patchTypeOf } from '../handlers/patch';
import type { WatchEvent } from '../handlers/watch';
import { isTrue, resolveRequest, type ResourceRequest } from '../request-info';
import { decodeBody } from './body';
import { negotiate, type Representation } from './negotiate';
import { isNodeSubresource, proxyPodRequest } from './proxy';
import { nonResource } from './non-resource';
import { toJson } from '../object-json';

// The Kubernetes REST front door on plain Node request/response objects (the Nest app hands
// them over from Fastify), so that watches can stream and nothing buffers a response twice.

export interface HttpOptions {
  /** the caller when no credentials say otherwise: the local kubeconfig's admin */
  defaultUser?: string;
  /** readiness: false until the projection has caught up with the log at start */
  ready?: () => boolean;
}

export function createHttpHandler(api: Api, opts: HttpOptions = {}) {
  return async (req: IncomingMessage, res: ServerResponse, rawBody?: Buffer): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const query = url.searchParams;
    try {
      const special = await nonResource(url.pathname, req.method ?? 'GET', req.headers.accept, opts);
      if (special) {
        res.writeHead(special.code, { 'Content-Type': special.contentType, ...(special.headers ?? {}) });
        res.end(special.body);
        return;
      }
      const rr = resolveRequest(req.method ?? 'GET', url.pathname, query);
      if (!rr) {
        sendStatus(res, new StatusError(404, 'NotFound', 'the server could not find the requested resource').toStatus());
        return;
      }
      // pods/log, exec, attach, portforward: answered by the pod's node agent
      if (isNodeSubresource(rr)) return await proxyPodRequest(api.store, rr, query, req, res);
      const rep = negotiate(req.headers.accept, query);
      const ctx = contextOf(req, query, opts);
      if (rr.verb === 'watch') return await streamWatch(api, rr, query, rep, req, res);
      const body = decodeBody(rawBody, req.headers['content-type']);
      const patchType = rr.verb === 'patch' ? patchTypeOf(req.headers['content-type']) : undefined;
      const out = await api.handle(rr, { query, body, patchType }, ctx);
      const headers: Record<string, string | string[]> = {};
      if (ctx.warnings.length) headers['Warning'] = ctx.warnings.map((w) => `299 - "${w.replace(/"/g, '\\"')}"`);
      send(res, out.code, render(rr, out.body, rep), rep, headers);
    } catch (e) {
      if (e instanceof StatusError) {
        sendStatus(res, e.toStatus());
        return;
      }
      console.error(`apiserver: ${req.method} ${req.url}:`, e);
      sendStatus(res, new StatusError(500, 'InternalError', `Internal error occurred: ${(e as Error).message}`).toStatus());
    }
  };
}

/**
 * A Status for what the HTTP server refused before the handler ran (a body over the limit,
 * a malformed request line), so that those answers read like every other error.
 */
export function transportErrorStatus(err: { statusCode?: number; message: string }): Status {
  const code = err.statusCode ?? 500;
  if (code === 413) return new StatusError(413, 'RequestEntityTooLarge', `Request entity too large: ${err.message}`).toStatus();
  if (code >= 400 && code < 500) return Errors.badRequest(err.message).toStatus();
  return Errors.internal(err.message).toStatus();
}

function contextOf(req: IncomingMessage, query: URLSearchParams, opts: HttpOptions): RequestContext {
  const fv = query.get('fieldValidation');
  const fieldValidation: FieldValidation = fv === 'Ignore' || fv === 'Warn' || fv === 'Strict' ? fv : 'Warn';
  const cause = req.headers['keelson-cause'];
  return {
    actor: typeof req.headers['keelson-actor'] === 'string' ? req.headers['keelson-actor'] : (opts.defaultUser ?? 'user:admin'),
    fieldManager: query.get('fieldManager') ?? managerFromUserAgent(req.headers['user-agent']),
    dryRun: query.getAll('dryRun').includes('All'),
    fieldValidation,
    force: isTrue(query.get('force')),
    ...(typeof cause === 'string' && /^\d+$/.test(cause) ? { cause: Number(cause) } : {}),
    warnings: [],
  };
}

/** A list or object, or a Table of it when kubectl asked for one. */
function render(rr: ResourceRequest, body: KubeObject, rep: Representation): unknown {
  if (!rep.table || body.kind === 'Status' || rr.subresource === 'scale') return body;
  const isList = Array.isArray(body.items);
  const items = isList ? (body.items as KubeObject[]) : [body];
  const meta = body.metadata as { resourceVersion?: string; continue?: string; remainingItemCount?: number };
  return toTable(rr.resource.plural, rr.resource.group, items, {
    includeObject: rep.includeObject,
    now: new Date(),
    resourceVersion: meta.resourceVersion,
    continue: isList ? meta.continue : undefined,
    remainingItemCount: isList ? meta.remainingItemCount : undefined,
  });
}

async function streamWatch(api: Api, rr: ResourceRequest, query: URLSearchParams, rep: Representation, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const ac = new AbortController();
  req.on('close', () => ac.abort());
  res.on('close', () => ac.abort());
  let started = false;
  const start = () => {
    if (started) return;
    started = true;
    res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked', 'Cache-Control': 'no-cache, private' });
    res.flushHeaders();
  };
  const now = () => new Date();
  try {
    // Headers go out at once so that clients see the watch is established before the first event.
    start();
    await api.watch(rr, query, {
      signal: ac.signal,
      send: (e: WatchEvent) => {
        const object = rep.table && e.type !== 'ERROR' && e.type !== 'BOOKMARK' ? toTable(rr.resource.plural, rr.resource.group, [e.object as KubeObject], { includeObject: rep.includeObject, now: now() }) : e.object;
        if (!res.writableEnded) res.write(JSON.stringify({ type: e.type, object }) + '\n');
      },
    });
  } catch (e) {
    if (e instanceof StatusError) {
      if (!res.writableEnded) res.write(JSON.stringify({ type: 'ERROR', object: e.toStatus() }) + '\n');
    } else if (!ac.signal.aborted) {
      console.error('apiserver: watch failed:', e);
      if (!res.writableEnded) res.write(JSON.stringify({ type: 'ERROR', object: new StatusError(500, 'InternalError', (e as Error).message).toStatus() }) + '\n');
    }
  } finally {
    if (!res.writableEnded) res.end();
  }
}

function send(res: ServerResponse, code: number, body: unknown, rep: Representation, headers: Record<string, string | string[]> = {}): void {
  const text = rep.yaml ? toYaml(body) : toJson(body);
  res.writeHead(code, { 'Content-Type': rep.yaml ? 'application/yaml' : 'application/json', 'Cache-Control': 'no-cache, private', ...headers });
  res.end(text);
}

function sendStatus(res: ServerResponse, status: Status): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  res.writeHead(status.code, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private' });
  res.end(JSON.stringify(status));
}
