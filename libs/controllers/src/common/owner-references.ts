// ownerReferences, as metav1.GetControllerOf / IsControlledBy / NewControllerRef, and the two
// strategic-merge patches (adopt, release) that pkg/controller's BaseControllerRefManager sends.
// Both patches carry the object's uid so a re-created namesake is never touched.

import { KubeObject, OwnerReference } from '@keelson/apimachinery';

export function controllerRefOf(obj: KubeObject): OwnerReference | undefined {
  return (obj.metadata.ownerReferences ?? []).find((r) => r.controller === true);
}

export function isControlledBy(obj: KubeObject, owner: KubeObject): boolean {
  const ref = controllerRefOf(obj);
  return ref !== undefined && ref.uid === owner.metadata.uid;
}

export function newControllerRef(owner: KubeObject): OwnerReference {
  return {
    apiVersion: owner.apiVersion,
    kind: owner.kind,
    name: owner.metadata.name as string,
    uid: owner.metadata.uid as string,
    controller: true,
    blockOwnerDeletion: true,
  };
}

/** Strategic merge patch body: ownerReferences merge by uid, so this adds (or replaces) ours. */
export interface OwnerReferencesPatch {
  metadata: { uid: string; ownerReferences: (OwnerReference | { $patch: 'delete'; uid: string })[] };
}

export function adoptPatch(obj: KubeObject, owner: KubeObject): OwnerReferencesPatch {
  return { metadata: { uid: obj.metadata.uid as string, ownerReferences: [newControllerRef(owner)] } };
}

export function releasePatch(obj: KubeObject, owner: KubeObject): OwnerReferencesPatch {
  return { metadata: { uid: obj.metadata.uid as string, ownerReferences: [{ $patch: 'delete', uid: owner.metadata.uid as string }] } };
}

export type ClaimDecision = 'claimed' | 'adopt' | 'release' | 'ignore';

/**
 * `ClaimObject` for one candidate: whether `owner` keeps it, adopts an orphan, releases one it
 * owns that no longer matches, or leaves it alone (someone else's, or being deleted).
 */
export function claimDecision(obj: KubeObject, owner: KubeObject, selected: boolean): ClaimDecision {
  const ref = controllerRefOf(obj);
  const ownerGoing = Boolean(owner.metadata.deletionTimestamp);
  if (ref) {
    if (ref.uid !== owner.metadata.uid) return 'ignore';
    if (selected) return 'claimed';
    // Ours but no longer selected: let go, unless either side is on its way out.
    if (ownerGoing || obj.metadata.deletionTimestamp) return 'ignore';
    return 'release';
  }
  if (ownerGoing || !selected || obj.metadata.deletionTimestamp) return 'ignore';
  if (owner.metadata.namespace && owner.metadata.namespace !== obj.metadata.namespace) return 'ignore';
  return 'adopt';
}
