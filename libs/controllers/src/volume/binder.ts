// The PV controller's binder (pv_controller.go syncClaim / syncVolume). Binding fills both
// sides — claimRef on the volume, spec.volumeName on the claim — in the order Kubernetes writes
// them (volume, volume status, claim, claim status), so a crash half-way leaves a state the next
// pass completes: a volume whose claimRef names a claim is "pre-bound" and matched first.

import { isDeepStrictEqual } from 'node:util';
import { KubeObject } from '@keelson/apimachinery';
import { keyOf } from '../common/actions';
import { VolumeAction } from './actions';
import { findBestMatchForClaim, volumeMismatch } from './matching';
import { defaultStorageClass } from './storage-class';
import {
  ANN_BETA_STORAGE_CLASS,
  ANN_BETA_STORAGE_PROVISIONER,
  ANN_BIND_COMPLETED,
  ANN_BOUND_BY_CONTROLLER,
  ANN_PROVISIONED_BY,
  ANN_SELECTED_NODE,
  ANN_STORAGE_PROVISIONER,
  claimClass,
  isVolumeBoundToClaim,
  PersistentVolume,
  PersistentVolumeClaim,
  StorageState,
} from './types';

const annotated = <T extends KubeObject>(o: T, key: string, value: string): T => ({ ...o, metadata: { ...o.metadata, annotations: { ...o.metadata.annotations, [key]: value } } });
const has = (o: KubeObject, key: string) => o.metadata.annotations?.[key] !== undefined;
const event = (o: KubeObject, kind: 'PersistentVolumeClaim' | 'PersistentVolume', eventType: 'Normal' | 'Warning', reason: string, message: string): VolumeAction => ({ type: 'recordEvent', key: keyOf(o), kind, eventType, reason, message });

function claimPhase(claim: PersistentVolumeClaim, phase: 'Pending' | 'Lost', ...events: VolumeAction[]): VolumeAction[] {
  if (claim.status?.phase === phase) return [];
  return [{ type: 'updateClaimStatus', key: keyOf(claim), status: { ...claim.status, phase } }, ...events];
}

function volumePhase(volume: PersistentVolume, phase: NonNullable<PersistentVolume['status']>['phase'], extra: { reason?: string; message?: string } = {}): VolumeAction[] {
  if (volume.status?.phase === phase) return [];
  return [{ type: 'updateVolumeStatus', key: keyOf(volume), status: { phase, ...extra } }];
}

/** bind(): only the writes still missing. `byController`: the controller chose the pair (not a user's pre-binding). */
export function bind(volume: PersistentVolume, claim: PersistentVolumeClaim): VolumeAction[] {
  const actions: VolumeAction[] = [];
  const ref = volume.spec.claimRef;
  if (!ref || ref.uid !== claim.metadata.uid) {
    let next: PersistentVolume = { ...volume, spec: { ...volume.spec, claimRef: { kind: 'PersistentVolumeClaim', namespace: claim.metadata.namespace, name: claim.metadata.name, uid: claim.metadata.uid, apiVersion: 'v1', resourceVersion: claim.metadata.resourceVersion } } };
    if (!ref && !has(volume, ANN_BOUND_BY_CONTROLLER)) next = annotated(next, ANN_BOUND_BY_CONTROLLER, 'yes');
    actions.push({ type: 'updateVolume', key: keyOf(volume), volume: next });
  }
  actions.push(...volumePhase(volume, 'Bound'));
  if (claim.spec.volumeName !== volume.metadata.name || !has(claim, ANN_BIND_COMPLETED)) {
    let next: PersistentVolumeClaim = annotated({ ...claim, spec: { ...claim.spec, volumeName: volume.metadata.name } }, ANN_BIND_COMPLETED, 'yes');
    if (!claim.spec.volumeName) next = annotated(next, ANN_BOUND_BY_CONTROLLER, 'yes');
    actions.push({ type: 'updateClaim', key: keyOf(claim), claim: next });
  }
  const status = { ...claim.status, phase: 'Bound' as const, accessModes: volume.spec.accessModes ?? [], capacity: { ...volume.spec.capacity } };
  if (!isDeepStrictEqual(status, claim.status)) actions.push({ type: 'updateClaimStatus', key: keyOf(claim), status });
  return actions;
}

