// The REST operations Keelson serves per resource and version, in a neutral form that the
// OpenAPI v2 and v3 renderers both turn into paths. Derived from RESOURCES.
import { ApiResource, RESOURCES, apiVersionOf } from '@keelson/resources';
import { DefinitionBuilder, Gvk, modelExists } from './schemas';

export type Method = 'get' | 'put' | 'post' | 'delete' | 'patch';
export type Action = 'get' | 'list' | 'put' | 'post' | 'patch' | 'delete' | 'deletecollection';

export interface QueryParam { name: string; type: 'string' | 'boolean' | 'integer'; description: string }

/** Query parameters by name. `fieldValidation` on PATCH is what kubectl looks for to validate on the server. */
export const QUERY_PARAMS: Record<string, QueryParam> = Object.fromEntries(
  ([
    ['pretty', 'string', "If 'true', then the output is pretty printed."],
    ['dryRun', 'string', 'When present, indicates that modifications should not be persisted. Valid value: All.'],
    ['fieldManager', 'string', 'A name associated with the actor or entity that is making these changes.'],
    ['fieldValidation', 'string', 'How the server treats unknown or duplicate fields in the request body: Ignore, Warn or Strict.'],
    ['force', 'boolean', 'Force is going to "force" Apply requests: re-acquire conflicting fields owned by other people.'],
    ['labelSelector', 'string', 'A selector to restrict the list of returned objects by their labels.'],
    ['fieldSelector', 'string', 'A selector to restrict the list of returned objects by their fields.'],
    ['limit', 'integer', 'The maximum number of responses to return for a list call.'],
    ['continue', 'string', 'The continue token from a previous list call, to retrieve more results.'],
    ['resourceVersion', 'string', 'Constrains which resource versions the request may be served from.'],
    ['watch', 'boolean', 'Watch for changes to the described resources and return them as a stream of add, update, and remove notifications.'],
    ['timeoutSeconds', 'integer', 'Timeout for the list/watch call.'],
    ['gracePeriodSeconds', 'integer', 'The duration in seconds before the object should be deleted.'],
    ['propagationPolicy', 'string', "Whether and how garbage collection will be performed: 'Orphan', 'Background' or 'Foreground'."],
  ] as const).map(([name, type, description]) => [name, { name, type, description }]),
);

const WRITE_PARAMS = ['dryRun', 'fieldManager', 'fieldValidation'];
const LIST_PARAMS = ['continue', 'fieldSelector', 'labelSelector', 'limit', 'resourceVersion', 'timeoutSeconds', 'watch'];

/** PATCH bodies kubectl may send. strategic-merge-patch is deliberately absent: kubectl then
 * builds apply's strategic merge patch from its compiled-in Go types, whose patch merge keys are right,
 * instead of from our schemas, which have none (the schema source does not carry them). */
export const PATCH_CONTENT_TYPES = ['application/json-patch+json', 'application/merge-patch+json', 'application/apply-patch+yaml'];

export interface Operation {
  method: Method;
  action: Action;
  operationId: string;
  gvk: Gvk;
  query: string[];
  /** definition name of the request body, or 'patch' */
  body?: string;
  /** definition name of the 200 response */
  response: string;
}

export interface PathSpec { path: string; group: string; version: string; pathParams: ('name' | 'namespace')[]; operations: Operation[] }

const pascal = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
export const packageOf = (group: string) => (group === '' ? 'core' : group.split('.')[0]);

/** The client-node model for a kind in a version, e.g. V1Pod, CoreV1Event; undefined when it has none. */
export function modelFor(group: string, version: string, kind: string): string | undefined {
  return [`${pascal(version)}${kind}`, `${pascal(packageOf(group))}${pascal(version)}${kind}`].find(modelExists);
}

