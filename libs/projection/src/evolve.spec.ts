import type { LogEntry } from '@keelson/eventlog';
import { evolve, foldBatch } from './evolve';

const entry = (seq: number, type: LogEntry['type'], name = 'web-0', extra: Record<string, unknown> = {}): LogEntry => ({
  seq,
  type,
  subject: `keelson.obj.pods.default.${name}`,
  actor: 'user:test',
  time: '2026-11-26T10:00:00.000Z',
  object: { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', uid: 'u1', labels: { app: 'web' }, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'web', uid: 'owner-1' }] }, ...extra },
});

describe('evolve', () => {
  it('given nothing, when an object is created, then its row carries the entry sequence as rv (the history row holding its object)', () => {
    const created = entry(7, 'Created', 'web-0', { spec: { nodeName: 'node-1' }, status: { phase: 'Running' } });
    const row = evolve(null, created)!;
    expect(row).toMatchObject({ resource: 'pods', namespace: 'default', name: 'web-0', rv: 7, labels: { app: 'web' }, ownerUids: ['owner-1'], nodeName: 'node-1', phase: 'Running' });
    expect(row.object).toEqual(created.object); // stored as the log holds it
  });

  it('given a row, when a tombstone arrives, then the row is gone', () => {
    expect(evolve(evolve(null, entry(1, 'Created')), entry(2, 'Deleted'))).toBeNull();
  });

  it('given a newer row, when an older entry is delivered again, then nothing changes', () => {
    const row = evolve(null, entry(5, 'Updated'));
    expect(evolve(row, entry(3, 'Created'))).toBe(row);
  });

  it('reads cluster-scoped and dotted names back from the subject', () => {
    const e = { ...entry(1, 'Created'), subject: 'keelson.obj.storageclasses_storage_k8s_io._.local~path' };
    expect(evolve(null, e)).toMatchObject({ resource: 'storageclasses_storage_k8s_io', namespace: '', name: 'local.path' });
  });

  it('folds a batch to the last state per object', () => {
    const folded = foldBatch([entry(1, 'Created', 'a'), entry(2, 'Created', 'b'), entry(3, 'Deleted', 'a')]);
    expect(folded.get('keelson.obj.pods.default.a')!.row).toBeNull();
    expect(folded.get('keelson.obj.pods.default.b')!.row!.rv).toBe(2);
  });
});
