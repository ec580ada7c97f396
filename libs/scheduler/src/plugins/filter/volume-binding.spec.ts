import type { KubeObject } from '@keelson/apimachinery';
import { claimsToSelectNode, VolumeBinding } from './volume-binding';
import { nodeOf, podOf, snapshotOf, verdicts, type SnapshotExtras } from './testing';

const CONFLICT = 'UnschedulableAndUnresolvable: node(s) had volume node affinity conflict';
const BIND_CONFLICT = "UnschedulableAndUnresolvable: node(s) didn't find available persistent volumes to bind";

const pvc = (name: string, spec: Record<string, unknown> = {}, meta: Record<string, unknown> = {}, status: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'PersistentVolumeClaim',
  metadata: { name, namespace: 'default', uid: `uid-${name}`, ...meta },
  spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, ...spec },
  status,
});
const bound = (name: string, volumeName: string) => pvc(name, { volumeName, storageClassName: 'standard' }, {}, { phase: 'Bound' });
const pinnedTo = (host: string) => ({ required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [host] }] }] } });
const pv = (name: string, spec: Record<string, unknown> = {}, phase = 'Available'): KubeObject => ({
  apiVersion: 'v1',
  kind: 'PersistentVolume',
  metadata: { name },
  spec: { capacity: { storage: '5Gi' }, accessModes: ['ReadWriteOnce'], ...spec },
  status: { phase },
});
const storageClass = (name: string, provisioner: string, mode: string, extra: Record<string, unknown> = {}): KubeObject => ({ apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name }, provisioner, volumeBindingMode: mode, ...extra });
const classes = [
  storageClass('standard', 'rancher.io/local-path', 'WaitForFirstConsumer'),
  storageClass('fast', 'example.com/csi', 'Immediate'),
  storageClass('manual', 'kubernetes.io/no-provisioner', 'WaitForFirstConsumer'),
  storageClass('zonal', 'example.com/csi', 'WaitForFirstConsumer', { allowedTopologies: [{ matchLabelExpressions: [{ key: 'zone', values: ['a'] }] }] }),
];
const using = (...claims: string[]) => podOf('p', { volumes: claims.map((claimName, i) => ({ name: `v${i}`, persistentVolumeClaim: { claimName } })) });
const nodes = () => [nodeOf('n1', { labels: { zone: 'a' } }), nodeOf('n2', { labels: { zone: 'b' } })];
const run = (pod: ReturnType<typeof podOf>, x: SnapshotExtras) => verdicts(VolumeBinding, pod, snapshotOf(nodes(), { storageClasses: classes, ...x }));

