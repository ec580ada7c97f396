// client-go's ControllerExpectations: after a sync creates or deletes pods, the controller's
// cache is behind its own writes until the informer delivers them. Acting again before that
// would create the same pods twice. So a sync records how many creates/deletes it expects to
// see; the pod informer counts them off; until the count reaches zero (or the record is
// older than the TTL, in case a watch event was lost) the controller only syncs status.
//
// Worked example: an RS wants 5 pods, has 2 → expect 3 creations. The informer sees 2 of the
// 3 pods; a resync now finds satisfied() false and creates nothing. The third arrives → 0 → the
// next sync acts on a cache that includes all 5.

/** `ExpectationsTimeout` in Kubernetes: 5 minutes. */
export const EXPECTATIONS_TTL_MS = 5 * 60 * 1000;

interface Record {
  add: number;
  del: number;
  at: number;
}

export class Expectations {
  private readonly records = new Map<string, Record>();

  constructor(
    private readonly now: () => number = Date.now,
    private readonly ttlMs = EXPECTATIONS_TTL_MS,
  ) {}

  /** True when nothing is outstanding for `key`, or the record has expired. */
  satisfied(key: string): boolean {
    const r = this.records.get(key);
    if (!r) return true;
    if (r.add <= 0 && r.del <= 0) return true;
    return this.now() - r.at > this.ttlMs;
  }

  /** Replaces what is expected for `key` (a sync only sets expectations once satisfied). */
  expect(key: string, add: number, del: number): void {
    this.records.set(key, { add, del, at: this.now() });
  }

  creationObserved(key: string): void {
    this.lower(key, 1, 0);
  }

  deletionObserved(key: string): void {
    this.lower(key, 0, 1);
  }

  /** A create or delete that was never made (it failed, or a batch was skipped): stop waiting for it. */
  lower(key: string, add: number, del: number): void {
    const r = this.records.get(key);
    if (!r) return;
    r.add -= add;
    r.del -= del;
  }

  /** Expects the pod creates and deletes among a sync's actions, if there are any. */
  expectPodWrites(key: string, actions: readonly { type: string }[]): void {
    const { creates, deletes } = podWrites(actions);
    if (creates || deletes) this.expect(key, creates, deletes);
  }

  /** The pod creates and deletes among these actions were never made: stop waiting for them. */
  lowerPodWrites(key: string, actions: readonly { type: string }[]): void {
    const { creates, deletes } = podWrites(actions);
    if (creates || deletes) this.lower(key, creates, deletes);
  }

  /** The controller object is gone. */
  delete(key: string): void {
    this.records.delete(key);
  }

  pending(key: string): { add: number; del: number } | undefined {
    const r = this.records.get(key);
    return r && { add: r.add, del: r.del };
  }
}

function podWrites(actions: readonly { type: string }[]): { creates: number; deletes: number } {
  return { creates: actions.filter((a) => a.type === 'createPod').length, deletes: actions.filter((a) => a.type === 'deletePod').length };
}
