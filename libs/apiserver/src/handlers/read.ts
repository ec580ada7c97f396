import { convertFieldSelector, Errors, fieldRequirementsToSql, fieldsMatch, fieldValue, labelRequirementsToSql, parseFieldSelector, parseLabelSelector, type FieldRequirement, type KubeObject, type LabelRequirements } from '@keelson/apimachinery';
import { matches } from '@keelson/apimachinery';
import { fromStorage } from '../conversion';
import type { ResourceRequest } from '../request-info';
import type { ObjectStore } from '../store';
import { CompactedError } from '@keelson/projection';

// GET and LIST. resourceVersion semantics as Kubernetes documents them:
//   unset          → the most recent state (linearizable: wait for the projection to reach the log's end)
//   "0"            → any state the server has (no wait)
//   N, NotOlderThan → at least as new as N (wait for the projection to reach N)
//   N, Exact        → exactly as of N — served from history, which Kubernetes can only do until etcd compacts

export interface Selection {
  labels: LabelRequirements;
  fields: FieldRequirement[];
}

export function parseSelection(req: ResourceRequest, query: URLSearchParams): Selection {
  const fields = convertFieldSelector(req.resource.plural, parseFieldSelector(query.get('fieldSelector') ?? ''));
  return { labels: parseLabelSelector(query.get('labelSelector') ?? ''), fields };
}

export function selects(req: ResourceRequest, sel: Selection, obj: KubeObject): boolean {
  return matches(sel.labels, obj.metadata.labels ?? {}) && fieldsMatch(sel.fields, (f) => fieldValue(req.resource.plural, obj, f));
}

/** The object as the requested version presents it. */
export function present(req: ResourceRequest, obj: KubeObject): KubeObject {
  return fromStorage(req.resource, req.version, obj);
}

export async function get(store: ObjectStore, req: ResourceRequest, query: URLSearchParams): Promise<KubeObject> {
  const rv = query.get('resourceVersion');
  if (rv && rv !== '0') await waitForVersion(store, rv);
  const obj = await store.get(req.resource, req.namespace, req.name!, !rv);
  if (!obj) throw Errors.notFound(req.resource.plural, req.resource.group, req.name!);
  return present(req, obj);
}

interface ContinueToken {
  rv: number;
  ns: string;
  name: string;
}

export interface ListOutput {
  items: KubeObject[];
  resourceVersion: string;
  continue?: string;
  remainingItemCount?: number;
}

export async function list(store: ObjectStore, req: ResourceRequest, query: URLSearchParams): Promise<ListOutput> {
  const sel = parseSelection(req, query);
  const limit = Number(query.get('limit') ?? 0) || undefined;
  const token = query.get('continue') ? decodeContinue(query.get('continue')!) : undefined;
  const rv = query.get('resourceVersion');
  const match = query.get('resourceVersionMatch');
  let asOf: number | undefined;
  let consistent = !rv;
  if (token) {
    // Later pages read the state of the first page's version, from history: a consistent snapshot across pages.
    asOf = token.rv;
    consistent = false;
  } else if (rv && rv !== '0') {
    if (match === 'Exact') asOf = parseVersion(rv);
    else await waitForVersion(store, rv);
  } else if (match === 'Exact') {
    throw Errors.badRequest('resourceVersionMatch "Exact" is forbidden for resourceVersion "0" or unset');
  }
  let residual: FieldRequirement[] = [];
  const result = await store
    .list(
      req.resource,
      {
        namespace: req.namespace,
        limit,
        asOf,
        where: (params) => {
          const fieldSql = fieldRequirementsToSql(sel.fields, params);
          residual = fieldSql.residual;
          return [labelRequirementsToSql(sel.labels, 'labels', params), fieldSql.where];
        },
        after: token ? { namespace: token.ns, name: token.name } : undefined,
      },
      consistent,
    )
    .catch((e: unknown) => {
      throw e instanceof CompactedError ? compactedListError(e, token !== undefined) : e;
    });
  const items = residual.length ? result.items.filter((o) => fieldsMatch(residual, (f) => fieldValue(req.resource.plural, o, f))) : result.items;
  const out: ListOutput = { items: items.map((o) => present(req, o)), resourceVersion: String(result.rv) };
  if (result.next) {
    out.continue = encodeContinue({ rv: result.rv, ns: result.next.namespace, name: result.next.name });
    out.remainingItemCount = result.remaining;
  }
  return out;
}

function parseVersion(rv: string): number {
  const n = Number(rv);
  if (!Number.isSafeInteger(n) || n < 0) throw Errors.badRequest(`invalid resource version: ${rv}`);
  return n;
}

/** Waits until the projection has reached `rv`; a version from the future is a 504 after 3 s, as in Kubernetes. */
async function waitForVersion(store: ObjectStore, rv: string): Promise<void> {
  const n = parseVersion(rv);
  const { last } = await store.log.bounds();
  if (n > last) {
    await new Promise((r) => setTimeout(r, 3000));
    if (n > (await store.log.bounds()).last) throw Errors.timeout(`Too large resource version: ${n}, current: ${last}`);
  }
  await store.consistentTo(n);
}

function encodeContinue(t: ContinueToken): string {
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', ...t })).toString('base64url');
}

function decodeContinue(s: string): ContinueToken {
  try {
    const t = JSON.parse(Buffer.from(s, 'base64url').toString()) as ContinueToken;
    if (typeof t.rv !== 'number' || typeof t.ns !== 'string' || typeof t.name !== 'string') throw new Error();
    return t;
  } catch {
    throw Errors.badRequest('continue key is not valid: illegal base64 data at input byte 0');
  }
}

/** 410 Gone, in the apiserver's words, for a version older than the rebuilt history reaches. */
function compactedListError(e: CompactedError, continuing: boolean) {
  return continuing
    ? Errors.gone('The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.')
    : Errors.gone(`too old resource version: ${e.asOf} (${e.compacted})`);
}
