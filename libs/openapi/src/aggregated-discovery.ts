// Aggregated discovery (apidiscovery.k8s.io v2 and v2beta1): one document for /api and one
// for /apis, so kubectl learns every resource in two requests. Shapes as kube-apiserver serves them.
import { VERBS, groupVersions, resourcesIn } from '@keelson/resources';
import { SUBRESOURCES } from './discovery';

export type DiscoveryFormat = 'aggregated-v2' | 'aggregated-v2beta1' | 'legacy';

const AGGREGATED_GROUP = 'apidiscovery.k8s.io';

/** The Content-Type kube-apiserver answers with for each format. */
export const DISCOVERY_CONTENT_TYPE: Record<DiscoveryFormat, string> = {
  'aggregated-v2': `application/json;g=${AGGREGATED_GROUP};v=v2;as=APIGroupDiscoveryList`,
  'aggregated-v2beta1': `application/json;g=${AGGREGATED_GROUP};v=v2beta1;as=APIGroupDiscoveryList`,
  legacy: 'application/json',
};

/**
 * Picks the first media range of the Accept header that we can serve, in the client's order
 * (kubectl lists them by preference and sends no q values). A plain JSON range (or a wildcard)
 * means the legacy document; a range naming a group/version/kind we do not serve (protobuf, or an
 * unknown discovery version) is skipped. Nothing acceptable falls back to legacy JSON.
 *
 *   'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json' → 'aggregated-v2'
 */
export function negotiateDiscovery(accept: string | undefined): DiscoveryFormat {
  for (const range of (accept ?? '').split(',')) {
    const [mediaType, ...rawParams] = range.split(';').map((p) => p.trim());
    const type = mediaType.toLowerCase();
    if (type !== 'application/json' && type !== '*/*' && type !== 'application/*') continue;
    const params = new Map(rawParams.map((p) => {
      const i = p.indexOf('=');
      return [p.slice(0, i).trim().toLowerCase(), p.slice(i + 1).trim().replace(/^"|"$/g, '')] as const;
    }));
    const g = params.get('g');
    if (g === undefined) return 'legacy';
    if (g !== AGGREGATED_GROUP || params.get('as') !== 'APIGroupDiscoveryList') continue;
    if (params.get('v') === 'v2') return 'aggregated-v2';
    if (params.get('v') === 'v2beta1') return 'aggregated-v2beta1';
  }
  return 'legacy';
}

function discoveryVersion(group: string, version: string) {
  return {
    version,
    resources: resourcesIn(group, version)
      .sort((a, b) => a.plural.localeCompare(b.plural))
      .map((r) => ({
        resource: r.plural,
        // kube-apiserver leaves group and version empty for the resource's own kind
        responseKind: { group: '', version: '', kind: r.kind },
        scope: r.namespaced ? 'Namespaced' : 'Cluster',
        singularResource: r.singular,
        verbs: [...(r.verbs ?? VERBS)],
        ...(r.shortNames?.length ? { shortNames: [...r.shortNames] } : {}),
        ...(r.categories?.length ? { categories: [...r.categories] } : {}),
        ...(r.subresources?.length
          ? {
              subresources: [...r.subresources].sort().map((s) => {
                const shape = SUBRESOURCES[s];
                return {
                  subresource: s,
                  responseKind: { group: shape.group ?? '', version: shape.version ?? '', kind: shape.kind(r.kind) },
                  verbs: [...shape.verbs],
                };
              }),
            }
          : {}),
      })),
    freshness: 'Current',
  };
}

/**
 * The APIGroupDiscoveryList for /api (core: true, one nameless group) or /apis (every named group).
 * v2 and v2beta1 have the same shape; only apiVersion differs.
 */
export function apiGroupDiscoveryList(core: boolean, format: Exclude<DiscoveryFormat, 'legacy'> = 'aggregated-v2') {
  const items = groupVersions()
    .filter((gv) => (gv.group === '') === core)
    .map(({ group, versions }) => ({
      metadata: { ...(group ? { name: group } : {}), creationTimestamp: null },
      versions: versions.map((v) => discoveryVersion(group, v)),
    }));
  return {
    kind: 'APIGroupDiscoveryList',
    apiVersion: `${AGGREGATED_GROUP}/${format === 'aggregated-v2' ? 'v2' : 'v2beta1'}`,
    metadata: {},
    items,
  };
}
