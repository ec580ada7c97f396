import type { KubeObject } from '@keelson/apimachinery';
import { milliValue, parseQuantity } from '@keelson/admission';
import type { NodeInfo, NodeNumbers, PodInfo, ResourceList, Taint, Toleration } from './types';

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
  for (const k in add) into[k] = (into[k] ?? 0) + add[k];
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

/** Kubernetes' `schedutil.DefaultMilliCPURequest` / `DefaultMemoryRequest`: what scoring assumes for a container asking nothing. */
export const DEFAULT_MILLI_CPU_REQUEST = 100;
export const DEFAULT_MEMORY_REQUEST = 200 * 1024 * 1024;

export interface NonZeroRequests {
  readonly cpu: number;
  readonly memory: number;
}

/** A container's cpu/memory request, or the default when it names none (a present but malformed value counts 0, as parseResourceList drops it). */
function requestOrDefault(requests: Json | undefined, resource: 'cpu' | 'memory', fallback: number): number {
  const q = requests?.[resource];
  if (q === undefined) return fallback;
  return typeof q === 'string' || typeof q === 'number' ? resourceQuantity(resource, q) : 0;
}

function computeNonZeroRequests(spec: Json, requests: Readonly<ResourceList>): NonZeroRequests {
  const containers = arr<Container>(spec.containers);
  if (containers.length === 0) {
    return { cpu: 'cpu' in requests ? requests.cpu : DEFAULT_MILLI_CPU_REQUEST, memory: 'memory' in requests ? requests.memory : DEFAULT_MEMORY_REQUEST };
  }
  if (arr(spec.initContainers).length === 0) {
    // the common pod: Σ containers (each defaulted) + overhead, without rebuilding the spec
    const overhead = spec.overhead === undefined ? undefined : parseResourceList(spec.overhead);
    let cpu = overhead?.cpu ?? 0;
    let memory = overhead?.memory ?? 0;
    for (const c of containers) {
      const r = c.resources?.requests as Json | undefined;
      cpu += requestOrDefault(r, 'cpu', DEFAULT_MILLI_CPU_REQUEST);
      memory += requestOrDefault(r, 'memory', DEFAULT_MEMORY_REQUEST);
    }
    return { cpu, memory };
  }
  const withDefaults = (c: Json): Json => {
    const resources = (c.resources ?? {}) as Json;
    const reqs = { cpu: `${DEFAULT_MILLI_CPU_REQUEST}m`, memory: DEFAULT_MEMORY_REQUEST, ...((resources.requests ?? {}) as Json) };
    return { ...c, resources: { ...resources, requests: reqs } };
  };
  const r = computePodResourceRequest({ ...spec, containers: containers.map((c) => withDefaults(c as Json)), initContainers: arr<Json>(spec.initContainers).map(withDefaults) });
  return { cpu: r.cpu ?? 0, memory: r.memory ?? 0 };
}

const nonZeroByPod = new WeakMap<PodInfo, NonZeroRequests>();

/**
 * The pod's requests with every container that asks no cpu (memory) counted at 100m (200 Mi) —
 * `resource.PodRequests` with `NonMissingContainerRequests`. Without this, pods that request
 * nothing would all land on one node. Pods without a container list (test literals) count as one
 * container holding `requests`. Precomputed by podInfoOf.
 */
export function nonZeroRequests(pod: PodInfo): NonZeroRequests {
  if (pod.nonZeroRequests) return pod.nonZeroRequests;
  let cached = nonZeroByPod.get(pod);
  if (!cached) nonZeroByPod.set(pod, (cached = computeNonZeroRequests(obj(pod.pod.spec), pod.requests)));
  return cached;
}

const nonZeroByNode = new WeakMap<NodeInfo, NonZeroRequests>();

/** Σ nonZeroRequests over the node's pods (Kubernetes' NodeInfo.NonZeroRequested); precomputed by nodeInfoOf. */
export function nodeNonZeroRequested(node: NodeInfo): NonZeroRequests {
  if (node.nonZeroRequested) return node.nonZeroRequested;
  let cached = nonZeroByNode.get(node);
  if (!cached) {
    let cpu = 0;
    let memory = 0;
    for (const p of node.pods) {
      const r = nonZeroRequests(p);
      cpu += r.cpu;
      memory += r.memory;
    }
    nonZeroByNode.set(node, (cached = { cpu, memory }));
  }
  return cached;
}