/** Adds the definitions a resource version needs and returns the names of object and list. */
function rootDefinitions(defs: DefinitionBuilder, r: ApiResource, version: string) {
  const pkg = packageOf(r.group);
  const gvk = (kind: string): Gvk[] => [{ group: r.group, version, kind }];
  // batch/v1beta1 CronJob is gone from current models: serve the preferred version's schema under the old name
  const model = modelFor(r.group, version, r.kind) ?? modelFor(r.group, r.versions[0], r.kind);
  if (!model) throw new Error(`no schema for ${apiVersionOf(r.group, version)} ${r.kind}`);
  const own = (kind: string) => `io.k8s.api.${pkg}.${version}.${kind}`;
  const object = defs.add(model, pkg, gvk(r.kind), modelFor(r.group, version, r.kind) ? undefined : own(r.kind));
  const listModel = modelFor(r.group, version, `${r.kind}List`) ?? modelFor(r.group, r.versions[0], `${r.kind}List`)!;
  const list = defs.add(listModel, pkg, gvk(`${r.kind}List`), modelFor(r.group, version, `${r.kind}List`) ? undefined : own(`${r.kind}List`));
  return { object, list };
}

export function buildOperations(defs: DefinitionBuilder): PathSpec[] {
  const status = defs.add('V1Status', 'meta', [{ group: '', version: 'v1', kind: 'Status' }]);
  const deleteOptions = defs.add('V1DeleteOptions', 'meta');
  defs.definitions['io.k8s.apimachinery.pkg.apis.meta.v1.Patch'] = {
    description: 'Patch is provided to give a concrete name and type to the Kubernetes PATCH request body.',
    type: 'object',
  };
  const out: PathSpec[] = [];
  for (const r of RESOURCES) {
    for (const version of r.versions) {
      const { object, list } = rootDefinitions(defs, r, version);
      const gvk: Gvk = { group: r.group, version, kind: r.kind };
      const prefix = r.group === '' ? '/api/v1' : `/apis/${r.group}/${version}`;
      const ns = r.namespaced ? 'Namespaced' : '';
      const id = (verb: string, suffix = '', scope = ns) => `${verb}${pascal(packageOf(r.group))}${pascal(version)}${scope}${r.kind}${suffix}`;
      const collection = r.namespaced ? `${prefix}/namespaces/{namespace}/${r.plural}` : `${prefix}/${r.plural}`;
      const item = `${collection}/{name}`;
      const scoped: ('namespace')[] = r.namespaced ? ['namespace'] : [];
      const spec = (path: string, pathParams: PathSpec['pathParams'], operations: Operation[]) => out.push({ path, group: r.group, version, pathParams, operations });

      spec(collection, scoped, [
        { method: 'get', action: 'list', operationId: id('list'), gvk, query: LIST_PARAMS, response: list },
        { method: 'post', action: 'post', operationId: id('create'), gvk, query: WRITE_PARAMS, body: object, response: object },
        { method: 'delete', action: 'deletecollection', operationId: id('deleteCollection'), gvk, query: [...LIST_PARAMS, 'dryRun', 'gracePeriodSeconds', 'propagationPolicy'], body: deleteOptions, response: status },
      ]);
      spec(item, ['name', ...scoped], [
        ...itemOperations(id, gvk, object, ''),
        { method: 'delete', action: 'delete', operationId: id('delete'), gvk, query: ['dryRun', 'gracePeriodSeconds', 'propagationPolicy'], body: deleteOptions, response: status },
      ]);
      if (r.namespaced) spec(`${prefix}/${r.plural}`, [], [{ method: 'get', action: 'list', operationId: id('list', 'ForAllNamespaces', ''), gvk, query: LIST_PARAMS, response: list }]);
      if (r.subresources?.includes('status')) spec(`${item}/status`, ['name', ...scoped], itemOperations(id, gvk, object, 'Status'));
      if (r.subresources?.includes('scale')) {
        const scale = defs.add('V1Scale', 'autoscaling', [{ group: 'autoscaling', version: 'v1', kind: 'Scale' }]);
        spec(`${item}/scale`, ['name', ...scoped], itemOperations(id, { group: 'autoscaling', version: 'v1', kind: 'Scale' }, scale, 'Scale'));
      }
    }
  }
  return out;
}

function itemOperations(id: (verb: string, suffix?: string) => string, gvk: Gvk, def: string, suffix: string): Operation[] {
  return [
    { method: 'get', action: 'get', operationId: id('read', suffix), gvk, query: [], response: def },
    { method: 'put', action: 'put', operationId: id('replace', suffix), gvk, query: WRITE_PARAMS, body: def, response: def },
    { method: 'patch', action: 'patch', operationId: id('patch', suffix), gvk, query: [...WRITE_PARAMS, 'force'], body: 'patch', response: def },
  ];
}
