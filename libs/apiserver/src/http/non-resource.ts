import { apiGroup, apiGroupDiscoveryList, apiGroupList, apiResourceList, apiVersions, DISCOVERY_CONTENT_TYPE, negotiateDiscovery, openapiV2Json, openapiV2Protobuf, openapiV3GroupVersion, openapiV3Hash, openapiV3Index, OPENAPI_V2_PROTOBUF_CONTENT_TYPE } from '@keelson/openapi';
import type { HttpOptions } from './server';

// Paths that are not resources: health, version, discovery and OpenAPI.

export interface NonResourceResponse {
  code: number;
  contentType: string;
  body: string | Buffer;
  headers?: Record<string, string>;
}

export const VERSION = {
  major: '1',
  minor: '32',
  gitVersion: 'v1.32.0-keelson',
  gitCommit: 'keelson',
  gitTreeState: 'clean',
  buildDate: '2026-11-26T00:00:00Z',
  goVersion: 'node' + process.versions.node,
  compiler: 'keelson',
  platform: `${process.platform}/${process.arch === 'x64' ? 'amd64' : process.arch}`,
};

const json = (body: unknown, contentType = 'application/json', headers?: Record<string, string>): NonResourceResponse => ({ code: 200, contentType, body: JSON.stringify(body), headers });
const text = (code: number, body: string): NonResourceResponse => ({ code, contentType: 'text/plain; charset=utf-8', body });

export async function nonResource(path: string, method: string, accept: string | undefined, opts: HttpOptions): Promise<NonResourceResponse | null> {
  if (method !== 'GET' && method !== 'HEAD') return null;
  const p = path.length > 1 ? path.replace(/\/$/, '') : path;
  if (p === '/healthz' || p === '/livez' || p.startsWith('/healthz/') || p.startsWith('/livez/')) return text(200, 'ok');
  if (p === '/readyz' || p.startsWith('/readyz/')) return opts.ready && !opts.ready() ? text(500, '[-]projection not caught up\nreadyz check failed') : text(200, 'ok');
  if (p === '/version') return json(VERSION);
  if (p === '/api' || p === '/apis') {
    const format = negotiateDiscovery(accept);
    const headers = { Vary: 'Accept' };
    if (format !== 'legacy') return json(apiGroupDiscoveryList(p === '/api', format), DISCOVERY_CONTENT_TYPE[format], headers);
    return json(p === '/api' ? apiVersions() : apiGroupList(), 'application/json', headers);
  }
  let m = /^\/api\/(v1)$/.exec(p);
  if (m) return orNotFound(apiResourceList('', m[1]));
  m = /^\/apis\/([^/]+)$/.exec(p);
  if (m) return orNotFound(apiGroup(m[1]));
  m = /^\/apis\/([^/]+)\/([^/]+)$/.exec(p);
  if (m) return orNotFound(apiResourceList(m[1], m[2]));
  if (p === '/openapi/v2') {
    return (accept ?? '').includes('protobuf') ? { code: 200, contentType: OPENAPI_V2_PROTOBUF_CONTENT_TYPE, body: openapiV2Protobuf() } : json(openapiV2Json());
  }
  if (p === '/openapi/v3') return json(openapiV3Index());
  if (p.startsWith('/openapi/v3/')) {
    const doc = openapiV3GroupVersion(p);
    const hash = openapiV3Hash(p);
    return doc ? json(doc, 'application/json', hash ? { ETag: `"${hash}"`, 'Cache-Control': 'public, immutable' } : undefined) : text(404, 'not found');
  }
  return null;
}

function orNotFound(doc: unknown): NonResourceResponse {
  return doc === undefined ? { code: 404, contentType: 'application/json', body: JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'the server could not find the requested resource', reason: 'NotFound', code: 404 }) } : json(doc);
}
