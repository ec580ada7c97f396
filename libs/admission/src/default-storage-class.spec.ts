import type { KubeObject } from '@keelson/apimachinery';
import { withDefaultStorageClass } from './default-storage-class';

const cls = (name: string, isDefault: boolean, created = '2026-01-01T00:00:00Z'): KubeObject => ({ apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name, creationTimestamp: created, annotations: isDefault ? { 'storageclass.kubernetes.io/is-default-class': 'true' } : {} } });
const claim = (spec: Record<string, unknown>, annotations?: Record<string, string>): KubeObject => ({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data', namespace: 'default', annotations }, spec });
const classOf = (o: KubeObject) => (o.spec as { storageClassName?: string }).storageClassName;

describe('DefaultStorageClass admission', () => {
  it('gives a claim without a class the default class', () => {
    expect(classOf(withDefaultStorageClass(claim({ accessModes: ['ReadWriteOnce'] }), [cls('fast', false), cls('standard', true)]))).toBe('standard');
  });
  it('picks the newest of two default classes', () => {
    expect(classOf(withDefaultStorageClass(claim({}), [cls('old', true, '2026-01-01T00:00:00Z'), cls('new', true, '2026-02-01T00:00:00Z')]))).toBe('new');
  });
  it.each([
    ['names a class', claim({ storageClassName: 'fast' }), 'fast'],
    ['asks for no class with ""', claim({ storageClassName: '' }), ''],
    ['names its class in the beta annotation', claim({}, { 'volume.beta.kubernetes.io/storage-class': 'fast' }), undefined],
  ])('leaves a claim that %s alone', (_, c, expected) => {
    expect(classOf(withDefaultStorageClass(c, [cls('standard', true)]))).toBe(expected);
  });
  it('does nothing when no class is marked default', () => {
    expect(classOf(withDefaultStorageClass(claim({}), [cls('standard', false)]))).toBeUndefined();
  });
});