/** Always built in this one place with the same key order, so every NodeNumbers shares one shape. */
function numbersOf(allocatable: Readonly<ResourceList>, requested: Readonly<ResourceList>, podCount: number, nonZero: NonZeroRequests, taints: readonly Taint[]): NodeNumbers {
  let doNotScheduleTaints = 0;
  let preferNoScheduleTaints = 0;
  for (const t of taints) {
    if (t.effect === 'NoSchedule' || t.effect === 'NoExecute') doNotScheduleTaints++;
    else if (t.effect === 'PreferNoSchedule') preferNoScheduleTaints++;
  }
  return {
    allocatableCpu: allocatable.cpu ?? 0,
    allocatableMemory: allocatable.memory ?? 0,
    allocatableEphemeralStorage: allocatable['ephemeral-storage'] ?? 0,
    allocatablePods: allocatable.pods ?? 0,
    requestedCpu: requested.cpu ?? 0,
    requestedMemory: requested.memory ?? 0,
    requestedEphemeralStorage: requested['ephemeral-storage'] ?? 0,
    podCount,
    nonZeroCpu: nonZero.cpu,
    nonZeroMemory: nonZero.memory,
    doNotScheduleTaints,
    preferNoScheduleTaints,
  };
}

const numbersByNode = new WeakMap<NodeInfo, NodeNumbers>();

/** The node's NodeNumbers: precomputed by nodeInfoOf, derived once for a hand-made NodeInfo. */
export function nodeNumbers(node: NodeInfo): NodeNumbers {
  if (node.numbers) return node.numbers;
  let cached = numbersByNode.get(node);
  if (!cached) numbersByNode.set(node, (cached = numbersOf(node.allocatable, node.requested, node.pods.length, nodeNonZeroRequested(node), node.taints)));
  return cached;
}

/** One frozen empty list shared by every PodInfo/NodeInfo without entries: most pods have no hostPorts, most nodes no affinity pods. */
const NONE: readonly never[] = Object.freeze([]);

/** hostPorts of the pod's containers, with Kubernetes' defaults (TCP, 0.0.0.0). */
export function hostPortsOf(spec: Json): readonly HostPort[] {
  let ports: HostPort[] | undefined;
  for (const c of arr<Container>(spec.containers)) {
    for (const p of c.ports ?? []) {
      if (!p.hostPort || p.hostPort <= 0) continue;
      (ports ??= []).push({ protocol: p.protocol || 'TCP', hostIP: p.hostIP || '0.0.0.0', port: p.hostPort });
    }
  }
  return ports ?? NONE;
}

type PodAffinitySpec = { podAffinity?: unknown; podAntiAffinity?: { requiredDuringSchedulingIgnoredDuringExecution?: unknown[] } };

/** Whether a pod has pod (anti-)affinity of any kind, and required anti-affinity terms: from PodInfo when precomputed, else its spec. */
export function affinityFlagsOf(p: PodInfo): { withAffinity: boolean; withRequiredAntiAffinity: boolean } {
  if (p.withAffinity !== undefined && p.withRequiredAntiAffinity !== undefined) return { withAffinity: p.withAffinity, withRequiredAntiAffinity: p.withRequiredAntiAffinity };
  const a = obj(obj(p.pod.spec).affinity) as PodAffinitySpec;
  return { withAffinity: !!(a.podAffinity || a.podAntiAffinity), withRequiredAntiAffinity: arr(a.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution).length > 0 };
}

export function podInfoOf(pod: KubeObject): PodInfo {
  const spec = obj(pod.spec);
  const affinity = obj(spec.affinity) as PodAffinitySpec;
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
    tolerations: arr<Toleration>(spec.tolerations),
    withAffinity: !!(affinity.podAffinity || affinity.podAntiAffinity),
    withRequiredAntiAffinity: arr(affinity.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution).length > 0,
    // from the containers; without any (a test literal) it follows `requests`, so stays unset
    ...(arr(spec.containers).length ? { nonZeroRequests: computeNonZeroRequests(spec, requests) } : {}),
  };
}

