import type { KubeObject } from '@keelson/apimachinery';
import { milliValue, parseQuantity } from '@keelson/admission';
import type { NodeInfo, PodInfo, ResourceList, Taint } from './types';

// PodInfo / NodeInfo built from stored objects, as the scheduler cache does
// (pkg/scheduler/framework/types.go, k8s.io/component-helpers/resource.PodRequests).

type Json = Record<string, unknown>;
type HostPort = { protocol: string; hostIP: string; port: number };

interface Container {
  name?: string;
  restartPolicy?: string;
  resources?: { requests?: Record<string, string | number> };
  ports?: { hostPort?: number; containerPort?: number; protocol?: string; hostIP?: string }[];
}

const obj = (v: unknown): Json => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : {});
const arr = <T>(v: unknown): T[] => (Array.isArray(v) ? (v as T[]) : []);

/** One quantity in the canonical unit: cpu in millicores, everything else rounded up to a whole number (Quantity.Value()). */
export function resourceQuantity(resource: string, q: string | number): number {
  return resource === 'cpu' ? milliValue(q) : Math.ceil(parseQuantity(q));
}

/** A wire `ResourceList` ({cpu: "500m", memory: "1Gi"}) in canonical integers. */
export function parseResourceList(list: unknown): ResourceList {
  const out: ResourceList = {};
  for (const [name, q] of Object.entries(obj(list))) {
    if (typeof q === 'string' || typeof q === 'number') out[name] = resourceQuantity(name, q);
  }
  return out;
}

function addInto(into: ResourceList, add: Readonly<ResourceList>): void {
  for (const [k, v] of Object.entries(add)) into[k] = (into[k] ?? 0) + v;
}

function maxInto(into: ResourceList, other: Readonly<ResourceList>): void {
  for (const [k, v] of Object.entries(other)) if (v > (into[k] ?? 0)) into[k] = v;
}

/**
 * Kubernetes' effective pod request (`resource.PodRequests`): the containers run together, so
 * their requests add up; init containers run one at a time before them, so only the largest
 * counts — except sidecars (init containers with restartPolicy Always), which keep running and
 * so add to everything started after them. Overhead (RuntimeClass) comes on top.
 *
 * Worked example: containers 100m + 200m; init [sidecar 50m, plain 500m].
 *   containers: 300m; sidecar adds → 350m, running sidecars = 50m;
 *   plain init needs 500m + 50m (sidecar beside it) = 550m; max(350m, 550m) = 550m.
 */
export function computePodResourceRequest(spec: Json): ResourceList {
  const reqs: ResourceList = {};
  for (const c of arr<Container>(spec.containers)) addInto(reqs, parseResourceList(c.resources?.requests));
  const sidecars: ResourceList = {};
  const initMax: ResourceList = {};
  for (const c of arr<Container>(spec.initContainers)) {
    const own = parseResourceList(c.resources?.requests);
    let needs: ResourceList;
    if (c.restartPolicy === 'Always') {
      addInto(reqs, own);
      addInto(sidecars, own);
      needs = { ...sidecars };
    } else {
      needs = { ...own };
      addInto(needs, sidecars);
    }
    maxInto(initMax, needs);
  }
  maxInto(reqs, initMax);
  addInto(reqs, parseResourceList(spec.overhead));
  return reqs;
}

/** hostPorts of the pod's containers, with Kubernetes' defaults (TCP, 0.0.0.0). */
export function hostPortsOf(spec: Json): HostPort[] {
  const ports: HostPort[] = [];
  for (const c of arr<Container>(spec.containers)) {
    for (const p of c.ports ?? []) {
      if (!p.hostPort || p.hostPort <= 0) continue;
      ports.push({ protocol: p.protocol || 'TCP', hostIP: p.hostIP || '0.0.0.0', port: p.hostPort });
    }
  }
  return ports;
}

export function podInfoOf(pod: KubeObject): PodInfo {
  const spec = obj(pod.spec);
  const namespace = pod.metadata.namespace ?? 'default';
  const requests = computePodResourceRequest(spec);
  requests.pods = 1;
  const nodeName = typeof spec.nodeName === 'string' && spec.nodeName !== '' ? spec.nodeName : undefined;
  return {
    pod,
    key: `${namespace}/${pod.metadata.name ?? ''}`,
    uid: pod.metadata.uid ?? '',
    namespace,
    labels: pod.metadata.labels ?? {},
    requests,
    priority: typeof spec.priority === 'number' ? spec.priority : 0,
    hostPorts: hostPortsOf(spec),
    ...(nodeName !== undefined ? { nodeName } : {}),
  };
}

export function nodeInfoOf(node: KubeObject, pods: PodInfo[]): NodeInfo {
  const spec = obj(node.spec);
  const status = obj(node.status);
  const requested: ResourceList = {};
  const usedPorts: HostPort[] = [];
  for (const p of pods) {
    addInto(requested, p.requests);
    usedPorts.push(...p.hostPorts);
  }
  const images = new Map<string, number>();
  for (const image of arr<{ names?: string[]; sizeBytes?: number }>(status.images)) {
    for (const name of image.names ?? []) images.set(name, image.sizeBytes ?? 0);
  }
  return {
    node,
    name: node.metadata.name ?? '',
    labels: node.metadata.labels ?? {},
    taints: arr<Taint>(spec.taints),
    unschedulable: spec.unschedulable === true,
    allocatable: parseResourceList(status.allocatable),
    requested,
    pods,
    usedPorts,
    images,
  };
}
