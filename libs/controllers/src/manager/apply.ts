import type { KubeObject } from '@keelson/apimachinery';
import { isAlreadyExists, isNotFound, type ControllerClient, type WriteOptions } from './client';
import type { SyncResult } from './controller';
import type { EventRecorder, InvolvedObject } from './events';

// The one way a shell sends its reconcile's actions to the API server. A shell says, per action
// type, which request the action is (its handlers, checked for every type by the compiler, as a
// `switch` with a `never` check would be); `applyActions` sends them in order, stopping at the
// first failure — the next sync re-reads the cache and decides again — and turns `requeueAfter`
// into the sync's result. Every request goes through a `Writes`, bound to the sync's cause, so
// no write can leave its cause out.

/** The requests of one sync: each carries the sync's cause and the controller's field manager. */
export class Writes {
  private readonly options: WriteOptions;

  constructor(
    private readonly client: ControllerClient,
    private readonly recorder: EventRecorder,
    readonly cause: number | undefined,
    fieldManager: string,
  ) {
    this.options = { cause, fieldManager };
  }

  create(path: string, body: unknown): Promise<KubeObject> {
    return this.client.create(path, body, this.options);
  }

  /** A create whose AlreadyExists is success: the name is the lock, or the informer had not shown it yet. */
  async createOnce(path: string, body: unknown): Promise<KubeObject | undefined> {
    try {
      return await this.create(path, body);
    } catch (e) {
      if (isAlreadyExists(e)) return undefined;
      throw e;
    }
  }

  update(path: string, body: unknown): Promise<KubeObject> {
    return this.client.update(path, body, this.options);
  }

  patch(path: string, body: unknown, patchType: 'merge' | 'strategic'): Promise<KubeObject> {
    return this.client.patch(path, body, { ...this.options, patchType });
  }

  /**
   * DELETE, only of incarnation `uid` when given (a re-created namesake is never touched).
   * Already gone is as good as deleted: resolves to false then, true when this call deleted it.
   */
  async remove(path: string, uid?: string, options: Record<string, unknown> = {}): Promise<boolean> {
    const body = { ...(uid ? { preconditions: { uid } } : {}), ...options };
    try {
      await this.client.delete(path, Object.keys(body).length ? body : undefined, this.options);
      return true;
    } catch (e) {
      if (isNotFound(e)) return false;
      throw e;
    }
  }

  /** A Kubernetes Event on `involved`; never fails (see EventRecorder). */
  async event(involved: InvolvedObject, eventType: 'Normal' | 'Warning', reason: string, message: string): Promise<void> {
    this.recorder.record(involved, eventType, reason, message, this.cause);
  }
}

type Action = { readonly type: string };
type Requeue = { readonly type: 'requeueAfter'; readonly seconds: number };

/** The request each action type stands for; `requeueAfter` is the applier's own. */
export type ActionHandlers<A extends Action> = {
  readonly [T in Exclude<A['type'], 'requeueAfter'>]: (action: Extract<A, { type: T }>) => Promise<unknown>;
};

export interface ApplyOptions<A extends Action> {
  /**
   * Whether `next` goes out together with `prev` (a slow-start batch of pod creates, a run of pod
   * deletes): such a run is sent concurrently, and what follows waits for all of it.
   */
  together?(prev: A, next: A): boolean;
  /** Applying stopped at a failure: these actions were not done (failed, or never tried). */
  onStopped?(notApplied: readonly A[]): void;
}

/** A failed write, named by its action; keeps the Status' code and reason so callers can tell a conflict. */
export class ActionFailed extends Error {
  readonly code?: number;
  readonly reason?: string;
  constructor(
    readonly action: string,
    readonly error: Error,
  ) {
    super(`${action}: ${error.message}`);
    const status = error as { code?: number; reason?: string };
    this.code = status.code;
    this.reason = status.reason;
  }
}

export async function applyActions<A extends Action>(actions: readonly A[], handlers: ActionHandlers<A>, options: ApplyOptions<A> = {}): Promise<SyncResult> {
  const handle = handlers as unknown as Record<string, (a: A) => Promise<unknown>>;
  let requeue: number | undefined;
  for (let i = 0; i < actions.length; ) {
    const a = actions[i];
    if (isRequeue(a)) {
      requeue = Math.min(requeue ?? Infinity, a.seconds);
      i++;
      continue;
    }
    let j = i + 1;
    while (j < actions.length && options.together?.(actions[j - 1], actions[j])) j++;
    const run = actions.slice(i, j);
    const results = await Promise.allSettled(run.map((x) => handle[x.type](x)));
    const failed = run.filter((_, k) => results[k].status === 'rejected');
    if (failed.length) {
      options.onStopped?.([...failed, ...actions.slice(j)]);
      const first = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')!;
      throw new ActionFailed(failed[0].type, first.reason as Error);
    }
    i = j;
  }
  return requeue === undefined ? {} : { requeueAfterSeconds: requeue };
}

function isRequeue(a: Action): a is Requeue {
  return a.type === 'requeueAfter';
}
