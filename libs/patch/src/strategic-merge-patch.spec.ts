import { StatusError } from '@keelson/apimachinery';
import { patchMetaFor } from './meta/kubernetes-types';
import { applyStrategicMergePatch } from './strategic-merge-patch';

const podMeta = patchMetaFor('', 'Pod');
const pod = (): any => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p', labels: { app: 'web' }, finalizers: ['a', 'b'] },
  spec: {
    containers: [
      { name: 'main', image: 'nginx:1', ports: [{ containerPort: 80, protocol: 'TCP' }], env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }] },
      { name: 'side', image: 'envoy' },
    ],
    volumes: [{ name: 'data', emptyDir: {} }],
    tolerations: [{ key: 'k', operator: 'Exists' }],
  },
});
const patched = (patch: unknown) => applyStrategicMergePatch(pod(), patch, podMeta) as any;
const names = (list: { name: string }[]) => list.map((c) => c.name);

function failure(fn: () => unknown): StatusError {
  try {
    fn();
  } catch (e) {
    if (e instanceof StatusError) return e;
    throw e;
  }
  throw new Error('expected a StatusError');
}

describe('applyStrategicMergePatch: lists', () => {
  it('given containers merged by name, when one container is patched, then only its fields change and the other stays', () => {
    const out = patched({ spec: { containers: [{ name: 'side', image: 'envoy:2' }] } });
    expect(out.spec.containers).toEqual([pod().spec.containers[0], { name: 'side', image: 'envoy:2' }]);
  });

  it('given a new container, when merged, then it is added (before server-only items, as Kubernetes orders without $setElementOrder)', () => {
    expect(names(patched({ spec: { containers: [{ name: 'new', image: 'x' }] } }).spec.containers)).toEqual(['new', 'main', 'side']);
  });

  it.each([
    ['env by name', { env: [{ name: 'B', value: '3' }] }, (c: any) => c.env, [{ name: 'A', value: '1' }, { name: 'B', value: '3' }]],
    ['ports by containerPort', { ports: [{ containerPort: 80, name: 'http' }] }, (c: any) => c.ports, [{ containerPort: 80, protocol: 'TCP', name: 'http' }]],
  ])('given %s, when one element is patched, then it merges into the match', (_n, containerPatch, read, expected) => {
    expect(read(patched({ spec: { containers: [{ name: 'main', ...containerPatch }] } }).spec.containers[0])).toEqual(expected);
  });

  it('given tolerations, which are atomic, when patched, then the list is replaced', () => {
    expect(patched({ spec: { tolerations: [{ key: 'z', operator: 'Exists' }] } }).spec.tolerations).toEqual([{ key: 'z', operator: 'Exists' }]);
  });

  it('given finalizers, a merged list of primitives, when new ones are patched, then they are added once', () => {
    expect(patched({ metadata: { finalizers: ['b', 'c'] } }).metadata.finalizers).toEqual(['a', 'b', 'c']);
  });
});

describe('applyStrategicMergePatch: directives', () => {
  it.each([
    ['$patch: delete on a list element removes it', { spec: { containers: [{ name: 'side', $patch: 'delete' }] } }, (o: any) => names(o.spec.containers), ['main']],
    ['$patch: replace in a list replaces the list', { spec: { containers: [{ name: 'only', image: 'x' }, { $patch: 'replace' }] } }, (o: any) => o.spec.containers, [{ name: 'only', image: 'x' }]],
    ['$patch: replace on a map replaces the map', { metadata: { labels: { $patch: 'replace', tier: 'db' } } }, (o: any) => o.metadata.labels, { tier: 'db' }],
    ['$patch: delete on a map empties it', { metadata: { labels: { $patch: 'delete' } } }, (o: any) => o.metadata.labels, {}],
    ['$deleteFromPrimitiveList removes values', { metadata: { '$deleteFromPrimitiveList/finalizers': ['a'] } }, (o: any) => o.metadata.finalizers, ['b']],
    [
      '$setElementOrder orders the merged list',
      { spec: { '$setElementOrder/containers': [{ name: 'side' }, { name: 'main' }], containers: [{ name: 'side', image: 'envoy:2' }] } },
      (o: any) => o.spec.containers.map((c: any) => `${c.name}=${c.image}`),
      ['side=envoy:2', 'main=nginx:1'],
    ],
    [
      '$retainKeys drops the keys not listed (volume source switch)',
      { spec: { volumes: [{ $retainKeys: ['name', 'secret'], name: 'data', secret: { secretName: 's' } }] } },
      (o: any) => o.spec.volumes,
      [{ name: 'data', secret: { secretName: 's' } }],
    ],
    ['null deletes a field', { spec: { tolerations: null }, metadata: { labels: { app: null } } }, (o: any) => [o.spec.tolerations, o.metadata.labels], [undefined, {}]],
  ])('%s', (_n, patch, read, expected) => {
    expect(read(patched(patch))).toEqual(expected);
  });

  it('given a Deployment strategy (retainKeys), when switched to Recreate as kubectl sends it, then rollingUpdate is gone', () => {
    const d = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' }, spec: { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1 } } } };
    const out = applyStrategicMergePatch(d, { spec: { strategy: { $retainKeys: ['type'], rollingUpdate: null, type: 'Recreate' } } }, patchMetaFor('apps', 'Deployment')) as any;
    expect(out.spec.strategy).toEqual({ type: 'Recreate' });
  });

  it.each([
    ['an element without its merge key', { spec: { containers: [{ image: 'x' }] } }, 500],
    ['an unknown $patch value', { metadata: { labels: { $patch: 'explode' } } }, 500],
    ['patch content outside $retainKeys', { spec: { volumes: [{ $retainKeys: ['name'], name: 'data', secret: {} }] } }, 422],
    ['a body that is not an object', ['x'], 400],
  ])('given %s, then it fails with %s', (_n, patch, code) => {
    expect(failure(() => patched(patch)).code).toBe(code);
  });
});

describe('applyStrategicMergePatch: purity', () => {
  it('never mutates the object or the patch', () => {
    const input = pod();
    const patch = { metadata: { labels: { $patch: 'replace', x: 'y' } }, spec: { '$setElementOrder/containers': [{ name: 'main' }], containers: [{ name: 'side', $patch: 'delete' }] } };
    const copy = JSON.parse(JSON.stringify(patch));
    applyStrategicMergePatch(input, patch, podMeta);
    expect(input).toEqual(pod());
    expect(patch).toEqual(copy);
  });
});
