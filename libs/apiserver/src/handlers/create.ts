import { randomUUID } from 'node:crypto';
import { Errors, isKubeObject, type KubeObject } from '@keelson/apimachinery';
import { withDefaultStorageClass } from '@keelson/admission';
import { apiVersionOf, storageVersion, type ApiResource } from '@keelson/resources';
import { toStorage } from '../conversion';
import { admit } from '../admission';
import type { RequestContext } from '../context';
import type { ResourceRequest } from '../request-info';
import { foldStringData, generateNameSuffix, prepareForCreate } from '../strategy';
import { WrongLastSequence, type ObjectStore } from '../store';
import { checkNamespace } from './namespaces';
import { trackUpdate } from '../fields';

/** Admission plugins that read other objects: DefaultStorageClass for claims. */
function mutatingAdmission(store: ObjectStore, r: ApiResource, obj: KubeObject): KubeObject {
  if (r.kind !== 'PersistentVolumeClaim' || !store.storageClasses) return obj;
  return withDefaultStorageClass(obj, store.storageClasses.list());
}

/** POST: a new object. Its name must be unused — or last used by an object since deleted. */
export async function create(store: ObjectStore, req: ResourceRequest, body: unknown, ctx: RequestContext, now = new Date()): Promise<KubeObject> {
  const obj = decodeBody(req, body);
  const r = req.resource;
  if (r.namespaced) {
    const bodyNs = obj.metadata.namespace;
    if (bodyNs && req.namespace && bodyNs !== req.namespace) throw Errors.badRequest('the namespace of the provided object does not match the namespace sent on the request');
    obj.metadata.namespace = req.namespace ?? bodyNs;
    if (!obj.metadata.namespace) throw Errors.badRequest('the namespace of the object is required');
  } else {
    delete obj.metadata.namespace;
  }
  const generated = !obj.metadata.name && !!obj.metadata.generateName;
  if (generated) obj.metadata.name = `${obj.metadata.generateName}${generateNameSuffix()}`;
  // The uid is the server's, and comes first: a Job's selector is built from it during defaulting.
  obj.metadata.uid = randomUUID();
  let prepared = prepareForCreate(r, mutatingAdmission(store, r, admit(r, obj, undefined, ctx)), now);
  if (!ctx.applied) prepared = trackUpdate(r, req.version, null, prepared, ctx, now);
  if (r.namespaced) await checkNamespace(store, prepared.metadata.namespace!);
  const ns = prepared.metadata.namespace;
  if (ctx.dryRun) {
    if ((await store.current(r, ns, prepared.metadata.name!)).object) throw Errors.alreadyExists(r.plural, r.group, prepared.metadata.name!);
    return prepared;
  }

  // Most names were never used: append expecting an empty subject (one round trip), and only when
  // that loses look at what is there — a live object (409), or a tombstone to re-create over.
  let expectedSeq = 0;
  for (let attempt = 0; ; attempt++) {
    const name = prepared.metadata.name!;
    const withAddresses = r.kind === 'Service' ? await store.allocators.allocateForService(prepared, `${ns}/${name}`, ctx.actor) : prepared;
    try {
      const { object } = await store.append({ resource: r, namespace: ns, name, expectedSeq, type: 'Created', object: withAddresses, actor: ctx.actor, cause: ctx.cause, correlation: ctx.correlation });
      return object;
    } catch (e) {
      if (withAddresses !== prepared) await store.allocators.releaseForService(withAddresses, ctx.actor);
      if (!(e instanceof WrongLastSequence)) throw e;
    }
    const cur = await store.current(r, ns, name);
    if (!cur.object && cur.seq !== expectedSeq && attempt < 8) {
      expectedSeq = cur.seq;
      continue;
    }
    // A generated name that collided gets a new suffix, as Kubernetes retries; a chosen name is taken.
    if (!generated || attempt > 8) throw Errors.alreadyExists(r.plural, r.group, name);
    prepared = { ...prepared, metadata: { ...prepared.metadata, name: `${obj.metadata.generateName}${generateNameSuffix()}` } };
    expectedSeq = 0;
  }
}

/** Checks apiVersion and kind against the URL and returns a private copy in the storage version. */
export function decodeBody(req: ResourceRequest, body: unknown): KubeObject {
  if (!isKubeObject(body) && !(typeof body === 'object' && body !== null && !Array.isArray(body))) throw Errors.badRequest('the body of the request must be a JSON object');
  // A shallow copy is enough: only apiVersion, kind and metadata's own fields are changed here.
  const source = body as KubeObject;
  if (source.metadata !== undefined && (typeof source.metadata !== 'object' || source.metadata === null || Array.isArray(source.metadata))) throw Errors.badRequest('metadata must be an object');
  const obj: KubeObject = { ...source, metadata: { ...(source.metadata ?? {}) } };
  const r = req.resource;
  const expected = apiVersionOf(r.group, req.version);
  if (obj.apiVersion !== undefined && obj.apiVersion !== expected) {
    throw Errors.badRequest(`the API version in the data (${obj.apiVersion}) does not match the expected API version (${expected})`);
  }
  if (obj.kind !== undefined && obj.kind !== r.kind) {
    throw Errors.badRequest(`the kind in the data (${obj.kind}) does not match the expected kind (${r.kind})`);
  }
  obj.kind = r.kind;
  return foldStringData(toStorage(r, req.version, obj));
}
