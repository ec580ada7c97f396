import { Errors, type KubeObject } from '@keelson/apimachinery';
import type { RequestContext } from '../context';
import type { ResourceRequest } from '../request-info';
import { afterLostRace, MAX_WRITE_ATTEMPTS, WrongLastSequence, type ObjectStore } from '../store';
import { get } from './read';
import { withPin } from './patch';
import { writeChange } from './update';

// The scale and binding subresources: small views onto one field of their parent.

/** autoscaling/v1 Scale for a Deployment, ReplicaSet or StatefulSet. */
export function toScale(obj: KubeObject): KubeObject {
  const spec = (obj.spec ?? {}) as { replicas?: number; selector?: { matchLabels?: Record<string, string>; matchExpressions?: unknown[] } };
  const status = (obj.status ?? {}) as { replicas?: number };
  const selector = Object.entries(spec.selector?.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`).join(',');
  return {
    apiVersion: 'autoscaling/v1',
    kind: 'Scale',
    metadata: { name: obj.metadata.name, namespace: obj.metadata.namespace, uid: obj.metadata.uid, resourceVersion: obj.metadata.resourceVersion, creationTimestamp: obj.metadata.creationTimestamp },
    spec: { replicas: spec.replicas ?? 0 },
    status: { replicas: status.replicas ?? 0, ...(selector ? { selector } : {}) },
  };
}

export async function getScale(store: ObjectStore, req: ResourceRequest, query: URLSearchParams): Promise<KubeObject> {
  return toScale(await get(store, { ...req, subresource: undefined }, query));
}

/** PUT/PATCH of scale: the desired replicas change, recorded as a `Scaled` event. `scaleOf` turns the current object into the new Scale. */
export async function writeScale(store: ObjectStore, req: ResourceRequest, ctx: RequestContext, scaleOf: (current: KubeObject) => KubeObject): Promise<KubeObject> {
  const parent = { ...req, subresource: undefined };
  const updated = await writeChange(
    store,
    parent,
    ctx,
    (current) => {
      const scale = scaleOf(toScale(current));
      const replicas = (scale.spec as { replicas?: unknown } | undefined)?.replicas;
      if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) {
        throw Errors.invalid('Scale', 'autoscaling', req.name!, [{ reason: 'FieldValueInvalid', field: 'spec.replicas', message: `Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0` }]);
      }
      const pinned = scale.metadata.resourceVersion !== current.metadata.resourceVersion ? scale.metadata.resourceVersion : undefined;
      return { ...withPin(current, pinned), spec: { ...(current.spec as object), replicas } };
    },
    { type: 'Scaled' },
  );
  return toScale(updated);
}

/**
 * POST pods/{name}/binding: assigns the pod to a node, once. As Kubernetes' BindingREST.assignPod
 * (a GuaranteedUpdate of the stored pod), not a generic update: no admission, no defaulting, no
 * managedFields change on the pod and no whole-object comparison — a bind never is a no-op, and
 * the scheduler sends one per pod, so this path is kept to one direct get and one conditional append.
 */
export async function bind(store: ObjectStore, req: ResourceRequest, body: unknown, ctx: RequestContext): Promise<KubeObject> {
  const binding = body as { target?: { name?: string; kind?: string }; metadata?: { name?: string } };
  const node = binding?.target?.name;
  if (!node) throw Errors.invalid('Binding', '', req.name!, [{ reason: 'FieldValueRequired', field: 'target.name', message: 'Required value' }]);
  const { resource, namespace } = req;
  const name = req.name!;
  for (let attempt = 0; attempt < MAX_WRITE_ATTEMPTS; attempt++) {
    const cur = await store.current(resource, namespace, name);
    if (!cur.object) throw Errors.notFound(resource.plural, resource.group, name);
    const object = boundTo(cur.object, node, new Date());
    if (ctx.dryRun) return bound();
    try {
      await store.append({ resource, namespace, name, expectedSeq: cur.seq, type: 'Bound', object, actor: ctx.actor, cause: ctx.cause, correlation: ctx.correlation });
      return bound();
    } catch (e) {
      if (!(e instanceof WrongLastSequence)) throw e;
      await afterLostRace(attempt);
    }
  }
  throw Errors.conflict(resource.plural, resource.group, name, 'too many concurrent writers; please try again');
}

const bound = () => ({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 }) as unknown as KubeObject;

/** The pod on `node` with PodScheduled=True; a 409 if it is being deleted or already on a node. */
function boundTo(current: KubeObject, node: string, now: Date): KubeObject {
  const name = current.metadata.name!;
  if (current.metadata.deletionTimestamp) throw Errors.conflict('pods', '', name, 'pod is being deleted, cannot be assigned to a host');
  const spec = (current.spec ?? {}) as { nodeName?: string };
  if (spec.nodeName) throw Errors.conflict('pods', '', name, `pod ${name} is already assigned to node "${spec.nodeName}"`);
  const status = (current.status ?? {}) as { conditions?: { type: string }[] };
  const scheduled = { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: now.toISOString().replace(/\.\d{3}Z$/, 'Z') };
  const conditions = [...(status.conditions ?? []).filter((c) => c.type !== 'PodScheduled'), scheduled];
  return { ...current, spec: { ...spec, nodeName: node }, status: { ...status, conditions } };
}
