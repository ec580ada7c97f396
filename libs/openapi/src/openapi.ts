// /openapi/v2 (swagger 2.0 JSON) and /openapi/v3 (index + one document per group version),
// rendered from the operations table and the derived schemas. Built lazily, once.
import { createHash } from 'node:crypto';
import { DefinitionBuilder, JsonSchema } from './schemas';
import { Operation, PATCH_CONTENT_TYPES, PathSpec, QUERY_PARAMS, buildOperations } from './operations';

const INFO = { title: 'Kubernetes', version: 'v1.32.0' };
const PATCH_DEF = 'io.k8s.apimachinery.pkg.apis.meta.v1.Patch';

interface Built { definitions: Record<string, JsonSchema>; paths: PathSpec[] }
let built: Built | undefined;
function build(): Built {
  if (!built) {
    const defs = new DefinitionBuilder();
    const paths = buildOperations(defs);
    built = { definitions: defs.definitions, paths };
  }
  return built;
}

const PATH_PARAM_DESCRIPTION = { name: 'name of the object', namespace: 'object name and auth scope, such as for teams and projects' };

// ---- v2 ----

function v2Operation(op: Operation) {
  const ref = (def: string) => ({ $ref: `#/definitions/${def}` });
  const body = op.body && { name: 'body', in: 'body', required: true, schema: ref(op.body === 'patch' ? PATCH_DEF : op.body) };
  return {
    description: `${op.action} ${op.gvk.kind}`,
    consumes: op.method === 'patch' ? PATCH_CONTENT_TYPES : ['*/*'],
    produces: ['application/json', 'application/yaml'],
    schemes: ['https'],
    operationId: op.operationId,
    parameters: [
      ...(body ? [body] : []),
      ...op.query.map((q) => ({ uniqueItems: true, type: QUERY_PARAMS[q].type, description: QUERY_PARAMS[q].description, name: q, in: 'query' })),
    ],
    responses: {
      '200': { description: 'OK', schema: ref(op.response) },
      ...(op.method === 'post' || op.method === 'put' ? { '201': { description: 'Created', schema: ref(op.response) } } : {}),
      '401': { description: 'Unauthorized' },
    },
    'x-kubernetes-action': op.action,
    'x-kubernetes-group-version-kind': op.gvk,
  };
}

let v2: object | undefined;
/** GET /openapi/v2 as JSON (swagger 2.0). */
export function openapiV2Json(): Record<string, unknown> {
  v2 ??= (() => {
    const { definitions, paths } = build();
    const swaggerPaths: Record<string, Record<string, unknown>> = {};
    for (const p of paths) {
      const item: Record<string, unknown> = swaggerPaths[p.path] ?? {};
      for (const op of p.operations) item[op.method] = v2Operation(op);
      item.parameters = [
        ...p.pathParams.map((n) => ({ uniqueItems: true, type: 'string', description: PATH_PARAM_DESCRIPTION[n], name: n, in: 'path', required: true })),
        { uniqueItems: true, type: 'string', description: QUERY_PARAMS.pretty.description, name: 'pretty', in: 'query' },
      ];
      swaggerPaths[p.path] = item;
    }
    return { swagger: '2.0', info: INFO, paths: swaggerPaths, definitions };
  })();
  return v2 as Record<string, unknown>;
}

// ---- v3 ----

function v3Schema(s: unknown): unknown {
  if (Array.isArray(s)) return s.map(v3Schema);
  if (!s || typeof s !== 'object') return s;
  return Object.fromEntries(Object.entries(s).map(([k, v]) => [k, k === '$ref' ? String(v).replace('#/definitions/', '#/components/schemas/') : v3Schema(v)]));
}

/** Every definition reachable from `roots`. */
function closure(definitions: Record<string, JsonSchema>, roots: string[]): string[] {
  const seen = new Set<string>();
  const visit = (name: string) => {
    if (seen.has(name)) return;
    seen.add(name);
    JSON.stringify(definitions[name], (k, v) => {
      if (k === '$ref') visit(String(v).replace('#/definitions/', ''));
      return v;
    });
  };
  roots.forEach(visit);
  return [...seen].sort();
}

