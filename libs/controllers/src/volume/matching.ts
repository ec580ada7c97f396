// findBestMatchForClaim (pkg/controller/volume/persistentvolume/index.go): the volume a claim
// binds to. A volume already pre-bound to the claim wins outright; otherwise the candidate must
// be unclaimed, of the claim's class, select-able by its selector, at least as big, offer every
// requested access mode, and have the same volumeMode. Of those the one with the fewest access
// modes, then the smallest, wins — so a 1Gi RWO claim takes a 1Gi RWO volume over a 10Gi one or
// an RWO+RWX one, leaving the bigger/richer volumes for claims that need them.

import { parseQuantity } from '@keelson/admission';
import { KubeObject, LabelOperator, LabelRequirement, requirementError, requirementMatches } from '@keelson/apimachinery';
import { selects } from '../common/selectors';
import { claimClass, isVolumeBoundToClaim, NodeSelectorTerm, PersistentVolume, PersistentVolumeClaim, volumeClass } from './types';

const storageOf = (q: string | undefined): number => {
  try {
    return q === undefined ? 0 : parseQuantity(q);
  } catch {
    return 0;
  }
};

export const requestedStorage = (claim: PersistentVolumeClaim): number => storageOf(claim.spec.resources?.requests?.storage);
export const volumeStorage = (volume: PersistentVolume): number => storageOf(volume.spec.capacity?.storage);

const modeOf = (m: string | undefined) => m ?? 'Filesystem';

/** Why `volume` cannot serve `claim`, or undefined when it can (checkVolumeSatisfyClaim, for pre-bound pairs). */
export function volumeMismatch(volume: PersistentVolume, claim: PersistentVolumeClaim): string | undefined {
  if (volumeStorage(volume) < requestedStorage(claim)) return 'requested PV is too small';
  if (volumeClass(volume) !== claimClass(claim)) return 'storageClassName does not match';
  if (modeOf(volume.spec.volumeMode) !== modeOf(claim.spec.volumeMode)) return 'incompatible volumeMode';
  const offered = volume.spec.accessModes ?? [];
  if (!(claim.spec.accessModes ?? []).every((m) => offered.includes(m))) return 'incompatible accessMode';
  return undefined;
}

const OPERATORS: Readonly<Record<string, LabelOperator>> = { In: 'in', NotIn: 'notin', Exists: 'exists', DoesNotExist: '!', Gt: 'gt', Lt: 'lt' };

/** A volume's required node affinity admits `node` (no affinity admits every node; terms are ORed). */
export function volumeFitsNode(volume: PersistentVolume, node: KubeObject): boolean {
  const terms = volume.spec.nodeAffinity?.required?.nodeSelectorTerms;
  if (!terms) return true;
  return terms.some((t) => termMatches(t, node));
}

function termMatches(term: NodeSelectorTerm, node: KubeObject): boolean {
  const exprs = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  if (exprs.length === 0 && fields.length === 0) return false;
  const check = (reqs: typeof exprs, labels: Record<string, string>) =>
    reqs.every((e) => {
      const operator = OPERATORS[e.operator];
      const values = e.values ?? [];
      return operator !== undefined && !requirementError(e.key, operator, values) && requirementMatches({ key: e.key, operator, values } as LabelRequirement, labels);
    });
  return check(exprs, node.metadata.labels ?? {}) && check(fields, { 'metadata.name': node.metadata.name ?? '' });
}

/**
 * @param node the node the scheduler picked for the claim's pod (selected-node), when known:
 *             volumes that cannot be reached from it do not match.
 * @param taken volumes bound earlier in the same pass.
 */
export function findBestMatchForClaim(claim: PersistentVolumeClaim, volumes: readonly PersistentVolume[], node?: KubeObject, taken: ReadonlySet<string> = new Set()): PersistentVolume | undefined {
  const requested = requestedStorage(claim);
  const wantedModes = claim.spec.accessModes ?? [];
  let best: PersistentVolume | undefined;
  const rank = (v: PersistentVolume): [number, number] => [(v.spec.accessModes ?? []).length, volumeStorage(v)];
  for (const volume of volumes) {
    if (volume.metadata.deletionTimestamp || taken.has(volume.metadata.name ?? '')) continue;
    if (modeOf(volume.spec.volumeMode) !== modeOf(claim.spec.volumeMode)) continue;
    if (node && !volumeFitsNode(volume, node)) continue;
    if (isVolumeBoundToClaim(volume, claim)) return volume; // pre-bound to this claim
    if (volume.spec.claimRef) continue; // someone else's, or released
    if (volume.status?.phase === 'Failed' || volume.status?.phase === 'Released') continue;
    if (claim.spec.selector && !selects(claim.spec.selector, volume.metadata.labels)) continue;
    if (volumeClass(volume) !== claimClass(claim)) continue;
    if (volumeStorage(volume) < requested) continue;
    if (!wantedModes.every((m) => (volume.spec.accessModes ?? []).includes(m))) continue;
    if (!best) best = volume;
    else {
      const [bm, bs] = rank(best);
      const [vm, vs] = rank(volume);
      if (vm < bm || (vm === bm && vs < bs)) best = volume;
    }
  }
  return best;
}
