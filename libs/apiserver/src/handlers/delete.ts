import { Errors, type KubeObject } from '@keelson/apimachinery';
import type { RequestContext } from '../context';
import type { ResourceRequest } from '../request-info';
import { timestamp } from '../strategy';
import { afterLostRace, MAX_WRITE_ATTEMPTS, WrongLastSequence, type ObjectStore } from '../store';

// DELETE as Kubernetes does it:
//  - preconditions (uid, resourceVersion) from DeleteOptions are checked against the current object;
//  - propagationPolicy Orphan / Foreground adds the `orphan` / `foregroundDeletion` finalizer
//    (the garbage collector does the rest); Background deletes now and leaves dependents to it;
//  - a pod that is on a node is deleted gracefully: it gets deletionTimestamp = now + grace and
//    stays until its node agent has stopped it and deletes it with grace 0;
//  - an object with finalizers only gets a deletionTimestamp; it goes when the last finalizer does.

export interface DeleteOptions {
  gracePeriodSeconds?: number;
  propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
  orphanDependents?: boolean;
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun?: string[];
}

export interface DeleteResult {
  object: KubeObject;
  /** true when the object is gone now; false when deletion waits on a grace period or finalizers (HTTP 202) */
  gone: boolean;
}

export async function remove(store: ObjectStore, req: ResourceRequest, opts: DeleteOptions, ctx: RequestContext, now = new Date()): Promise<DeleteResult> {
  const r = req.resource;
  const name = req.name!;
  for (let attempt = 0; attempt < MAX_WRITE_ATTEMPTS; attempt++) {
    const cur = await store.current(r, req.namespace, name);
    const obj = cur.object;
    if (!obj) throw Errors.notFound(r.plural, r.group, name);
    const pre = opts.preconditions ?? {};
    if (pre.uid && pre.uid !== obj.metadata.uid) throw Errors.conflict(r.plural, r.group, name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${obj.metadata.uid}`);
    if (pre.resourceVersion && pre.resourceVersion !== obj.metadata.resourceVersion) {
      throw Errors.conflict(r.plural, r.group, name, `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${obj.metadata.resourceVersion}`);
    }
    const { next, gone } = decideDeletion(r.kind, obj, opts, now);
    if (ctx.dryRun) return { object: next, gone };
    if (next === obj && !gone) return { object: obj, gone: false }; // already being deleted, nothing to change
    try {
      const { object } = await store.append({ resource: r, namespace: req.namespace, name, expectedSeq: cur.seq, type: gone ? 'Deleted' : 'DeletionRequested', object: next, actor: ctx.actor, cause: ctx.cause, correlation: ctx.correlation });
      if (gone && r.kind === 'Service') await store.allocators.releaseForService(object, ctx.actor);
      return { object, gone };
    } catch (e) {
      if (!(e instanceof WrongLastSequence)) throw e;
      await afterLostRace(attempt);
    }
  }
  throw Errors.conflict(r.plural, r.group, name, 'too many concurrent writers; please try again');
}

/** Pure: the object after a delete request, and whether it is gone. */
export function decideDeletion(kind: string, obj: KubeObject, opts: DeleteOptions, now: Date): { next: KubeObject; gone: boolean } {
  const policy = opts.propagationPolicy ?? (opts.orphanDependents === true ? 'Orphan' : 'Background');
  const finalizers = [...(obj.metadata.finalizers ?? [])];
  const addFinalizer = (f: string) => !finalizers.includes(f) && finalizers.push(f);
  if (policy === 'Orphan') addFinalizer('orphan');
  if (policy === 'Foreground') addFinalizer('foregroundDeletion');

  const grace = gracePeriod(kind, obj, opts);
  // A namespace also waits on its spec.finalizers, which the namespace controller clears once it is empty.
  const blocked = finalizers.length > 0 || pendingSpecFinalizers(obj);
  const already = obj.metadata.deletionTimestamp;
  if (already) {
    // A second delete may only shorten a pod's grace period.
    const current = obj.metadata.deletionGracePeriodSeconds ?? 0;
    if (grace >= current && sameList(finalizers, obj.metadata.finalizers ?? [])) return { next: obj, gone: false };
    if (grace === 0 && !blocked) return { next: obj, gone: true };
    return { next: { ...obj, metadata: { ...obj.metadata, deletionGracePeriodSeconds: Math.min(grace, current), finalizers } }, gone: false };
  }
  if (grace === 0 && !blocked) return { next: { ...obj, metadata: { ...obj.metadata, deletionTimestamp: timestamp(now), deletionGracePeriodSeconds: 0 } }, gone: true };
  const meta = { ...obj.metadata, deletionTimestamp: timestamp(new Date(now.getTime() + grace * 1000)), deletionGracePeriodSeconds: grace, ...(finalizers.length ? { finalizers } : {}) };
  const next: KubeObject = { ...obj, metadata: meta };
  if (kind === 'Namespace') next.status = { ...(obj.status as object), phase: 'Terminating' };
  return { next, gone: false };
}

/** Only pods wait out a grace period, and only once a node runs them. */
function gracePeriod(kind: string, obj: KubeObject, opts: DeleteOptions): number {
  if (kind !== 'Pod') return 0;
  const spec = (obj.spec ?? {}) as { nodeName?: string; terminationGracePeriodSeconds?: number };
  const phase = (obj.status as { phase?: string } | undefined)?.phase;
  if (!spec.nodeName || phase === 'Succeeded' || phase === 'Failed') return 0;
  const g = opts.gracePeriodSeconds ?? spec.terminationGracePeriodSeconds ?? 30;
  // Kubernetes turns a request for 0 into 1 unless forced; the node agent ends it with 0 after stopping the containers.
  return Math.max(0, g);
}

export function pendingSpecFinalizers(obj: KubeObject): boolean {
  return obj.kind === 'Namespace' && ((obj.spec as { finalizers?: string[] } | undefined)?.finalizers ?? []).length > 0;
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
