// The built-in local-path provisioner (the k3s idea): a claim handed to `keelson.io/local-path`
// gets a PersistentVolume that is a directory on one node, `<root>/<pv-name>` where root is the
// node's `keelson.io/local-path-root` annotation (its agent's state directory) or
// /var/lib/keelson/storage, of type hostPath (DirectoryOrCreate: the node agent creates it at
// first mount) with a required node affinity for that node, so the scheduler puts every
// consumer there.
//
//   WaitForFirstConsumer  provision only once the scheduler has written the pod's node into the
//                         claim's `volume.kubernetes.io/selected-node` annotation
//   Immediate             provision at once on the Ready node holding the fewest local-path volumes
//
// When a provisioned volume is Released with reclaim policy Delete, the PV object is deleted;
// its finalizer keeps it until the node agent holding the directory has removed it (k3s runs a
// helper pod on the node for this). A volume whose node is gone has nothing left to clean.

import { KubeObject } from '@keelson/apimachinery';
import { keyOf } from '../common/actions';
import { VolumeAction } from './actions';
import { ANN_LOCAL_PATH_ROOT, LOCAL_PATH_FINALIZER, LOCAL_PATH_PROVISIONER, LOCAL_PATH_ROOT } from './storage-class';
import { ANN_PROVISIONED_BY, ANN_SELECTED_NODE, ANN_STORAGE_PROVISIONER, claimClass, PersistentVolume, PersistentVolumeClaim, StorageState } from './types';

const HOSTNAME_LABEL = 'kubernetes.io/hostname';

/** Kubernetes' external provisioners name a volume after its claim's uid. */
export const provisionedVolumeName = (claim: PersistentVolumeClaim): string => `pvc-${claim.metadata.uid}`;

export function provisionClaim(claim: PersistentVolumeClaim, state: StorageState): VolumeAction[] {
  if (claim.metadata.deletionTimestamp || claim.spec.volumeName) return [];
  if (claim.metadata.annotations?.[ANN_STORAGE_PROVISIONER] !== LOCAL_PATH_PROVISIONER) return [];
  const cls = state.classes.find((c) => c.metadata.name === claimClass(claim));
  if (!cls || cls.provisioner !== LOCAL_PATH_PROVISIONER) return [];
  const name = provisionedVolumeName(claim);
  if (state.volumes.some((v) => v.metadata.name === name)) return []; // already done; the binder binds it

  const fail = (message: string): VolumeAction[] => [{ type: 'recordEvent', key: keyOf(claim), kind: 'PersistentVolumeClaim', eventType: 'Warning', reason: 'ProvisioningFailed', message }];
  const modes = claim.spec.accessModes ?? [];
  if (modes.some((m) => m !== 'ReadWriteOnce' && m !== 'ReadWriteOncePod')) return fail('local-path volumes only support ReadWriteOnce and ReadWriteOncePod access modes');

  const selected = claim.metadata.annotations?.[ANN_SELECTED_NODE];
  let node: KubeObject | undefined;
  if (cls.volumeBindingMode === 'WaitForFirstConsumer') {
    if (!selected) return []; // the scheduler has not picked a node yet
    node = state.nodes.find((n) => n.metadata.name === selected);
    if (!node) return fail(`selected node "${selected}" not found`);
  } else {
    node = leastLoadedReadyNode(state);
    if (!node) return fail('no Ready node to provision a local-path volume on');
  }

  const nodeName = node.metadata.name ?? '';
  const volume: PersistentVolume = {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name, annotations: { [ANN_PROVISIONED_BY]: LOCAL_PATH_PROVISIONER }, finalizers: [LOCAL_PATH_FINALIZER] },
    spec: {
      capacity: { storage: claim.spec.resources?.requests?.storage ?? '0' },
      accessModes: modes,
      storageClassName: cls.metadata.name,
      persistentVolumeReclaimPolicy: cls.reclaimPolicy ?? 'Delete',
      volumeMode: claim.spec.volumeMode ?? 'Filesystem',
      ...(cls.mountOptions ? { mountOptions: cls.mountOptions } : {}),
      // Pre-bound: the binder matches it to this claim first.
      claimRef: { kind: 'PersistentVolumeClaim', apiVersion: 'v1', namespace: claim.metadata.namespace, name: claim.metadata.name, uid: claim.metadata.uid, resourceVersion: claim.metadata.resourceVersion },
      hostPath: { path: `${node.metadata.annotations?.[ANN_LOCAL_PATH_ROOT] ?? LOCAL_PATH_ROOT}/${name}`, type: 'DirectoryOrCreate' },
      nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: HOSTNAME_LABEL, operator: 'In', values: [node.metadata.labels?.[HOSTNAME_LABEL] ?? nodeName] }] }] } },
    },
  };
  return [
    { type: 'createVolume', volume },
    { type: 'recordEvent', key: keyOf(claim), kind: 'PersistentVolumeClaim', eventType: 'Normal', reason: 'ProvisioningSucceeded', message: `Successfully provisioned volume ${name}` },
  ];
}

/**
 * A Released local-path volume with reclaim policy Delete is deleted; its node agent removes the
 * directory and the finalizer. If the node is gone, so is the directory's keeper: drop the finalizer.
 */
export function deleteProvisionedVolume(volume: PersistentVolume, state: StorageState): VolumeAction[] {
  if (volume.metadata.annotations?.[ANN_PROVISIONED_BY] !== LOCAL_PATH_PROVISIONER) return [];
  const finalizers = volume.metadata.finalizers ?? [];
  if (volume.metadata.deletionTimestamp) {
    const nodeName = nodeOfVolume(volume, state);
    if (!finalizers.includes(LOCAL_PATH_FINALIZER) || (nodeName && state.nodes.some((n) => n.metadata.name === nodeName))) return [];
    return [{ type: 'updateVolume', key: keyOf(volume), volume: { ...volume, metadata: { ...volume.metadata, finalizers: finalizers.filter((f) => f !== LOCAL_PATH_FINALIZER) } } }];
  }
  if (volume.status?.phase !== 'Released' || volume.spec.persistentVolumeReclaimPolicy !== 'Delete') return [];
  return [{ type: 'deleteVolume', key: keyOf(volume) }];
}

/** The node a local-path volume lives on, from its node affinity (hostname label value → node). */
export function nodeOfVolume(volume: PersistentVolume, state: StorageState): string | undefined {
  const expr = volume.spec.nodeAffinity?.required?.nodeSelectorTerms?.[0]?.matchExpressions?.find((e) => e.key === HOSTNAME_LABEL && e.operator === 'In');
  const value = expr?.values?.[0];
  if (!value) return undefined;
  return state.nodes.find((n) => n.metadata.labels?.[HOSTNAME_LABEL] === value)?.metadata.name ?? value;
}

function leastLoadedReadyNode(state: StorageState): KubeObject | undefined {
  const ready = state.nodes.filter((n) => {
    const conditions = ((n.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions ?? []);
    return !n.metadata.deletionTimestamp && conditions.some((c) => c.type === 'Ready' && c.status === 'True') && !(n.spec as { unschedulable?: boolean } | undefined)?.unschedulable;
  });
  const load = (n: KubeObject) => state.volumes.filter((v) => v.metadata.annotations?.[ANN_PROVISIONED_BY] === LOCAL_PATH_PROVISIONER && nodeOfVolume(v, state) === n.metadata.name).length;
  return [...ready].sort((a, b) => load(a) - load(b) || (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''))[0];
}
