import type { KubeObject } from '@keelson/apimachinery';
import { localPathToClean, withoutLocalPathFinalizer } from './local-path';

const pv = (o: { deleting?: boolean; finalizers?: string[]; node?: string; path?: string } = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'PersistentVolume',
  metadata: { name: 'pvc-1', finalizers: o.finalizers ?? ['kubernetes.io/pv-protection', 'keelson.io/local-path-cleanup'], ...(o.deleting === false ? {} : { deletionTimestamp: '2026-01-01T00:00:00Z' }) },
  spec: {
    hostPath: { path: o.path ?? '/state/n1/storage/pvc-1' },
    nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [o.node ?? 'n1'] }] }] } },
  },
});

describe('local-path cleanup on the node', () => {
  it('removes the directory of a deleted volume of this node', () => {
    expect(localPathToClean(pv(), 'n1', '/state/n1/storage')).toBe('/state/n1/storage/pvc-1');
    expect(withoutLocalPathFinalizer(pv())).toEqual(['kubernetes.io/pv-protection']);
  });
  it.each([
    ['not being deleted', pv({ deleting: false })],
    ['without the finalizer (cleaned already)', pv({ finalizers: [] })],
    ['on another node', pv({ node: 'n2' })],
    ['whose path is not <root>/<name>', pv({ path: '/etc' })],
  ])('leaves alone a volume %s', (_, v) => {
    expect(localPathToClean(v, 'n1', '/state/n1/storage')).toBeUndefined();
  });
});
