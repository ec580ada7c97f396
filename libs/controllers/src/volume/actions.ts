// What the PV binder and the local-path provisioner ask the shell to do, in order.

import type { ObjectKey } from '../common/actions';
import type { PersistentVolume, PersistentVolumeClaim } from './types';

export type VolumeAction =
  /** PUT of the claim with metadata.annotations / spec.volumeName / spec.storageClassName changed. */
  | { readonly type: 'updateClaim'; readonly key: ObjectKey; readonly claim: PersistentVolumeClaim }
  | { readonly type: 'updateClaimStatus'; readonly key: ObjectKey; readonly status: NonNullable<PersistentVolumeClaim['status']> }
  /** PUT of the volume with spec.claimRef / metadata.annotations changed. */
  | { readonly type: 'updateVolume'; readonly key: ObjectKey; readonly volume: PersistentVolume }
  | { readonly type: 'updateVolumeStatus'; readonly key: ObjectKey; readonly status: NonNullable<PersistentVolume['status']> }
  | { readonly type: 'createVolume'; readonly volume: PersistentVolume }
  | { readonly type: 'deleteVolume'; readonly key: ObjectKey }
  | { readonly type: 'recordEvent'; readonly key: ObjectKey; readonly kind: 'PersistentVolumeClaim' | 'PersistentVolume'; readonly eventType: 'Normal' | 'Warning'; readonly reason: string; readonly message: string };

export function volumeActionType(a: VolumeAction): VolumeAction['type'] {
  switch (a.type) {
    case 'updateClaim':
    case 'updateClaimStatus':
    case 'updateVolume':
    case 'updateVolumeStatus':
    case 'createVolume':
    case 'deleteVolume':
    case 'recordEvent':
      return a.type;
    default: {
      const never: never = a;
      throw new Error(`unexpected ${JSON.stringify(never)}`);
    }
  }
}