describe('VolumeBinding filter', () => {
  it.each([
    { given: 'a claim that does not exist', pod: using('data'), x: {}, then: 'UnschedulableAndUnresolvable: persistentvolumeclaim "data" not found' },
    { given: 'a claim being deleted', pod: using('data'), x: { pvcs: [pvc('data', {}, { deletionTimestamp: '2024-01-01T00:00:00Z' })] }, then: 'UnschedulableAndUnresolvable: persistentvolumeclaim "data" is being deleted' },
    { given: 'an unbound claim of an Immediate class', pod: using('data'), x: { pvcs: [pvc('data', { storageClassName: 'fast' })] }, then: 'UnschedulableAndUnresolvable: pod has unbound immediate PersistentVolumeClaims' },
    { given: 'an unbound claim with no class', pod: using('data'), x: { pvcs: [pvc('data')] }, then: 'UnschedulableAndUnresolvable: pod has unbound immediate PersistentVolumeClaims' },
    { given: 'an ephemeral volume whose claim is not created yet', pod: podOf('p', { volumes: [{ name: 'scratch', ephemeral: { volumeClaimTemplate: {} } }] }), x: {}, then: 'UnschedulableAndUnresolvable: waiting for ephemeral volume controller to create the persistentvolumeclaim "p-scratch"' },
  ])('given $given, then every node says $then', ({ pod, x, then }) => {
    expect(run(pod, x)).toEqual({ n1: then, n2: then });
  });

  it.each([
    { given: 'a WaitForFirstConsumer claim of the local-path class', x: { pvcs: [pvc('data', { storageClassName: 'standard' })] }, then: { n1: 'Success', n2: 'Success' } },
    { given: 'a bound claim whose PV is pinned to n1', x: { pvcs: [bound('data', 'pv1')], pvs: [pv('pv1', { nodeAffinity: pinnedTo('n1') }, 'Bound')] }, then: { n1: 'Success', n2: CONFLICT } },
    { given: 'a bound claim whose PV has no node affinity', x: { pvcs: [bound('data', 'pv1')], pvs: [pv('pv1', {}, 'Bound')] }, then: { n1: 'Success', n2: 'Success' } },
    {
      given: 'a bound claim whose PV is gone',
      x: { pvcs: [bound('data', 'pv1')] },
      then: { n1: 'UnschedulableAndUnresolvable: node(s) unavailable due to one or more pvc(s) bound to non-existent pv(s)', n2: 'UnschedulableAndUnresolvable: node(s) unavailable due to one or more pvc(s) bound to non-existent pv(s)' },
    },
    { given: 'a no-provisioner claim with a fitting local PV on n2', x: { pvcs: [pvc('data', { storageClassName: 'manual' })], pvs: [pv('local', { storageClassName: 'manual', nodeAffinity: pinnedTo('n2') })] }, then: { n1: BIND_CONFLICT, n2: 'Success' } },
    { given: 'a no-provisioner claim and only a too-small PV', x: { pvcs: [pvc('data', { storageClassName: 'manual', resources: { requests: { storage: '10Gi' } } })], pvs: [pv('local', { storageClassName: 'manual' })] }, then: { n1: BIND_CONFLICT, n2: BIND_CONFLICT } },
    { given: 'a no-provisioner claim and a PV already claimed by another', x: { pvcs: [pvc('data', { storageClassName: 'manual' })], pvs: [pv('local', { storageClassName: 'manual', claimRef: { namespace: 'default', name: 'other' } }, 'Bound')] }, then: { n1: BIND_CONFLICT, n2: BIND_CONFLICT } },
    { given: 'a class whose allowedTopologies is zone a', x: { pvcs: [pvc('data', { storageClassName: 'zonal' })] }, then: { n1: 'Success', n2: BIND_CONFLICT } },
  ])('given $given, then $then', ({ x, then }) => {
    expect(run(using('data'), x)).toEqual(then);
  });

  it('given two no-provisioner claims and one fitting PV, then the second claim cannot share it', () => {
    const x = { pvcs: [pvc('a', { storageClassName: 'manual' }), pvc('b', { storageClassName: 'manual' })], pvs: [pv('only', { storageClassName: 'manual' })] };
    expect(run(using('a', 'b'), x)).toEqual({ n1: BIND_CONFLICT, n2: BIND_CONFLICT });
  });

  it('given a pod without claims, then PreFilter skips', () => {
    expect(VolumeBinding.preFilter({ state: new Map(), snapshot: snapshotOf(nodes()) }, podOf('p', { volumes: [{ name: 'tmp', emptyDir: {} }] }))).toEqual({ code: 'Skip' });
  });

  describe('PreBind: the node for WaitForFirstConsumer claims', () => {
    const snapshot = (...claims: KubeObject[]) => snapshotOf(nodes(), { storageClasses: classes, pvcs: claims, pvs: [pv('pv1', {}, 'Bound')] });
    const names = (claims: KubeObject[]) => claims.map((c) => c.metadata.name);
    it('given an unbound local-path claim, then it is annotated with the chosen node', () => {
      expect(names(claimsToSelectNode(snapshot(pvc('data', { storageClassName: 'standard' })), using('data'), 'n2'))).toEqual(['data']);
    });
    it('given a bound claim, or one already annotated with the chosen node, then nothing to do', () => {
      const annotated = pvc('data', { storageClassName: 'standard' }, { annotations: { 'volume.kubernetes.io/selected-node': 'n2' } });
      expect(claimsToSelectNode(snapshot(annotated, bound('www', 'pv1')), using('data', 'www'), 'n2')).toEqual([]);
    });
  });
});
