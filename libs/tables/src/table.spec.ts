import { KubeObject } from '@keelson/apimachinery';
import { toTable } from './table';

const now = new Date('2025-01-10T12:00:00Z');
const pod: KubeObject = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web', namespace: 'default', uid: 'u-1', resourceVersion: '42', creationTimestamp: '2025-01-10T11:59:00Z', labels: { app: 'web' } },
  spec: { containers: [{ name: 'app', image: 'nginx' }] },
  status: { phase: 'Pending' },
};

describe('toTable', () => {
  it('given pods and includeObject=Metadata (kubectl\'s default), then a meta.k8s.io/v1 Table with PartialObjectMetadata rows', () => {
    const table = toTable('pods', '', [pod], { includeObject: 'Metadata', now, resourceVersion: '99' });
    expect(table).toMatchObject({ kind: 'Table', apiVersion: 'meta.k8s.io/v1', metadata: { resourceVersion: '99' } });
    expect(table.columnDefinitions[0]).toMatchObject({ name: 'Name', type: 'string', format: 'name', priority: 0 });
    expect(table.rows).toEqual([
      {
        cells: ['web', '0/1', 'Pending', '0', '60s', '<none>', '<none>', '<none>', '<none>'],
        object: { apiVersion: 'meta.k8s.io/v1', kind: 'PartialObjectMetadata', metadata: pod.metadata },
      },
    ]);
  });

  it('given includeObject=Object, then each row carries the whole object; None, no object at all', () => {
    expect(toTable('pods', '', [pod], { includeObject: 'Object', now }).rows[0].object).toBe(pod);
    expect(toTable('pods', '', [pod], { includeObject: 'None', now }).rows[0]).not.toHaveProperty('object');
  });

  it('given a continue token and remaining count, then they are in the list metadata', () => {
    expect(toTable('pods', '', [], { includeObject: 'None', now, resourceVersion: '7', continue: 'abc', remainingItemCount: 3 }).metadata).toEqual({ resourceVersion: '7', continue: 'abc', remainingItemCount: 3 });
  });

  it('given the same plural in another group, then the group decides the printer', () => {
    expect(toTable('deployments', 'apps', [], { includeObject: 'None', now }).columnDefinitions.map((c) => c.name)).toContain('Up-to-date');
    expect(toTable('deployments', 'example.com', [], { includeObject: 'None', now }).columnDefinitions.map((c) => c.name)).toEqual(['Name', 'Created At']);
  });

  it('given a kind without a printer, then the default table: Name and Created At as an RFC 3339 date', () => {
    const crd: KubeObject = { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'widgets.example.com', creationTimestamp: '2025-01-02T03:04:05.000Z' } };
    const table = toTable('customresourcedefinitions', 'apiextensions.k8s.io', [crd], { includeObject: 'None', now });
    expect(table.columnDefinitions.map((c) => [c.name, c.type])).toEqual([['Name', 'string'], ['Created At', 'date']]);
    expect(table.rows[0].cells).toEqual(['widgets.example.com', '2025-01-02T03:04:05Z']);
  });

  it('given a succeeded pod, then its row carries the Completed condition', () => {
    const done = { ...pod, status: { phase: 'Succeeded' } };
    expect(toTable('pods', '', [done], { includeObject: 'None', now }).rows[0].conditions).toEqual([expect.objectContaining({ type: 'Completed', reason: 'Succeeded' })]);
  });
});
