import type { KubeObject } from '@keelson/apimachinery';
import { VolumeAction } from './actions';
import { reconcileStorage } from './reconcile';
import { DEFAULT_STORAGE_CLASS } from './storage-class';
import { AccessMode, PersistentVolume, PersistentVolumeClaim, StorageClass, StorageState } from './types';

const claim = (name: string, extra: { size?: string; modes?: AccessMode[]; cls?: string | null; volumeName?: string; annotations?: Record<string, string>; phase?: 'Pending' | 'Bound'; selector?: Record<string, string> } = {}): PersistentVolumeClaim => ({
  apiVersion: 'v1',
  kind: 'PersistentVolumeClaim',
  metadata: { name, namespace: 'default', uid: `uid-${name}`, creationTimestamp: '2025-01-01T00:00:00Z', ...(extra.annotations ? { annotations: extra.annotations } : {}) },
  spec: {
    accessModes: extra.modes ?? ['ReadWriteOnce'],
    resources: { requests: { storage: extra.size ?? '1Gi' } },
    ...(extra.cls === null ? {} : { storageClassName: extra.cls ?? 'manual' }),
    ...(extra.volumeName ? { volumeName: extra.volumeName } : {}),
    ...(extra.selector ? { selector: { matchLabels: extra.selector } } : {}),
  },
  ...(extra.phase ? { status: { phase: extra.phase } } : {}),
});
const volume = (name: string, extra: { size?: string; modes?: AccessMode[]; cls?: string; claimRef?: PersistentVolume['spec']['claimRef']; phase?: NonNullable<PersistentVolume['status']>['phase']; reclaim?: 'Retain' | 'Delete'; labels?: Record<string, string>; annotations?: Record<string, string> } = {}): PersistentVolume => ({
  apiVersion: 'v1',
  kind: 'PersistentVolume',
  metadata: { name, uid: `uid-${name}`, ...(extra.labels ? { labels: extra.labels } : {}), ...(extra.annotations ? { annotations: extra.annotations } : {}) },
  spec: { capacity: { storage: extra.size ?? '1Gi' }, accessModes: extra.modes ?? ['ReadWriteOnce'], storageClassName: extra.cls ?? 'manual', persistentVolumeReclaimPolicy: extra.reclaim ?? 'Retain', hostPath: { path: `/data/${name}` }, ...(extra.claimRef ? { claimRef: extra.claimRef } : {}) },
  status: { phase: extra.phase ?? 'Available' },
});
const node = (name: string): KubeObject => ({ apiVersion: 'v1', kind: 'Node', metadata: { name, labels: { 'kubernetes.io/hostname': name } }, status: { conditions: [{ type: 'Ready', status: 'True' }] } });
const state = (s: Partial<StorageState>): StorageState => ({ claims: [], volumes: [], classes: [], nodes: [node('n1')], ...s });
const refTo = (name: string) => ({ kind: 'PersistentVolumeClaim', apiVersion: 'v1', namespace: 'default', name, uid: `uid-${name}` });
const bound = (c: string, v: string, extra: Parameters<typeof volume>[1] = {}) => ({
  claim: { ...claim(c, { volumeName: v, annotations: { 'pv.kubernetes.io/bind-completed': 'yes', 'pv.kubernetes.io/bound-by-controller': 'yes' } }), status: { phase: 'Bound' as const, accessModes: ['ReadWriteOnce' as const], capacity: { storage: extra.size ?? '1Gi' } } },
  volume: volume(v, { claimRef: refTo(c), phase: 'Bound', annotations: { 'pv.kubernetes.io/bound-by-controller': 'yes' }, ...extra }),
});
const summary = (actions: VolumeAction[]) => actions.map((a) => (a.type === 'recordEvent' ? `event ${a.reason}` : a.type === 'createVolume' ? `createVolume ${a.volume.metadata.name}` : `${a.type} ${a.key.name}`));

