import { Errors } from '@keelson/apimachinery';
import { findByPlural, type ApiResource } from '@keelson/resources';

// What a REST path and method ask for, resolved as kube-apiserver's RequestInfoResolver does:
//   /api/v1/namespaces/{ns}/{resource}/{name}/{subresource}
//   /apis/{group}/{version}/{resource}/{name}      (cluster-scoped, or a list across namespaces)
//   /api/v1/namespaces/{name}[/status|/finalize]   (the namespace itself)
// `?watch=true` (or the old /watch/ prefix) turns a GET into a watch.

export type Verb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete' | 'deletecollection';

export interface ResourceRequest {
  readonly verb: Verb;
  readonly group: string;
  readonly version: string;
  readonly resource: ApiResource;
  readonly subresource?: string;
  readonly namespace?: string;
  readonly name?: string;
}

const NAMESPACE_SUBRESOURCES = new Set(['status', 'finalize']);

/** Returns null for paths that are not resource paths (discovery, openapi, health). */
export function resolveRequest(method: string, path: string, query: URLSearchParams): ResourceRequest | null {
  let parts = path.split('/').filter(Boolean);
  let group: string;
  let version: string;
  if (parts[0] === 'api' && parts.length >= 3) {
    group = '';
    version = parts[1];
    parts = parts.slice(2);
  } else if (parts[0] === 'apis' && parts.length >= 4) {
    group = parts[1];
    version = parts[2];
    parts = parts.slice(3);
  } else {
    return null;
  }
  let watchPrefix = false;
  if (parts[0] === 'watch') {
    watchPrefix = true;
    parts = parts.slice(1);
  }
  let namespace: string | undefined;
  if (parts[0] === 'namespaces' && parts.length > 1) {
    namespace = parts[1];
    if (parts.length > 2 && !NAMESPACE_SUBRESOURCES.has(parts[2])) parts = parts.slice(2);
  }
  const [plural, name, subresource, ...rest] = parts;
  const resource = findByPlural(group, version, plural);
  if (!resource) throw Errors.notFound(plural, group, name ?? plural).withMessage('the server could not find the requested resource');
  if (rest.length > 0 && !(subresource === 'proxy')) throw Errors.notFound(plural, group, name ?? '').withMessage('the server could not find the requested resource');
  if (subresource && !(resource.subresources ?? []).includes(subresource as never)) {
    throw Errors.notFound(plural, group, name!).withMessage('the server could not find the requested resource');
  }
  return { verb: verbOf(method, name !== undefined, query, watchPrefix), group, version, resource, namespace: resource.namespaced ? namespace : undefined, name, subresource };
}

function verbOf(method: string, named: boolean, query: URLSearchParams, watchPrefix: boolean): Verb {
  switch (method) {
    case 'GET':
    case 'HEAD':
      if (watchPrefix || isTrue(query.get('watch'))) return 'watch';
      return named ? 'get' : 'list';
    case 'POST':
      return 'create';
    case 'PUT':
      return 'update';
    case 'PATCH':
      return 'patch';
    case 'DELETE':
      return named ? 'delete' : 'deletecollection';
    default:
      throw Errors.methodNotAllowed(`the server does not allow this method on the requested resource`);
  }
}

export function isTrue(v: string | null | undefined): boolean {
  return v === 'true' || v === '1';
}
