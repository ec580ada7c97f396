import { apiGroup, apiGroupList, apiResourceList, apiVersions, storageVersionHash } from './discovery';
import { apiGroupDiscoveryList, negotiateDiscovery } from './aggregated-discovery';
import { RESOURCES } from '@keelson/resources';

const KUBECTL_ACCEPT = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json';

describe('negotiateDiscovery', () => {
  it.each([
    [KUBECTL_ACCEPT, 'aggregated-v2'],
    ['application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json', 'aggregated-v2beta1'],
    ['application/json', 'legacy'],
    [undefined, 'legacy'],
    ['application/vnd.kubernetes.protobuf;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json', 'legacy'],
    ['application/json;g=apidiscovery.k8s.io;v=v3;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList', 'aggregated-v2'],
    ['*/*', 'legacy'],
  ])('given Accept %s, then it serves %s', (accept, expected) => {
    expect(negotiateDiscovery(accept)).toBe(expected);
  });
});

describe('legacy discovery', () => {
  it('/api names only v1', () => {
    expect(apiVersions()).toMatchObject({ kind: 'APIVersions', versions: ['v1'] });
  });

  it('/api/v1 lists pods with short names, categories, every verb and its subresources', () => {
    const list = apiResourceList('', 'v1')!;
    const byName = Object.fromEntries(list.resources.map((r) => [r.name, r]));
    expect(byName.pods).toMatchObject({ singularName: 'pod', namespaced: true, kind: 'Pod', shortNames: ['po'], categories: ['all'], verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'] });
    expect(byName['pods/binding']).toMatchObject({ kind: 'Binding', verbs: ['create'] });
    expect(byName['pods/log']).toMatchObject({ kind: 'Pod', verbs: ['get'] });
    expect(byName['pods/exec']).toMatchObject({ kind: 'PodExecOptions', verbs: ['create', 'get'] });
    expect(byName['pods/eviction']).toMatchObject({ group: 'policy', version: 'v1', kind: 'Eviction', verbs: ['create'] });
    expect(byName['pods/status']).toMatchObject({ kind: 'Pod', verbs: ['get', 'patch', 'update'] });
    expect(byName.namespaces.namespaced).toBe(false);
  });

  it('deployments/scale answers with autoscaling/v1 Scale', () => {
    const scale = apiResourceList('apps', 'v1')!.resources.find((r) => r.name === 'deployments/scale');
    expect(scale).toEqual({ name: 'deployments/scale', singularName: '', namespaced: true, group: 'autoscaling', version: 'v1', kind: 'Scale', verbs: ['get', 'patch', 'update'] });
  });

  it('an unserved group version has no list, an unserved group no APIGroup', () => {
    expect(apiResourceList('apps', 'v1beta1')).toBeUndefined();
    expect(apiGroup('example.com')).toBeUndefined();
  });

  it('/apis lists batch with v1 preferred over v1beta1', () => {
    const batch = apiGroupList().groups.find((g) => g.name === 'batch');
    expect(batch).toEqual({
      name: 'batch',
      versions: [{ groupVersion: 'batch/v1', version: 'v1' }, { groupVersion: 'batch/v1beta1', version: 'v1beta1' }],
      preferredVersion: { groupVersion: 'batch/v1', version: 'v1' },
    });
    expect(apiGroupList().groups.some((g) => g.name === '')).toBe(false);
  });

  it('storage version hashes are stable and differ per resource', () => {
    const hashes = RESOURCES.map(storageVersionHash);
    expect(new Set(hashes).size).toBe(RESOURCES.length);
    expect(storageVersionHash(RESOURCES[0])).toBe(storageVersionHash(RESOURCES[0]));
    expect(hashes[0]).toMatch(/^[A-Za-z0-9+/]{11}=$/);
  });
});

describe('aggregated discovery', () => {
  it('/api holds one nameless core group', () => {
    const list = apiGroupDiscoveryList(true);
    expect(list.apiVersion).toBe('apidiscovery.k8s.io/v2');
    expect(list.items).toHaveLength(1);
    expect(list.items[0].metadata).toEqual({ creationTimestamp: null });
    const pods = list.items[0].versions[0].resources.find((r) => r.resource === 'pods')!;
    expect(pods).toMatchObject({ scope: 'Namespaced', singularResource: 'pod', shortNames: ['po'], responseKind: { group: '', version: '', kind: 'Pod' } });
    expect(pods.subresources).toContainEqual({ subresource: 'eviction', responseKind: { group: 'policy', version: 'v1', kind: 'Eviction' }, verbs: ['create'] });
  });

  it('/apis in v2beta1 lists the named groups, v1beta1 batch with cronjobs only', () => {
    const list = apiGroupDiscoveryList(false, 'aggregated-v2beta1');
    expect(list.apiVersion).toBe('apidiscovery.k8s.io/v2beta1');
    const batch = list.items.find((i) => i.metadata.name === 'batch')!;
    expect(batch.versions.map((v) => v.version)).toEqual(['v1', 'v1beta1']);
    expect(batch.versions[1].resources.map((r) => r.resource)).toEqual(['cronjobs']);
    const scale = list.items.find((i) => i.metadata.name === 'apps')!.versions[0].resources.find((r) => r.resource === 'deployments')!.subresources!.find((s) => s.subresource === 'scale');
    expect(scale).toEqual({ subresource: 'scale', responseKind: { group: 'autoscaling', version: 'v1', kind: 'Scale' }, verbs: ['get', 'patch', 'update'] });
  });
});
