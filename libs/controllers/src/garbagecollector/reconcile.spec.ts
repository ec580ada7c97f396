import type { OwnerReference } from '@keelson/apimachinery';
import { GcNode } from './graph';
import { describeGcAction, GcAction, reconcileGarbage } from './reconcile';

// given: a Deployment → ReplicaSet → Pod chain, each object named after its uid
const ref = (kind: string, name: string, extra: Partial<OwnerReference> = {}): OwnerReference => ({
  apiVersion: kind === 'Deployment' || kind === 'ReplicaSet' ? 'apps/v1' : 'v1',
  kind,
  name,
  uid: `uid-${name}`,
  controller: true,
  ...extra,
});
const obj = (kind: string, name: string, extra: Partial<GcNode> = {}): GcNode => ({
  apiVersion: kind === 'Deployment' || kind === 'ReplicaSet' ? 'apps/v1' : 'v1',
  kind,
  namespace: 'default',
  name,
  uid: `uid-${name}`,
  ownerReferences: [],
  finalizers: [],
  ...extra,
});
const DELETING = '2025-01-01T12:00:00Z';
const deploy = (extra: Partial<GcNode> = {}) => obj('Deployment', 'web', extra);
const rs = (extra: Partial<GcNode> = {}) => obj('ReplicaSet', 'web-1', { ownerReferences: [ref('Deployment', 'web', { blockOwnerDeletion: true })], ...extra });
const pod = (name: string, extra: Partial<GcNode> = {}) => obj('Pod', name, { ownerReferences: [ref('ReplicaSet', 'web-1', { blockOwnerDeletion: true })], ...extra });

const summary = (actions: GcAction[]) => actions.map(describeGcAction);

describe('garbage collector', () => {
  it('nothing to do: every owner is alive and no one is being deleted', () => {
    expect(reconcileGarbage([deploy(), rs(), pod('web-1-a'), pod('web-1-b'), obj('ConfigMap', 'standalone')])).toEqual([]);
  });

  describe('background deletion', () => {
    it.each([
      ['the owner was deleted: its dependents go, their own dependents wait for the next pass', [rs(), pod('web-1-a')], ['delete ReplicaSet default/web-1 (Background, ownersGone)']],
      ['a dependent with another live owner only loses the dangling reference', [obj('ConfigMap', 'other'), obj('Pod', 'shared', { ownerReferences: [ref('ReplicaSet', 'gone'), ref('ConfigMap', 'other', { controller: false })] })], ['remove ownerReferences uid-gone from Pod default/shared (dangling)']],
      ['an owner of the same name but another uid is not the owner', [obj('ReplicaSet', 'web-1', { uid: 'uid-reborn' }), pod('web-1-a')], ['delete Pod default/web-1-a (Background, ownersGone)']],
      ['an owner in another namespace does not count', [obj('ReplicaSet', 'web-1', { namespace: 'other' }), pod('web-1-a')], ['delete Pod default/web-1-a (Background, ownersGone)']],
      ['a cluster-scoped owner of a namespaced object counts', [obj('Node', 'n1', { namespace: '' }), obj('Lease', 'n1', { uid: 'uid-lease-n1', namespace: 'kube-node-lease', ownerReferences: [ref('Node', 'n1')] })], []],
      ['a dependent that already has an orphan finalizer is deleted orphaning its own dependents', [rs({ finalizers: ['orphan'] })], ['delete ReplicaSet default/web-1 (Orphan, ownersGone)']],
    ])('%s', (_, nodes, expected) => {
      expect(summary(reconcileGarbage(nodes))).toEqual(expected);
    });

    it('asks the shell to confirm the dangling owners are really gone before deleting', () => {
      const [action] = reconcileGarbage([rs()]);
      expect(action).toMatchObject({ type: 'deleteObject', target: { kind: 'ReplicaSet', name: 'web-1', uid: 'uid-web-1' }, verifyOwnersAbsent: [{ kind: 'Deployment', uid: 'uid-web' }] });
    });
  });

  describe('foreground deletion', () => {
    const dying = deploy({ deletionTimestamp: DELETING, finalizers: ['foregroundDeletion'] });

    it('deletes the dependents, in the foreground when they have dependents of their own', () => {
      expect(summary(reconcileGarbage([dying, rs(), pod('web-1-a')]))).toEqual(['delete ReplicaSet default/web-1 (Foreground, ownerDeletingInForeground)']);
    });

    it('keeps the finalizer while a blocking dependent still exists, even one already terminating', () => {
      const rsDying = rs({ deletionTimestamp: DELETING, finalizers: ['foregroundDeletion'] });
      const terminatingPod = pod('web-1-a', { deletionTimestamp: DELETING });
      expect(summary(reconcileGarbage([dying, rsDying, terminatingPod]))).toEqual([]);
    });

    it('removes the finalizer once no blocking dependent is left', () => {
      expect(summary(reconcileGarbage([dying]))).toEqual(['remove finalizer foregroundDeletion from Deployment default/web']);
    });

    it('does not wait for dependents without blockOwnerDeletion, but still deletes them', () => {
      const loose = obj('ConfigMap', 'loose', { ownerReferences: [ref('Deployment', 'web')] });
      expect(summary(reconcileGarbage([dying, loose]))).toEqual([
        'remove finalizer foregroundDeletion from Deployment default/web',
        'delete ConfigMap default/loose (Background, ownerDeletingInForeground)',
      ]);
    });

    it('releases a dependent that another live owner keeps, so the owner can finish', () => {
      const shared = obj('ConfigMap', 'shared', { ownerReferences: [ref('Deployment', 'web', { blockOwnerDeletion: true }), ref('ConfigMap', 'keeper', { controller: false })] });
      expect(summary(reconcileGarbage([dying, shared, obj('ConfigMap', 'keeper')]))).toEqual(['remove ownerReferences uid-web from ConfigMap default/shared (ownerDeletingInForeground)']);
    });
  });

  describe('orphan deletion', () => {
    const orphaning = deploy({ deletionTimestamp: DELETING, finalizers: ['orphan'] });

    it('removes the reference from every dependent, then the finalizer', () => {
      const other = rs({ name: 'web-2', uid: 'uid-web-2' });
      expect(summary(reconcileGarbage([orphaning, rs(), other]))).toEqual([
        'remove ownerReferences uid-web from ReplicaSet default/web-1 (orphaned)',
        'remove ownerReferences uid-web from ReplicaSet default/web-2 (orphaned)',
        'remove finalizer orphan from Deployment default/web',
      ]);
    });

    it('with no dependents left only removes the finalizer, and leaves grandchildren alone', () => {
      expect(summary(reconcileGarbage([orphaning, obj('ReplicaSet', 'web-1'), pod('web-1-a')]))).toEqual(['remove finalizer orphan from Deployment default/web']);
    });
  });

  it('leaves an object being deleted without GC finalizers alone (the API server finishes it)', () => {
    expect(reconcileGarbage([deploy({ deletionTimestamp: DELETING, finalizers: ['example.com/cleanup'] })])).toEqual([]);
  });
});
