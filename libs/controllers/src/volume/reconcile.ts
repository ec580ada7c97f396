// One pass over all storage objects: the binder for every claim, then every volume, then the
// local-path provisioner. Each part reads the same snapshot; what one part writes is seen by
// the others on the next pass (every write is an event that triggers one).

import { VolumeAction } from './actions';
import { syncClaim, syncVolume } from './binder';
import { deleteProvisionedVolume, provisionClaim } from './provisioner';
import { StorageState } from './types';

export function reconcileStorage(state: StorageState): VolumeAction[] {
  const taken = new Set<string>();
  // Claims oldest first, so the first to ask gets the best-fitting volume.
  const claims = [...state.claims].sort((a, b) => (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? '') || (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''));
  const claimActions = claims.flatMap((c) => syncClaim(c, state, taken));
  // A volume bound in this pass is already handled by bind(); syncVolume would see it as unclaimed.
  const touched = new Set(claimActions.flatMap((a) => (a.type === 'updateVolume' || a.type === 'updateVolumeStatus' ? [a.key.name] : [])));
  const volumeActions = state.volumes.filter((v) => !taken.has(v.metadata.name ?? '') && !touched.has(v.metadata.name ?? '')).flatMap((v) => syncVolume(v, state));
  const provisioning = [...claims.flatMap((c) => provisionClaim(c, state)), ...state.volumes.flatMap((v) => deleteProvisionedVolume(v, state))];
  return [...claimActions, ...volumeActions, ...provisioning];
}
