import { randomUUID } from 'node:crypto';
import { Errors, isKubeObject, type KubeObject } from '@keelson/apimachinery';
import { apiVersionOf, storageVersion } from '@keelson/resources';
import { admit } from '../admission';
import type { RequestContext } from '../context';
import type { ResourceRequest } from '../request-info';
import { foldStringData, generateNameSuffix, prepareForCreate } from '../strategy';
import { WrongLastSequence, type ObjectStore } from '../store';
import { checkNamespace } from './namespaces';
import { trackUpdate } from '../fields';

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
  if (!obj.metadata.name && obj.metadata.generateName) obj.metadata.name = `${obj.metadata.generateName}${generateNameSuffix()}`;
  // The uid is the server's, and comes first: a Job's selector is built from it during defaulting.
  obj.metadata.uid = randomUUID();
  let prepared = prepareForCreate(r, admit(r, obj, undefined, ctx), now);
  if (!ctx.applied) prepared = trackUpdate(r, req.version, null, prepared, ctx, now);
  const name = prepared.metadata.name!;
  if (r.namespaced) await checkNamespace(store, prepared.metadata.namespace!);

  for (let attempt = 0; ; attempt++) {
    const cur = await store.current(r, prepared.metadata.namespace, name);
    if (cur.object) throw Errors.alreadyExists(r.plural, r.group, name);
    if (ctx.dryRun) return prepared;
    const withAddresses = r.kind === 'Service' ? await store.allocators.allocateForService(prepared, `${prepared.metadata.namespace}/${name}`, ctx.actor) : prepared;
    try {
      const { object } = await store.append({ resource: r, namespace: prepared.metadata.namespace, name, expectedSeq: cur.seq, type: 'Created', object: withAddresses, actor: ctx.actor, cause: ctx.cause, correlation: ctx.correlation });
      return object;
    } catch (e) {
      if (withAddresses !== prepared) await store.allocators.releaseForService(withAddresses, ctx.actor);
      if (!(e instanceof WrongLastSequence)) throw e;
      // A generated name that collided gets a new suffix, as Kubernetes retries; a chosen name lost a race.
      if (!obj.metadata.generateName || obj.metadata.name !== name || attempt > 3) throw Errors.alreadyExists(r.plural, r.group, name);
      prepared = { ...prepared, metadata: { ...prepared.metadata, name: `${obj.metadata.generateName}${generateNameSuffix()}` } };
    }
  }
}

/** Checks apiVersion and kind against the URL and returns a private copy in the storage version. */
export function decodeBody(req: ResourceRequest, body: unknown): KubeObject {
  if (!isKubeObject(body) && !(typeof body === 'object' && body !== null && !Array.isArray(body))) throw Errors.badRequest('the body of the request must be a JSON object');
  const obj = structuredClone(body) as KubeObject;
  obj.metadata ??= {};
  if (typeof obj.metadata !== 'object' || Array.isArray(obj.metadata)) throw Errors.badRequest('metadata must be an object');
  const r = req.resource;
  const expected = apiVersionOf(r.group, req.version);
  if (obj.apiVersion !== undefined && obj.apiVersion !== expected) {
    throw Errors.badRequest(`the API version in the data (${obj.apiVersion}) does not match the expected API version (${expected})`);
  }
  if (obj.kind !== undefined && obj.kind !== r.kind) {
    throw Errors.badRequest(`the kind in the data (${obj.kind}) does not match the expected kind (${r.kind})`);
  }
  obj.apiVersion = apiVersionOf(r.group, storageVersion(r));
  obj.kind = r.kind;
  return foldStringData(obj);
}
