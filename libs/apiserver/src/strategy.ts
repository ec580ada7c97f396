import { randomBytes, randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import type { KubeObject } from '@keelson/apimachinery';
import type { ApiResource } from '@keelson/resources';

// What kube-apiserver's per-kind REST strategies do around every write: fill server-owned
// metadata on create, keep status out of spec writes and spec out of status writes, bump
// `metadata.generation` when the desired state changes, and keep immutable metadata fixed.

export const hasStatus = (r: ApiResource): boolean => (r.subresources ?? []).includes('status');

/** RFC 3339 with second precision, as Kubernetes writes timestamps. */
export function timestamp(d = new Date()): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

// Kubernetes' generateName suffix alphabet: no vowels (no words) and no look-alike characters.
const ALPHANUMS = 'bcdfghjklmnpqrstvwxz2456789';
export function generateNameSuffix(n = 5): string {
  const bytes = randomBytes(n);
  return Array.from(bytes, (b) => ALPHANUMS[b % ALPHANUMS.length]).join('');
}

/**
 * Labels and annotations are `omitempty` maps in Kubernetes' ObjectMeta: removing the last label
 * (`kubectl label x k-`) leaves no `labels: {}` behind.
 */
function withoutEmptyMaps(meta: KubeObject['metadata']): KubeObject['metadata'] {
  const out = { ...meta };
  for (const key of ['labels', 'annotations'] as const) if (out[key] && Object.keys(out[key]).length === 0) delete out[key];
  return out;
}

/**
 * A Secret's `stringData` is write-only: Kubernetes folds it into `data` (base64, and winning
 * over a `data` key of the same name) when it decodes the request, so it is never stored or served.
 */
export function foldStringData(obj: KubeObject): KubeObject {
  if (obj.kind !== 'Secret' || obj.stringData === undefined || obj.stringData === null) return obj;
  const { stringData, ...rest } = obj;
  const folded = Object.fromEntries(Object.entries(stringData as Record<string, unknown>).map(([k, v]) => [k, Buffer.from(String(v)).toString('base64')]));
  return { ...rest, data: { ...((obj.data as Record<string, string> | undefined) ?? {}), ...folded } };
}

/** Server-set metadata and the initial status of a new object. */
export function prepareForCreate(r: ApiResource, obj: KubeObject, now: Date): KubeObject {
  const { deletionTimestamp: _d, deletionGracePeriodSeconds: _g, resourceVersion: _rv, ...meta } = obj.metadata;
  const out: KubeObject = {
    ...obj,
    metadata: withoutEmptyMaps({ ...meta, uid: meta.uid ?? randomUUID(), creationTimestamp: timestamp(now), ...(tracksGeneration(r) ? { generation: 1 } : {}) }),
  };
  if (hasStatus(r)) out.status = initialStatus(r, obj);
  return out;
}

function initialStatus(r: ApiResource, obj: KubeObject): Record<string, unknown> {
  switch (r.kind) {
    case 'Pod':
      return { phase: 'Pending', qosClass: qosClass(obj) };
    case 'Namespace':
      return { phase: 'Active' };
    case 'PersistentVolumeClaim':
    case 'PersistentVolume':
      return { phase: 'Pending' };
    case 'Service':
      return { loadBalancer: {} };
    case 'Node':
      // As Kubernetes' node strategy: a kubelet registers its Node with its status (conditions
      // such as NetworkUnavailable=True must hold from the first moment the Node exists).
      return (obj.status as Record<string, unknown> | undefined) ?? {};
    default:
      return {};
  }
}

/** The seed's QoS rules: Guaranteed when every container sets equal requests and limits for cpu and memory, BestEffort when none sets any. */
export function qosClass(pod: KubeObject): 'Guaranteed' | 'Burstable' | 'BestEffort' {
  const spec = (pod.spec ?? {}) as { containers?: Container[]; initContainers?: Container[] };
  const containers = [...(spec.containers ?? []), ...(spec.initContainers ?? [])];
  let any = false;
  let guaranteed = containers.length > 0;
  for (const c of containers) {
    const req = c.resources?.requests ?? {};
    const lim = c.resources?.limits ?? {};
    if (Object.keys(req).length || Object.keys(lim).length) any = true;
    for (const res of ['cpu', 'memory']) {
      const l = lim[res];
      const q = req[res] ?? l; // requests default to limits
      if (l === undefined || q === undefined || String(q) !== String(l)) guaranteed = false;
    }
  }
  if (!any) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}
interface Container {
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
}

const NO_GENERATION = new Set(['Event', 'Endpoints', 'ConfigMap', 'Secret', 'Lease', 'ControllerRevision', 'ServiceAccount']);
const tracksGeneration = (r: ApiResource) => !NO_GENERATION.has(r.kind);

/** Everything except metadata and status: what `generation` counts changes of. */
function desired(obj: KubeObject): Record<string, unknown> {
  const { metadata: _m, status: _s, apiVersion: _a, kind: _k, ...rest } = obj;
  return rest;
}

/**
 * An update of the main resource keeps the old status (when status is a subresource); an update
 * of the status subresource keeps everything but status. Server-owned metadata never changes.
 */
export function prepareForUpdate(r: ApiResource, updated: KubeObject, old: KubeObject, subresource?: string): KubeObject {
  const keep = {
    name: old.metadata.name,
    namespace: old.metadata.namespace,
    uid: old.metadata.uid,
    creationTimestamp: old.metadata.creationTimestamp,
    ...(old.metadata.deletionTimestamp ? { deletionTimestamp: old.metadata.deletionTimestamp, deletionGracePeriodSeconds: old.metadata.deletionGracePeriodSeconds } : {}),
  };
  if (subresource === 'status') {
    return { ...old, status: updated.status, metadata: { ...old.metadata, ...keep, managedFields: updated.metadata.managedFields ?? old.metadata.managedFields } };
  }
  const out: KubeObject = foldStringData({ ...updated, metadata: withoutEmptyMaps({ ...updated.metadata, ...keep }) });
  if (!old.metadata.deletionTimestamp) {
    delete out.metadata.deletionTimestamp;
    delete out.metadata.deletionGracePeriodSeconds;
  }
  if (hasStatus(r)) {
    if (old.status === undefined) delete out.status;
    else out.status = old.status;
  }
  if (tracksGeneration(r)) {
    const gen = old.metadata.generation ?? 1;
    out.metadata.generation = isDeepStrictEqual(desired(updated), desired(old)) ? gen : gen + 1;
  } else {
    delete out.metadata.generation;
  }
  return out;
}
