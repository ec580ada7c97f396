// Legacy (unaggregated) discovery, as kube-apiserver serves it at /api, /api/v1, /apis,
// /apis/<group> and /apis/<group>/<version>. Everything is derived from RESOURCES.
import { createHash } from 'node:crypto';
import { ApiResource, Subresource, VERBS, apiVersionOf, groupVersions, resourcesIn, storageVersion } from '@keelson/resources';

export interface GroupVersionForDiscovery { groupVersion: string; version: string }
export interface ApiGroup { name: string; versions: GroupVersionForDiscovery[]; preferredVersion: GroupVersionForDiscovery }
export interface ApiResourceEntry {
  name: string;
  singularName: string;
  namespaced: boolean;
  group?: string;
  version?: string;
  kind: string;
  verbs: string[];
  shortNames?: string[];
  categories?: string[];
  storageVersionHash?: string;
}

/** What a subresource answers with and which verbs it takes, as kube-apiserver lists them. */
export interface SubresourceShape { kind: (parentKind: string) => string; verbs: string[]; group?: string; version?: string }

const STATUS_VERBS = ['get', 'patch', 'update'];
const PROXY_VERBS = ['create', 'delete', 'get', 'patch', 'update'];

export const SUBRESOURCES: Record<Subresource, SubresourceShape> = {
  status: { kind: (k) => k, verbs: STATUS_VERBS },
  scale: { kind: () => 'Scale', verbs: STATUS_VERBS, group: 'autoscaling', version: 'v1' },
  binding: { kind: () => 'Binding', verbs: ['create'] },
  log: { kind: (k) => k, verbs: ['get'] },
  exec: { kind: () => 'PodExecOptions', verbs: ['create', 'get'] },
  attach: { kind: () => 'PodAttachOptions', verbs: ['create', 'get'] },
  portforward: { kind: () => 'PodPortForwardOptions', verbs: ['create', 'get'] },
  proxy: { kind: (k) => `${k}ProxyOptions`, verbs: PROXY_VERBS },
  eviction: { kind: () => 'Eviction', verbs: ['create'], group: 'policy', version: 'v1' },
};

/**
 * kube-apiserver's storage version hash: base64 of the first 8 bytes of
 * sha256("<group>/<version>/<kind>") of the storage version. Clients only compare it for equality.
 */
export function storageVersionHash(r: ApiResource): string {
  const digest = createHash('sha256').update(`${r.group}/${storageVersion(r)}/${r.kind}`).digest();
  return digest.subarray(0, 8).toString('base64');
}

export function resourceEntries(r: ApiResource): ApiResourceEntry[] {
  const main: ApiResourceEntry = {
    name: r.plural,
    singularName: r.singular,
    namespaced: r.namespaced,
    kind: r.kind,
    verbs: [...(r.verbs ?? VERBS)],
    ...(r.shortNames?.length ? { shortNames: [...r.shortNames] } : {}),
    ...(r.categories?.length ? { categories: [...r.categories] } : {}),
    storageVersionHash: storageVersionHash(r),
  };
  const subs = [...(r.subresources ?? [])].sort().map((s): ApiResourceEntry => {
    const shape = SUBRESOURCES[s];
    return {
      name: `${r.plural}/${s}`,
      singularName: '',
      namespaced: r.namespaced,
      ...(shape.group !== undefined ? { group: shape.group, version: shape.version } : {}),
      kind: shape.kind(r.kind),
      verbs: [...shape.verbs],
    };
  });
  return [main, ...subs];
}

/** GET /api */
export function apiVersions(serverAddress = '127.0.0.1:6443') {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] };
}

/** GET /api/v1 or /apis/<group>/<version>; undefined when that group version is not served. */
export function apiResourceList(group: string, version: string) {
  const resources = resourcesIn(group, version);
  if (resources.length === 0) return undefined;
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: apiVersionOf(group, version),
    resources: resources.flatMap(resourceEntries).sort((a, b) => a.name.localeCompare(b.name)),
  };
}

function namedGroups(): ApiGroup[] {
  return groupVersions()
    .filter((gv) => gv.group !== '')
    .map(({ group, versions }) => {
      const gvs = versions.map((version) => ({ groupVersion: `${group}/${version}`, version }));
      return { name: group, versions: gvs, preferredVersion: gvs[0] };
    });
}

/** GET /apis */
export function apiGroupList() {
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: namedGroups() };
}

/** GET /apis/<group>; undefined when the group is not served. */
export function apiGroup(name: string) {
  const g = namedGroups().find((x) => x.name === name);
  return g && { kind: 'APIGroup', apiVersion: 'v1', ...g };
}