describe('PersistentVolume binder', () => {
  it('nothing to do: a bound pair and an available volume', () => {
    const { claim: c, volume: v } = bound('data', 'pv-1');
    expect(reconcileStorage(state({ claims: [c], volumes: [v, volume('spare')] }))).toEqual([]);
  });

  it('binds a claim to the smallest fitting volume, filling both sides in Kubernetes order', () => {
    const volumes = [volume('big', { size: '10Gi' }), volume('small', { size: '2Gi' }), volume('tiny', { size: '500Mi' })];
    const actions = reconcileStorage(state({ claims: [claim('data', { phase: 'Pending' })], volumes }));
    expect(summary(actions)).toEqual(['updateVolume small', 'updateVolumeStatus small', 'updateClaim data', 'updateClaimStatus data']);
    const [pv, , pvc, status] = actions;
    expect(pv.type === 'updateVolume' && pv.volume).toMatchObject({ metadata: { annotations: { 'pv.kubernetes.io/bound-by-controller': 'yes' } }, spec: { claimRef: refTo('data') } });
    expect(pvc.type === 'updateClaim' && pvc.claim).toMatchObject({ metadata: { annotations: { 'pv.kubernetes.io/bind-completed': 'yes', 'pv.kubernetes.io/bound-by-controller': 'yes' } }, spec: { volumeName: 'small' } });
    expect(status).toMatchObject({ status: { phase: 'Bound', accessModes: ['ReadWriteOnce'], capacity: { storage: '2Gi' } } });
  });

  it.each([
    ['another class', volume('v', { cls: 'fast' })],
    ['too small', volume('v', { size: '512Mi' })],
    ['missing an access mode', volume('v', { modes: ['ReadOnlyMany'] })],
    ['labels the selector does not select', volume('v', { labels: { tier: 'cold' } })],
    ['already claimed by someone else', volume('v', { claimRef: refTo('other'), phase: 'Bound' })],
  ])('does not bind to a volume %s', (_, v) => {
    // given a claim selecting tier=hot and a volume that fits in every other way (labelled tier=hot unless told otherwise)
    const c = claim('data', { phase: 'Pending', selector: { tier: 'hot' } });
    const candidate = { ...v, metadata: { labels: { tier: 'hot' }, ...v.metadata } };
    // when the binder runs, then neither side is bound
    const actions = reconcileStorage(state({ claims: [c], volumes: [candidate] }));
    expect(actions.filter((a) => a.type === 'updateClaim' || a.type === 'updateVolume')).toEqual([]);
  });

  it('prefers a volume with fewer access modes over a smaller one with more', () => {
    const volumes = [volume('rwx', { modes: ['ReadWriteOnce', 'ReadWriteMany'], size: '1Gi' }), volume('rwo', { size: '5Gi' })];
    expect(summary(reconcileStorage(state({ claims: [claim('data', { phase: 'Pending' })], volumes })))[0]).toBe('updateVolume rwo');
  });

  it('gives two claims two different volumes in one pass', () => {
    const actions = reconcileStorage(state({ claims: [claim('a', { phase: 'Pending' }), claim('b', { phase: 'Pending' })], volumes: [volume('v1'), volume('v2')] }));
    expect(actions.filter((a) => a.type === 'updateClaim').map((a) => (a.type === 'updateClaim' ? a.claim.spec.volumeName : ''))).toEqual(['v1', 'v2']);
  });

  describe('phases after the claim is gone', () => {
    it.each([
      ['Retain: Released, and it stays so', 'Retain', {}, ['updateVolumeStatus pv-1']],
      ['Delete without a provisioner: Failed', 'Delete', {}, ['updateVolumeStatus pv-1']],
      ['Delete, provisioned: Released, left to the provisioner', 'Delete', { 'pv.kubernetes.io/provisioned-by': 'keelson.io/local-path' }, ['updateVolumeStatus pv-1']],
    ] as const)('%s', (_, reclaim, annotations, expected) => {
      const v = volume('pv-1', { claimRef: refTo('gone'), phase: 'Bound', reclaim, annotations });
      const actions = reconcileStorage(state({ volumes: [v] }));
      expect(summary(actions)).toEqual(expected);
      const phase = actions[0].type === 'updateVolumeStatus' ? actions[0].status.phase : undefined;
      expect(phase).toBe(reclaim === 'Delete' && !('pv.kubernetes.io/provisioned-by' in annotations) ? 'Failed' : 'Released');
    });

    it('a claim re-created under the same name is not the old one', () => {
      const v = volume('pv-1', { claimRef: { ...refTo('data'), uid: 'uid-old' }, phase: 'Bound' });
      expect(summary(reconcileStorage(state({ claims: [claim('data', { phase: 'Pending', cls: 'other' })], volumes: [v] })))).toContain('updateVolumeStatus pv-1');
    });

    it('a bound claim whose volume vanished is Lost', () => {
      const { claim: c } = bound('data', 'pv-1');
      expect(summary(reconcileStorage(state({ claims: [c] })))).toEqual(['updateClaimStatus data', 'event ClaimLost']);
    });
  });
});