/** syncClaim for one claim; `taken` collects volumes bound earlier in the same pass. */
export function syncClaim(claim: PersistentVolumeClaim, state: StorageState, taken: Set<string> = new Set()): VolumeAction[] {
  if (claim.metadata.deletionTimestamp) return [];
  const volume = state.volumes.find((v) => v.metadata.name === claim.spec.volumeName);
  if (has(claim, ANN_BIND_COMPLETED)) {
    if (!claim.spec.volumeName) return claimPhase(claim, 'Lost', event(claim, 'PersistentVolumeClaim', 'Warning', 'ClaimLost', 'Bound claim has lost reference to PersistentVolume. Data on the volume is lost!'));
    if (!volume) return claimPhase(claim, 'Lost', event(claim, 'PersistentVolumeClaim', 'Warning', 'ClaimLost', 'Bound claim has lost its PersistentVolume. Data on the volume is lost!'));
    if (!volume.spec.claimRef || volume.spec.claimRef.uid === claim.metadata.uid) return bind(volume, claim);
    return claimPhase(claim, 'Lost', event(claim, 'PersistentVolumeClaim', 'Warning', 'ClaimMisbound', 'Two claims are bound to the same volume, this one is bound incorrectly'));
  }
  return syncUnboundClaim(claim, volume, state, taken);
}

function syncUnboundClaim(claim: PersistentVolumeClaim, volume: PersistentVolume | undefined, state: StorageState, taken: Set<string>): VolumeAction[] {
  if (claim.spec.volumeName) {
    // Pre-bound by the user to a named volume.
    if (!volume) return claimPhase(claim, 'Pending');
    if (!volume.spec.claimRef) {
      const why = volumeMismatch(volume, claim);
      if (why) return claimPhase(claim, 'Pending', event(claim, 'PersistentVolumeClaim', 'Warning', 'VolumeMismatch', `Cannot bind to requested volume "${volume.metadata.name}": ${why}`));
      return bind(volume, claim);
    }
    if (isVolumeBoundToClaim(volume, claim)) return bind(volume, claim);
    return claimPhase(claim, 'Pending', event(claim, 'PersistentVolumeClaim', 'Warning', 'FailedBinding', `volume "${volume.metadata.name}" already bound to a different claim.`));
  }

  // Retroactive default StorageClass (GA in 1.28): a claim that never named a class gets the default one.
  if (claim.spec.storageClassName === undefined && !has(claim, ANN_BETA_STORAGE_CLASS)) {
    const def = defaultStorageClass(state.classes);
    if (def) return [{ type: 'updateClaim', key: keyOf(claim), claim: { ...claim, spec: { ...claim.spec, storageClassName: def.metadata.name } } }];
  }

  const cls = state.classes.find((c) => c.metadata.name === claimClass(claim));
  const selectedNodeName = claim.metadata.annotations?.[ANN_SELECTED_NODE];
  const selectedNode = selectedNodeName ? state.nodes.find((n) => n.metadata.name === selectedNodeName) : undefined;
  const waitForConsumer = cls?.volumeBindingMode === 'WaitForFirstConsumer' && !selectedNodeName;

  // Until the scheduler picks a node, only a volume pre-bound to the claim may be used.
  const candidates = waitForConsumer ? state.volumes.filter((v) => isVolumeBoundToClaim(v, claim)) : state.volumes;
  const match = findBestMatchForClaim(claim, candidates, selectedNode, taken);
  if (match) {
    taken.add(match.metadata.name ?? '');
    return bind(match, claim);
  }
  if (waitForConsumer) return claimPhase(claim, 'Pending', event(claim, 'PersistentVolumeClaim', 'Normal', 'WaitForFirstConsumer', 'waiting for first consumer to be created before binding'));
  if (cls?.provisioner) {
    if (claim.metadata.annotations?.[ANN_STORAGE_PROVISIONER] === cls.provisioner) return claimPhase(claim, 'Pending');
    // provisionClaim: hand the claim to its provisioner by name.
    const next = annotated(annotated(claim, ANN_STORAGE_PROVISIONER, cls.provisioner), ANN_BETA_STORAGE_PROVISIONER, cls.provisioner);
    return [
      { type: 'updateClaim', key: keyOf(claim), claim: next },
      ...claimPhase(claim, 'Pending'),
      event(claim, 'PersistentVolumeClaim', 'Normal', 'ExternalProvisioning', `Waiting for a volume to be created either by the external provisioner '${cls.provisioner}' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered.`),
    ];
  }
  return claimPhase(claim, 'Pending', event(claim, 'PersistentVolumeClaim', 'Normal', 'FailedBinding', 'no persistent volumes available for this claim and no storage class is set'));
}

