import {
  claimRevisionName,
  controllerOf,
  controllerRevisionName,
  CONTROLLER_REVISION_HASH_LABEL,
  equalRevision,
  findEqualRevisions,
  hashControllerRevision,
  newControllerRevision,
  nextRevision,
  sortRevisions,
  templateOf,
  templatePatch,
  type ControllerRevision,
} from '../history';
import type { PodTemplate, StatefulSet, StatefulSetAction } from './types';

// getStatefulSetRevisions: the revision the set's template is now (update revision) and the one
// its pods were last all at (current revision), creating, renumbering or reusing a
// ControllerRevision as needed.
//
// Worked example (a rollback): revisions r1 (nginx:1), r2 (nginx:2); the user sets the image
// back to nginx:1. The new snapshot equals r1, which is not the newest, so r1 is renumbered to 3
// — r1 becomes the update revision and `kubectl rollout history` lists 2, 3.

export interface Revisions {
  current: ControllerRevision;
  update: ControllerRevision;
  collisionCount: number;
  actions: StatefulSetAction[];
}

/** The set's own revisions: controlled by it (orphans are left for adoption, which this controller does not do). */
export const ownRevisions = (set: StatefulSet, revisions: readonly ControllerRevision[]): ControllerRevision[] =>
  sortRevisions(revisions.filter((r) => controllerOf(r)?.uid === set.metadata.uid));

export function statefulSetRevisions(set: StatefulSet, revisions: readonly ControllerRevision[]): Revisions {
  const own = ownRevisions(set, revisions);
  let collisionCount = set.status?.collisionCount ?? 0;
  const data = templatePatch(set);
  const hash = hashControllerRevision(data, collisionCount);
  const candidate = newControllerRevision({
    parent: set,
    labels: { ...set.spec.template.metadata?.labels, [CONTROLLER_REVISION_HASH_LABEL]: hash },
    data,
    revision: nextRevision(own),
    name: controllerRevisionName(set.metadata.name, hash),
  });
  const actions: StatefulSetAction[] = [];
  const equal = findEqualRevisions(own, candidate);
  const newest = own[own.length - 1];
  let update: ControllerRevision;
  if (equal.length > 0 && equalRevision(newest, equal[equal.length - 1])) {
    update = newest;
  } else if (equal.length > 0) {
    const found = equal[equal.length - 1];
    update = { ...found, revision: candidate.revision };
    actions.push({ type: 'updateControllerRevision', name: found.metadata.name, revision: candidate.revision });
  } else {
    const claimed = claimRevisionName(revisions, candidate, (n) => controllerRevisionName(set.metadata.name, hashControllerRevision(data, n)), collisionCount);
    collisionCount = claimed.collisionCount;
    if (claimed.existing) {
      update = claimed.existing;
    } else {
      update = { ...candidate, metadata: { ...candidate.metadata, name: claimed.name } };
      actions.push({ type: 'createControllerRevision', revision: update });
    }
  }
  const current = own.find((r) => r.metadata.name === set.status?.currentRevision) ?? update;
  return { current, update, collisionCount, actions };
}

/** ApplyRevision: the set as it was at `revision` — only the pod template is restored. */
export function templateAt(set: StatefulSet, revision: ControllerRevision): PodTemplate {
  return (templateOf(revision) as PodTemplate | undefined) ?? set.spec.template;
}
