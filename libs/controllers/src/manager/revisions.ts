import type { ControllerRevision } from '../history';
import type { ActionHandlers, Writes } from './apply';
import { paths } from './paths';

// The ControllerRevision actions the StatefulSet and DaemonSet reconcilers share, and their requests.

export type RevisionAction =
  | { type: 'createControllerRevision'; revision: ControllerRevision }
  | { type: 'updateControllerRevision'; name: string; revision: number }
  | { type: 'deleteControllerRevision'; name: string };

export function revisionHandlers(ns: string, write: Writes): ActionHandlers<RevisionAction> {
  return {
    createControllerRevision: (a) => write.create(paths.revisions(ns), a.revision),
    // Only the revision number moves (a rollback to an old template re-uses its revision object).
    updateControllerRevision: (a) => write.patch(paths.revisions(ns, a.name), { revision: a.revision }, 'merge'),
    deleteControllerRevision: (a) => write.remove(paths.revisions(ns, a.name)),
  };
}