/** syncVolume. */
export function syncVolume(volume: PersistentVolume, state: StorageState): VolumeAction[] {
  if (volume.metadata.deletionTimestamp) return [];
  const ref = volume.spec.claimRef;
  if (!ref || !ref.uid) return volumePhase(volume, 'Available');
  const found = state.claims.find((c) => c.metadata.name === ref.name && (c.metadata.namespace ?? '') === (ref.namespace ?? ''));
  const claim = found && found.metadata.uid === ref.uid ? found : undefined;
  if (!claim) return release(volume);
  if (!claim.spec.volumeName) return []; // the binding is half done; syncClaim finishes it
  if (claim.spec.volumeName === volume.metadata.name) return volumePhase(volume, 'Bound');

  // The claim is bound to another volume.
  if (has(volume, ANN_PROVISIONED_BY) && volume.spec.persistentVolumeReclaimPolicy === 'Delete') return release(volume); // made for it, not needed
  const unbound: PersistentVolume = has(volume, ANN_BOUND_BY_CONTROLLER)
    ? { ...volume, metadata: { ...volume.metadata, annotations: Object.fromEntries(Object.entries(volume.metadata.annotations ?? {}).filter(([k]) => k !== ANN_BOUND_BY_CONTROLLER)) }, spec: { ...volume.spec, claimRef: undefined } }
    : { ...volume, spec: { ...volume.spec, claimRef: { ...ref, uid: '' } } }; // a user's pre-binding stays, minus the uid
  return [{ type: 'updateVolume', key: keyOf(volume), volume: unbound }, ...volumePhase(volume, 'Available')];
}

/** The claim is gone: Released, then the reclaim policy. */
function release(volume: PersistentVolume): VolumeAction[] {
  const phase = volume.status?.phase;
  const actions = phase === 'Released' || phase === 'Failed' ? [] : volumePhase(volume, 'Released');
  if (phase === 'Failed') return actions;
  switch (volume.spec.persistentVolumeReclaimPolicy ?? 'Retain') {
    case 'Retain':
      return actions; // stays Released until an administrator deals with it
    case 'Delete':
      if (has(volume, ANN_PROVISIONED_BY)) return actions; // its provisioner deletes the storage, then the object
      return [...actions.filter((a) => a.type !== 'updateVolumeStatus'), ...volumePhase(volume, 'Failed', { reason: 'VolumeFailedDelete', message: `error getting deleter volume plugin for volume "${volume.metadata.name}": no deletable volume plugin matched` })];
    case 'Recycle':
      return [...actions.filter((a) => a.type !== 'updateVolumeStatus'), ...volumePhase(volume, 'Failed', { reason: 'VolumeFailedRecycle', message: 'Recycle is deprecated and not supported' })];
  }
}
