import type { KubeObject } from '@keelson/apimachinery';
import { namespaceConditions } from './conditions';
import { Namespace, NamespacedContent, reconcileNamespace } from './reconcile';

const NOW = new Date('2025-01-01T12:00:10Z');
const namespace = (extra: { deleting?: boolean; finalizers?: string[]; status?: Namespace['status'] } = {}): Namespace => ({
  apiVersion: 'v1',
  kind: 'Namespace',
  metadata: { name: 'team', uid: 'uid-team', ...(extra.deleting === false ? {} : { deletionTimestamp: '2025-01-01T12:00:00Z' }) },
  spec: { finalizers: extra.finalizers ?? ['kubernetes'] },
  status: extra.status ?? { phase: 'Terminating' },
});
const object = (kind: string, name: string, meta: Partial<KubeObject['metadata']> = {}): KubeObject => ({ apiVersion: 'v1', kind, metadata: { name, namespace: 'team', uid: `uid-${name}`, ...meta } });
const content = (plural: string, objects: KubeObject[], group = ''): NamespacedContent => ({ group, version: group ? 'v1' : 'v1', plural, objects });
const settled = (remaining: NamespacedContent[]) => ({ phase: 'Terminating' as const, conditions: namespaceConditions([], remaining, new Date('2025-01-01T12:00:00Z')) });

describe('namespace deletion', () => {
  it.each([
    ['an active namespace', namespace({ deleting: false })],
    ['a terminating namespace whose kubernetes finalizer is already gone', namespace({ finalizers: [] })],
  ])('nothing to do: %s', (_, ns) => {
    expect(reconcileNamespace(ns, [content('pods', [object('Pod', 'p')])], NOW)).toEqual([]);
  });

  it('given content of several kinds, when it terminates, then every collection is deleted and it looks again later', () => {
    const contents = [content('configmaps', [object('ConfigMap', 'cm')]), content('deployments', [object('Deployment', 'web')], 'apps'), content('secrets', [])];
    const actions = reconcileNamespace(namespace(), contents, NOW);
    expect(actions.filter((a) => a.type === 'deleteCollection')).toEqual([
      { type: 'deleteCollection', namespace: 'team', group: '', version: 'v1', plural: 'configmaps' },
      { type: 'deleteCollection', namespace: 'team', group: 'apps', version: 'v1', plural: 'deployments' },
    ]);
    expect(actions.at(-1)).toEqual({ type: 'requeueAfter', seconds: 5 });
  });

  it('reports what remains and which finalizers hold it in status conditions', () => {
    const contents = [content('pods', [object('Pod', 'a'), object('Pod', 'b', { finalizers: ['example.com/x'] })])];
    const update = reconcileNamespace(namespace(), contents, NOW).find((a) => a.type === 'updateNamespaceStatus');
    expect(update).toMatchObject({ status: { phase: 'Terminating' } });
    const conditions = update?.type === 'updateNamespaceStatus' ? update.status.conditions : [];
    expect(conditions?.find((c) => c.type === 'NamespaceContentRemaining')).toMatchObject({ status: 'True', reason: 'SomeResourcesRemain', message: 'Some resources are remaining: pods. has 2 resource instances' });
    expect(conditions?.find((c) => c.type === 'NamespaceFinalizersRemaining')).toMatchObject({ status: 'True', message: 'Some content in the namespace has finalizers remaining: example.com/x in 1 resource instances' });
  });

  it('given pods already terminating, when nothing else remains, then it sends no second delete and waits out their grace period', () => {
    // deletionTimestamp 12:00:30, now 12:00:10 → 20 s
    const contents = [content('pods', [object('Pod', 'slow', { deletionTimestamp: '2025-01-01T12:00:30Z' })])];
    const ns = namespace({ status: settled(contents) });
    expect(reconcileNamespace(ns, contents, NOW)).toEqual([{ type: 'requeueAfter', seconds: 20 }]);
  });

  it('given an empty namespace, when it terminates, then the kubernetes finalizer is removed through finalize, keeping others', () => {
    const ns = namespace({ finalizers: ['example.com/keep', 'kubernetes'], status: settled([]) });
    expect(reconcileNamespace(ns, [content('pods', [])], NOW)).toEqual([{ type: 'finalizeNamespace', name: 'team', uid: 'uid-team', finalizers: ['example.com/keep'] }]);
  });

  it('sets phase Terminating if the API server has not', () => {
    const actions = reconcileNamespace(namespace({ status: { phase: 'Active' } }), [], NOW);
    expect(actions.map((a) => a.type)).toEqual(['updateNamespaceStatus', 'finalizeNamespace']);
  });

  it('keeps a condition lastTransitionTime while its status does not change', () => {
    const old = namespaceConditions([], [], new Date('2025-01-01T11:00:00Z'));
    const again = namespaceConditions(old, [], NOW);
    expect(again).toEqual(old);
    const flipped = namespaceConditions(old, [content('pods', [object('Pod', 'late')])], NOW);
    expect(flipped.find((c) => c.type === 'NamespaceContentRemaining')?.lastTransitionTime).toBe('2025-01-01T12:00:10Z');
  });
});