// Node classes: nodes with the same taints (key, value, effect, in order — the order decides which
// taint a rejection names) and the same unschedulable flag get one id, interned for the process's
// life. Clusters hold few distinct taint sets; timeAdded is left out as no filter reads it.
const classIds = new Map<string, number>();

/** The interned id of a (taints, unschedulable) pair. */
export function internNodeClass(taints: readonly Taint[], unschedulable: boolean): number {
  let key = unschedulable ? 'u' : 's';
  for (const t of taints) key += `\u0001${t.key}\u0000${t.value ?? ''}\u0000${t.effect}`;
  let id = classIds.get(key);
  if (id === undefined) classIds.set(key, (id = classIds.size));
  return id;
}

/** The node's class id: precomputed by nodeInfoOf, interned on the spot for a hand-made NodeInfo. */
export const nodeClassOf = (node: NodeInfo): number => node.nodeClass ?? internNodeClass(node.taints, node.unschedulable);

/** The parts of a NodeInfo that come from the Node object alone. */
type NodeParts = Pick<NodeInfo, 'node' | 'name' | 'labels' | 'taints' | 'unschedulable' | 'allocatable' | 'images'> & { readonly nodeClass: number };

function nodePartsOf(node: KubeObject): NodeParts {
  const spec = obj(node.spec);
  const status = obj(node.status);
  const images = new Map<string, number>();
  for (const image of arr<{ names?: string[]; sizeBytes?: number }>(status.images)) {
    for (const name of image.names ?? []) images.set(name, image.sizeBytes ?? 0);
  }
  const taints = arr<Taint>(spec.taints);
  const unschedulable = spec.unschedulable === true;
  return {
    node,
    name: node.metadata.name ?? '',
    labels: node.metadata.labels ?? {},
    taints,
    unschedulable,
    allocatable: parseResourceList(status.allocatable),
    images,
    nodeClass: internNodeClass(taints, unschedulable),
  };
}

/**
 * The node with these pods on it. `previous`, an earlier NodeInfo of the same node, lends the
 * parts parsed from the Node object when that object is unchanged — the scheduler cache rebuilds
 * a node's NodeInfo every time a pod lands on it, and the Node itself rarely changes.
 */
export function nodeInfoOf(node: KubeObject, pods: PodInfo[], previous?: NodeInfo): NodeInfo {
  const parts: NodeParts = previous && previous.node === node && previous.nodeClass !== undefined ? (previous as NodeParts) : nodePartsOf(node);
  const requested: ResourceList = {};
  let usedPorts: HostPort[] | undefined;
  let podsWithAffinity: PodInfo[] | undefined;
  let podsWithRequiredAntiAffinity: PodInfo[] | undefined;
  let nonZeroCpu = 0;
  let nonZeroMemory = 0;
  for (const p of pods) {
    addInto(requested, p.requests);
    const nonZero = nonZeroRequests(p);
    nonZeroCpu += nonZero.cpu;
    nonZeroMemory += nonZero.memory;
    for (const port of p.hostPorts) (usedPorts ??= []).push(port);
    // precomputed flags read directly: affinityFlagsOf builds an object, and this runs per pod per rebuild
    const flags = p.withAffinity !== undefined && p.withRequiredAntiAffinity !== undefined ? p : affinityFlagsOf(p);
    if (flags.withAffinity) (podsWithAffinity ??= []).push(p);
    if (flags.withRequiredAntiAffinity) (podsWithRequiredAntiAffinity ??= []).push(p);
  }
  return {
    node,
    name: parts.name,
    labels: parts.labels,
    taints: parts.taints,
    unschedulable: parts.unschedulable,
    allocatable: parts.allocatable,
    requested,
    pods,
    usedPorts: usedPorts ?? NONE,
    images: parts.images,
    podsWithAffinity: podsWithAffinity ?? NONE,
    podsWithRequiredAntiAffinity: podsWithRequiredAntiAffinity ?? NONE,
    nonZeroRequested: { cpu: nonZeroCpu, memory: nonZeroMemory },
    numbers: numbersOf(parts.allocatable, requested, pods.length, { cpu: nonZeroCpu, memory: nonZeroMemory }, parts.taints),
    nodeClass: parts.nodeClass,
  };
}
