import {
  claimRevisionName,
  computeHash,
  controllerOf,
  controllerRevisionName,
  goJson,
  maxRevision,
  newControllerRevision,
  POD_REVISION_LABEL,
  sortRevisions,
  templatePatch,
  type ControllerRevision,
} from '../history';
import type { DaemonSet, DaemonSetAction, Pod } from './types';

// constructHistory and cleanupHistory (daemon_controller.go, update.go). A DaemonSet revision
// is named `<ds>-<ComputeHash(template, collisionCount)>` and labelled with that hash, the same
// value its pods carry in `controller-revision-hash`. Its data is the patch kubectl sends back
// on `rollout undo`; rolling back therefore makes the template equal an old revision's, and
// that revision is renumbered to the top instead of a duplicate being made.
//
// Worked example: revisions ds-aaa (1, nginx:1), ds-bbb (2, nginx:2). `kubectl rollout undo`
// patches the template back to nginx:1; ds-aaa now matches, old = [ds-bbb], so ds-aaa becomes
// revision max(2) + 1 = 3 and pods labelled aaa are the updated ones.

export interface History {
  current: ControllerRevision;
  old: ControllerRevision[];
  hash: string;
  collisionCount: number;
  actions: DaemonSetAction[];
}

export function constructHistory(ds: DaemonSet, revisions: readonly ControllerRevision[], pods: readonly Pod[]): History {
  const own = sortRevisions(revisions.filter((r) => controllerOf(r)?.uid === ds.metadata.uid));
  const data = templatePatch(ds);
  const matches = (r: ControllerRevision) => goJson(r.data) === goJson(data);
  const currents = own.filter(matches);
  const old = own.filter((r) => !matches(r));
  const next = maxRevision(old) + 1;
  const actions: DaemonSetAction[] = [];
  let collisionCount = ds.status?.collisionCount ?? 0;
  const hashOf = (r: ControllerRevision) => r.metadata.labels?.[POD_REVISION_LABEL] ?? r.metadata.name;

  if (currents.length === 0) {
    const candidate = newControllerRevision({
      parent: ds,
      labels: { ...ds.spec.template.metadata?.labels, [POD_REVISION_LABEL]: computeHash(ds.spec.template, collisionCount) },
      annotations: ds.metadata.annotations,
      data,
      revision: next,
      name: '',
    });
    const claimed = claimRevisionName(revisions, candidate, (n) => controllerRevisionName(ds.metadata.name, computeHash(ds.spec.template, n)), collisionCount);
    collisionCount = claimed.collisionCount;
    const hash = computeHash(ds.spec.template, collisionCount);
    const current = claimed.existing ?? { ...candidate, metadata: { ...candidate.metadata, name: claimed.name, labels: { ...candidate.metadata.labels, [POD_REVISION_LABEL]: hash } } };
    if (!claimed.existing) actions.push({ type: 'createControllerRevision', revision: current });
    return { current, old, hash: hashOf(current), collisionCount, actions };
  }

  // dedupCurHistories: keep the newest, move pods of the duplicates onto its hash, delete them.
  let current = currents[currents.length - 1];
  for (const dup of currents.slice(0, -1)) {
    for (const pod of pods) {
      if (pod.metadata.labels?.[POD_REVISION_LABEL] === hashOf(dup)) {
        actions.push({ type: 'updatePod', pod: { ...pod, metadata: { ...pod.metadata, labels: { ...pod.metadata.labels, [POD_REVISION_LABEL]: hashOf(current) } } } });
      }
    }
    actions.push({ type: 'deleteControllerRevision', name: dup.metadata.name });
  }
  if (current.revision < next) {
    actions.push({ type: 'updateControllerRevision', name: current.metadata.name, revision: next });
    current = { ...current, revision: next };
  }
  return { current, old, hash: hashOf(current), collisionCount, actions };
}

/**
 * cleanupHistory: delete old revisions, oldest first, until at most revisionHistoryLimit old ones
 * remain — skipping any a pod still runs (live ones still count towards the limit, unlike the
 * StatefulSet's truncation). Worked example: old = [1, 2 (live), 3], limit 1 → two to remove:
 * 1 goes, 2 is skipped, 3 goes.
 */
export function cleanupHistory(ds: DaemonSet, old: readonly ControllerRevision[], pods: readonly Pod[]): DaemonSetAction[] {
  let toKill = old.length - (ds.spec.revisionHistoryLimit ?? 10);
  const liveHashes = new Set(pods.map((p) => p.metadata.labels?.[POD_REVISION_LABEL]).filter((h) => h));
  const actions: DaemonSetAction[] = [];
  for (const r of sortRevisions(old)) {
    if (toKill <= 0) break;
    if (liveHashes.has(r.metadata.labels?.[POD_REVISION_LABEL] ?? '')) continue;
    actions.push({ type: 'deleteControllerRevision', name: r.metadata.name });
    toKill--;
  }
  return actions;
}
