import { sortRevisions, type ControllerRevision } from './revision';

/**
 * The revisions to delete so that at most `limit` non-live ones remain, oldest (lowest revision)
 * first. Live revisions — the current and update revision, any a pod still runs — are never
 * counted nor deleted (statefulset truncateHistory, daemon cleanupHistory).
 *
 * Worked example: revisions 1..6, live {4 (pods still on it), 6 (update)}, limit 2:
 * non-live are 1, 2, 3, 5 — four, two too many — so 1 and 2 go; 3 and 5 stay for rollback.
 * A negative limit keeps everything.
 */
export function revisionsToTruncate(
  revisions: readonly ControllerRevision[],
  limit: number,
  isLive: (revision: ControllerRevision) => boolean,
): ControllerRevision[] {
  const history = sortRevisions(revisions).filter((r) => !isLive(r));
  if (limit < 0 || history.length <= limit) return [];
  return history.slice(0, history.length - limit);
}
