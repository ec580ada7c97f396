import type { KubeObject } from '@keelson/apimachinery';

// What the scheduler keeps of a pod: only the fields its queue, cache, plugins, preemption and
// records read — applied by its pod informer before an object is kept (client-go's
// SharedIndexInformer.SetTransform). kube-scheduler keeps whole pods (it only strips
// managedFields); a stored pod carries defaults (terminationMessagePath, dnsPolicy, the two
// NoExecute tolerations stay since TaintToleration reads them), env, probes, volume mounts and
// status that a scheduler never looks at, and it holds every pod of the cluster.
//
// A field the scheduler starts to read must be added here; pod-fields.spec.ts schedules pods
// through the full object and through this view and expects the same decisions.

type Json = Record<string, unknown>;

/** spec fields read by the queue (priority, gates), the plugins, preemption and volume binding */
const SPEC_FIELDS = [
  'nodeName',
  'schedulerName',
  'priority',
  'priorityClassName',
  'preemptionPolicy',
  'schedulingGates',
  'nodeSelector',
  'affinity',
  'tolerations',
  'topologySpreadConstraints',
  'overhead',
  'resources',
  'hostNetwork',
] as const;

/** status fields read: terminal phases leave the cache, preemption orders victims by startTime, nominations */
const STATUS_FIELDS = ['phase', 'nominatedNodeName', 'startTime'] as const;

/** metadata read: identity (records' involvedObject), labels (selectors), deletion, ownerReferences (ephemeral PVCs) */
const METADATA_FIELDS = ['name', 'namespace', 'uid', 'resourceVersion', 'labels', 'deletionTimestamp', 'ownerReferences'] as const;

function pick(from: Json | undefined, fields: readonly string[]): Json {
  const out: Json = {};
  if (!from) return out;
  for (const f of fields) if (from[f] !== undefined) out[f] = from[f];
  return out;
}

/** A container as the scheduler reads it: requests (NodeResourcesFit), hostPorts (NodePorts), image (ImageLocality), sidecar restartPolicy. */
function containerView(c: Json): Json {
  const out: Json = { name: c.name };
  if (c.image !== undefined) out.image = c.image;
  const requests = (c.resources as Json | undefined)?.requests;
  if (requests !== undefined) out.resources = { requests };
  const ports = (c.ports as Json[] | undefined)?.filter((p) => typeof p.hostPort === 'number' && p.hostPort > 0);
  if (ports?.length) out.ports = ports;
  if (c.restartPolicy !== undefined) out.restartPolicy = c.restartPolicy;
  return out;
}

/** Only volumes VolumeBinding reads: claims, and ephemeral volumes (whose claim the pod owns). */
const claimVolume = (v: Json) => v.persistentVolumeClaim !== undefined || v.ephemeral !== undefined;

/** The pod with only what the scheduler reads (see the file comment). */
export function schedulerPodView(pod: KubeObject): KubeObject {
  const spec = (pod.spec ?? {}) as Json;
  const view: Json = pick(spec, SPEC_FIELDS);
  view.containers = ((spec.containers as Json[] | undefined) ?? []).map(containerView);
  if (Array.isArray(spec.initContainers)) view.initContainers = (spec.initContainers as Json[]).map(containerView);
  const volumes = Array.isArray(spec.volumes) ? (spec.volumes as Json[]).filter(claimVolume) : [];
  if (volumes.length) view.volumes = volumes;
  return {
    apiVersion: pod.apiVersion,
    kind: pod.kind,
    metadata: pick(pod.metadata as Json, METADATA_FIELDS) as KubeObject['metadata'],
    spec: view,
    status: pick(pod.status as Json | undefined, STATUS_FIELDS),
  };
}