describe('local-path dynamic provisioning', () => {
  const cls = DEFAULT_STORAGE_CLASS;
  const immediate: StorageClass = { ...cls, metadata: { name: 'now' }, volumeBindingMode: 'Immediate' };
  const handed = (extra: Record<string, string> = {}, className = 'standard') => claim('data', { cls: className, phase: 'Pending', annotations: { 'volume.kubernetes.io/storage-provisioner': 'keelson.io/local-path', 'volume.beta.kubernetes.io/storage-provisioner': 'keelson.io/local-path', ...extra } });

  it('gives a claim without a class the default class', () => {
    const actions = reconcileStorage(state({ claims: [claim('data', { cls: null })], classes: [cls] }));
    expect(actions).toEqual([{ type: 'updateClaim', key: { namespace: 'default', name: 'data', uid: 'uid-data' }, claim: expect.objectContaining({ spec: expect.objectContaining({ storageClassName: 'standard' }) }) }]);
  });

  it('WaitForFirstConsumer: waits for the scheduler to select a node', () => {
    expect(summary(reconcileStorage(state({ claims: [claim('data', { cls: 'standard' })], classes: [cls] })))).toEqual(['updateClaimStatus data', 'event WaitForFirstConsumer']);
    expect(reconcileStorage(state({ claims: [claim('data', { cls: 'standard', phase: 'Pending' })], classes: [cls] }))).toEqual([]);
  });

  it('once a node is selected, hands the claim to the provisioner, which creates a directory volume on that node', () => {
    const selected = { 'volume.kubernetes.io/selected-node': 'n2' };
    const n2 = { ...node('n2'), metadata: { ...node('n2').metadata, annotations: { 'keelson.io/local-path-root': '/srv/n2/storage' } } };
    const first = reconcileStorage(state({ claims: [claim('data', { cls: 'standard', phase: 'Pending', annotations: selected })], classes: [cls], nodes: [node('n1'), n2] }));
    expect(summary(first)).toEqual(['updateClaim data', 'event ExternalProvisioning']);

    const second = reconcileStorage(state({ claims: [handed(selected)], classes: [cls], nodes: [node('n1'), n2] }));
    expect(summary(second)).toEqual(['createVolume pvc-uid-data', 'event ProvisioningSucceeded']);
    const created = second[0].type === 'createVolume' ? second[0].volume : undefined;
    expect(created).toMatchObject({
      metadata: { name: 'pvc-uid-data', annotations: { 'pv.kubernetes.io/provisioned-by': 'keelson.io/local-path' }, finalizers: ['keelson.io/local-path-cleanup'] },
      spec: {
        capacity: { storage: '1Gi' },
        storageClassName: 'standard',
        persistentVolumeReclaimPolicy: 'Delete',
        claimRef: refTo('data'),
        hostPath: { path: '/srv/n2/storage/pvc-uid-data', type: 'DirectoryOrCreate' },
        nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['n2'] }] }] } },
      },
    });

    // then the binder binds the claim to the volume made for it
    const third = reconcileStorage(state({ claims: [handed(selected)], volumes: [{ ...created!, status: undefined }], classes: [cls], nodes: [node('n1'), n2] }));
    expect(summary(third)).toEqual(['updateVolumeStatus pvc-uid-data', 'updateClaim data', 'updateClaimStatus data']);
  });

  it('Immediate: provisions at once on a Ready node', () => {
    const actions = reconcileStorage(state({ claims: [handed({}, 'now')], classes: [immediate] }));
    expect(summary(actions)).toEqual(['createVolume pvc-uid-data', 'event ProvisioningSucceeded']);
  });

  it('refuses access modes a node-local directory cannot give', () => {
    const c = { ...handed({}, 'now'), spec: { ...handed({}, 'now').spec, accessModes: ['ReadWriteMany' as const] } };
    expect(summary(reconcileStorage(state({ claims: [c], classes: [immediate] })))).toEqual(['event ProvisioningFailed']);
  });

  describe('a released Delete volume', () => {
    const released = (extra: { deleting?: boolean; node?: string } = {}): PersistentVolume => {
      const v = volume('pvc-x', { reclaim: 'Delete', phase: 'Released', claimRef: refTo('gone'), cls: 'standard', annotations: { 'pv.kubernetes.io/provisioned-by': 'keelson.io/local-path' } });
      v.metadata.finalizers = ['keelson.io/local-path-cleanup'];
      if (extra.deleting) v.metadata.deletionTimestamp = '2025-01-01T00:00:00Z';
      v.spec.hostPath = { path: '/var/lib/keelson/storage/pvc-x', type: 'DirectoryOrCreate' };
      v.spec.nodeAffinity = { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [extra.node ?? 'n1'] }] }] } };
      return v;
    };
    it('is deleted, its finalizer left for the node agent that removes the directory', () => {
      expect(summary(reconcileStorage(state({ volumes: [released()] })))).toEqual(['deleteVolume pvc-x']);
    });
    it('nothing to do while its node agent cleans up', () => {
      expect(reconcileStorage(state({ volumes: [released({ deleting: true })] }))).toEqual([]);
    });
    it('loses its finalizer when its node is gone, as nothing is left to clean', () => {
      const actions = reconcileStorage(state({ volumes: [released({ deleting: true, node: 'gone-node' })] }));
      expect(actions).toEqual([{ type: 'updateVolume', key: expect.objectContaining({ name: 'pvc-x' }), volume: expect.objectContaining({ metadata: expect.objectContaining({ finalizers: [] }) }) }]);
    });
  });
});
