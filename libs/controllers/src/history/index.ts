export { fnv32, fnv32a, safeEncode, goJson, canonical } from './hash';
export {
  CONTROLLER_REVISION_HASH_LABEL,
  POD_REVISION_LABEL,
  templatePatch,
  templateOf,
  hashControllerRevision,
  computeHash,
  controllerRevisionName,
  sameData,
  equalRevision,
  findEqualRevisions,
  sortRevisions,
  maxRevision,
  nextRevision,
  controllerRef,
  controllerOf,
  newControllerRevision,
  claimRevisionName,
  type ControllerRevision,
  type TemplateParent,
  type NewRevisionArgs,
} from './revision';
export { revisionsToTruncate } from './truncate';
export { phaseOf, readyCondition, isPodReady, isTerminating, availableSince, isPodAvailable, nextAvailableIn, createdAt, type PodLike, type PodCondition } from './pod-status';
