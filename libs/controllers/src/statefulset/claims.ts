import type { OwnerReference } from '@keelson/apimachinery';
import { isTerminating } from '../history';
import { claimsFor, ordinalOf } from './identity';
import { defaults, type PersistentVolumeClaim, type Pod, type StatefulSet, type StatefulSetAction } from './types';

// persistentVolumeClaimRetentionPolicy, as Kubernetes carries it out: the controller never
// deletes a claim itself. It gives the claim an ownerReference — to the set when whenDeleted is
// Delete, to the pod when whenScaled is Delete and the pod's ordinal is scaled away — and the
// garbage collector deletes the claim once its owner is gone. With the default Retain/Retain a
// claim has no owner and survives everything, which is how a re-created web-0 finds www-web-0.

const refTo = (obj: { apiVersion: string; kind: string; metadata: { name?: string; uid?: string } }): OwnerReference => ({
  apiVersion: obj.apiVersion,
  kind: obj.kind,
  name: obj.metadata.name ?? '',
  uid: obj.metadata.uid ?? '',
});

export function inOrdinalRange(set: StatefulSet, ordinal: number): boolean {
  const { start, replicas } = defaults(set);
  return ordinal >= start && ordinal < start + replicas;
}

/**
 * The ownerReferences the claim should carry (updateClaimOwnerRefForSetAndPod). References to
 * the set or pod by name with another uid are stale — left by a previous object of that name —
 * and are dropped; other owners are kept as they are.
 *
 *   whenScaled \ whenDeleted   Retain                      Delete
 *   Retain                     no refs                     set
 *   Delete                     pod, if scaled down         pod if scaled down, else set
 */
export function desiredClaimOwners(set: StatefulSet, pod: Pod, claim: PersistentVolumeClaim): OwnerReference[] {
  const { whenDeleted, whenScaled } = defaults(set);
  const scaledDown = !inOrdinalRange(set, ordinalOf(pod));
  const isSetRef = (r: OwnerReference) => r.kind === set.kind && r.name === set.metadata.name;
  const isPodRef = (r: OwnerReference) => r.kind === 'Pod' && r.name === pod.metadata.name;
  const others = (claim.metadata.ownerReferences ?? []).filter((r) => !isSetRef(r) && !isPodRef(r));
  const wantSet = whenDeleted === 'Delete' && !(whenScaled === 'Delete' && scaledDown);
  const wantPod = whenScaled === 'Delete' && scaledDown && pod.metadata.uid !== undefined;
  const keep = (want: boolean, is: (r: OwnerReference) => boolean, uid: string | undefined, fresh: () => OwnerReference): OwnerReference[] => {
    if (!want) return [];
    const existing = (claim.metadata.ownerReferences ?? []).find((r) => is(r) && r.uid === uid);
    return [existing ?? fresh()];
  };
  return [
    ...others,
    ...keep(wantSet, isSetRef, set.metadata.uid, () => refTo(set)),
    ...keep(wantPod, isPodRef, pod.metadata.uid, () => refTo({ apiVersion: 'v1', kind: 'Pod', metadata: pod.metadata })),
  ];
}

const sameOwners = (a: readonly OwnerReference[], b: readonly OwnerReference[]): boolean =>
  a.length === b.length && a.every((r) => b.some((s) => s.uid === r.uid && s.kind === r.kind && s.name === r.name));

/** updatePvc actions for the pod's existing claims whose owners differ from the policy's. */
export function retentionUpdates(set: StatefulSet, pod: Pod, existing: ReadonlyMap<string, PersistentVolumeClaim>): StatefulSetAction[] {
  const actions: StatefulSetAction[] = [];
  for (const wanted of claimsFor(set, ordinalOf(pod)).values()) {
    const claim = existing.get(wanted.metadata.name ?? '');
    if (!claim || isTerminating(claim)) continue;
    const owners = desiredClaimOwners(set, pod, claim);
    if (!sameOwners(owners, claim.metadata.ownerReferences ?? [])) actions.push({ type: 'updatePvc', name: claim.metadata.name ?? '', ownerReferences: owners });
  }
  return actions;
}

/** A claim of this pod that is being deleted: the pod must wait rather than start on storage about to vanish (PodClaimIsStale). */
export function hasStaleClaim(set: StatefulSet, ordinal: number, existing: ReadonlyMap<string, PersistentVolumeClaim>): boolean {
  return [...claimsFor(set, ordinal).values()].some((c) => {
    const live = existing.get(c.metadata.name ?? '');
    return live !== undefined && isTerminating(live);
  });
}

/** createPvc actions for the claims of this ordinal that do not exist yet, owned as the policy says. */
export function missingClaims(set: StatefulSet, pod: Pod, existing: ReadonlyMap<string, PersistentVolumeClaim>): StatefulSetAction[] {
  const actions: StatefulSetAction[] = [];
  for (const claim of claimsFor(set, ordinalOf(pod)).values()) {
    if (existing.has(claim.metadata.name ?? '')) continue;
    const owners = desiredClaimOwners(set, pod, claim);
    actions.push({ type: 'createPvc', claim: owners.length ? { ...claim, metadata: { ...claim.metadata, ownerReferences: owners } } : claim });
  }
  return actions;
}