function v3Operation(op: Operation) {
  const ref = (def: string) => ({ $ref: `#/components/schemas/${def}` });
  const json = (def: string) => ({ 'application/json': { schema: ref(def) }, 'application/yaml': { schema: ref(def) } });
  const bodyTypes = op.method === 'patch' ? PATCH_CONTENT_TYPES : ['*/*'];
  return {
    description: `${op.action} ${op.gvk.kind}`,
    operationId: op.operationId,
    parameters: op.query.map((q) => ({ name: q, in: 'query', description: QUERY_PARAMS[q].description, schema: { type: QUERY_PARAMS[q].type, uniqueItems: true } })),
    ...(op.body
      ? { requestBody: { content: Object.fromEntries(bodyTypes.map((t) => [t, { schema: ref(op.body === 'patch' ? PATCH_DEF : op.body!) }])), required: true } }
      : {}),
    responses: {
      '200': { description: 'OK', content: json(op.response) },
      ...(op.method === 'post' || op.method === 'put' ? { '201': { description: 'Created', content: json(op.response) } } : {}),
      '401': { description: 'Unauthorized' },
    },
    'x-kubernetes-action': op.action,
    'x-kubernetes-group-version-kind': op.gvk,
  };
}

/** 'api/v1', 'apis/apps/v1' */
const gvPath = (group: string, version: string) => (group === '' ? `api/${version}` : `apis/${group}/${version}`);

let v3: Map<string, { doc: object; hash: string }> | undefined;
function v3Documents() {
  v3 ??= (() => {
    const { definitions, paths } = build();
    const byGv = new Map<string, PathSpec[]>();
    for (const p of paths) byGv.set(gvPath(p.group, p.version), [...(byGv.get(gvPath(p.group, p.version)) ?? []), p]);
    const out = new Map<string, { doc: object; hash: string }>();
    for (const [gv, specs] of byGv) {
      const docPaths: Record<string, Record<string, unknown>> = {};
      const roots = new Set<string>([PATCH_DEF]);
      for (const p of specs) {
        const item = docPaths[p.path] ?? {};
        for (const op of p.operations) {
          item[op.method] = v3Operation(op);
          roots.add(op.response);
          if (op.body && op.body !== 'patch') roots.add(op.body);
        }
        item.parameters = [
          ...p.pathParams.map((n) => ({ name: n, in: 'path', description: PATH_PARAM_DESCRIPTION[n], required: true, schema: { type: 'string', uniqueItems: true } })),
          { name: 'pretty', in: 'query', description: QUERY_PARAMS.pretty.description, schema: { type: 'string', uniqueItems: true } },
        ];
        docPaths[p.path] = item;
      }
      const schemas = Object.fromEntries(closure(definitions, [...roots]).map((n) => [n, v3Schema(definitions[n])]));
      const doc = { openapi: '3.0.0', info: INFO, paths: docPaths, components: { schemas } };
      // kube-apiserver's etag: sha512 of the document, upper-case hex
      out.set(gv, { doc, hash: createHash('sha512').update(JSON.stringify(doc)).digest('hex').toUpperCase() });
    }
    return out;
  })();
  return v3;
}

/** GET /openapi/v3: where each group version's document lives. */
export function openapiV3Index(): { paths: Record<string, { serverRelativeURL: string }> } {
  const paths: Record<string, { serverRelativeURL: string }> = {};
  for (const [gv, { hash }] of v3Documents()) paths[gv] = { serverRelativeURL: `/openapi/v3/${gv}?hash=${hash}` };
  return { paths };
}

/** GET /openapi/v3/<gv>, e.g. 'apis/apps/v1' (a leading '/' or '/openapi/v3/' is tolerated). */
export function openapiV3GroupVersion(path: string): object | undefined {
  const gv = path.replace(/^\/?(openapi\/v3\/)?/, '').replace(/\?.*$/, '').replace(/\/$/, '');
  return v3Documents().get(gv)?.doc;
}

/** The hash the index advertises for a group version (to answer with ETag and long caching). */
export function openapiV3Hash(path: string): string | undefined {
  return v3Documents().get(path.replace(/^\/?(openapi\/v3\/)?/, '').replace(/\?.*$/, ''))?.hash;
}
