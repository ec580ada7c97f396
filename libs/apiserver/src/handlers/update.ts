import { Errors, type KubeObject } from '@keelson/apimachinery';
import type { EventType } from '@keelson/eventlog';
import { admit } from '../admission';
import type { RequestContext } from '../context';
import { trackUpdate } from '../fields';
import type { ResourceRequest } from '../request-info';
import { prepareForUpdate } from '../strategy';
import { afterLostRace, MAX_WRITE_ATTEMPTS, WrongLastSequence, type Current, type ObjectStore } from '../store';
import { decodeBody } from './create';
import { pendingSpecFinalizers } from './delete';

/**
 * Writes a new version computed from the current one. `change` gets the current object and
 * returns the caller's desired object; a lost race re-reads and re-computes when the caller
 * did not pin a resourceVersion (patches), and is a 409 Conflict when it did (PUT with a stale version).
 */
export async function writeChange(
  store: ObjectStore,
  req: ResourceRequest,
  ctx: RequestContext,
  change: (current: KubeObject, cur: Current) => KubeObject,
  opts: {
    type?: EventType;
    onMissing?: () => Promise<KubeObject>;
    now?: Date;
    /** store the change as computed, without the status/spec split or validation (the server's own bindings) */
    raw?: boolean;
  } = {},
): Promise<KubeObject> {
  const r = req.resource;
  const name = req.name!;
  for (let attempt = 0; attempt < MAX_WRITE_ATTEMPTS; attempt++) {
    const cur = await store.current(r, req.namespace, name);
    if (!cur.object) {
      if (opts.onMissing) return opts.onMissing();
      throw Errors.notFound(r.plural, r.group, name);
    }
    const desiredObj = change(cur.object, cur);
    const pinned = desiredObj.metadata.resourceVersion;
    if (pinned && pinned !== cur.object.metadata.resourceVersion) throw Errors.conflict(r.plural, r.group, name);
    const now = opts.now ?? new Date();
    let next = opts.raw ? desiredObj : prepareForUpdate(r, desiredObj, cur.object, req.subresource);
    if (!opts.raw && req.subresource !== 'status') next = admit(r, next, cur.object, ctx);
    if (!ctx.applied) next = trackUpdate(r, req.version, cur.object, next, ctx, now, req.subresource);
    const finished = finishesDeletion(next);
    if (sameObject(next, cur.object)) return cur.object; // a no-op write appends nothing, as in Kubernetes
    if (ctx.dryRun) return next;
    try {
      const type: EventType = finished ? 'Deleted' : (opts.type ?? (req.subresource === 'status' ? 'StatusUpdated' : 'Updated'));
      const { object } = await store.append({ resource: r, namespace: req.namespace, name, expectedSeq: cur.seq, type, object: next, actor: ctx.actor, cause: ctx.cause, correlation: ctx.correlation });
      if (finished && r.kind === 'Service') await store.allocators.releaseForService(object, ctx.actor);
      return object;
    } catch (e) {
      if (!(e instanceof WrongLastSequence)) throw e;
      if (pinned) throw Errors.conflict(r.plural, r.group, name);
      await afterLostRace(attempt);
    }
  }
  throw Errors.conflict(r.plural, r.group, name, 'too many concurrent writers; please try again');
}

/** PUT. */
export async function update(store: ObjectStore, req: ResourceRequest, body: unknown, ctx: RequestContext): Promise<KubeObject> {
  const obj = decodeBody(req, body);
  if (obj.metadata.name !== undefined && obj.metadata.name !== req.name) throw Errors.badRequest(`the name of the object (${obj.metadata.name}) does not match the name on the URL (${req.name})`);
  if (req.resource.namespaced && obj.metadata.namespace && obj.metadata.namespace !== req.namespace) throw Errors.badRequest('the namespace of the provided object does not match the namespace sent on the request');
  obj.metadata.name = req.name;
  if (req.resource.namespaced) obj.metadata.namespace = req.namespace;
  return writeChange(store, req, ctx, () => obj);
}

/** An object being deleted goes once its last finalizer is removed, unless it waits out a grace period (pods on a node). */
function finishesDeletion(o: KubeObject): boolean {
  return !!o.metadata.deletionTimestamp && (o.metadata.finalizers ?? []).length === 0 && !o.metadata.deletionGracePeriodSeconds && !pendingSpecFinalizers(o);
}

/**
 * Kubernetes compares the whole object, managedFields included, but ignores their timestamps: a
 * write that only moves field ownership (kubectl's client-side to server-side apply migration
 * replaces /metadata/managedFields) is a change, one that only re-stamps them is not.
 */
function sameObject(a: KubeObject, b: KubeObject): boolean {
  const strip = (o: KubeObject) =>
    JSON.stringify({ ...o, metadata: { ...o.metadata, resourceVersion: undefined, managedFields: o.metadata.managedFields?.map((m) => ({ ...m, time: undefined })) } });
  return strip(a) === strip(b);
}
