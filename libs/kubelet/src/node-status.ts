// The Node object an agent registers and keeps current, and its Lease, after the kubelet's
// nodestatus setters (pkg/kubelet/nodestatus/setters.go) and its node lease controller.
// Pure: the agent gathers the machine facts and passes the clock.
//
// Allocatable is capacity minus what `--reserved` keeps for the system, e.g. 2 CPUs and
// 24Gi with `cpu=100m,memory=512Mi` → allocatable cpu 1900m, memory 23.5Gi (24576Mi − 512Mi).
import { formatQuantity, milliValue, parseQuantity } from '@keelson/admission/quantity';

export const MAX_PODS = 110;
export const NODE_LEASE_NAMESPACE = 'kube-node-lease';
/** The kubelet's default nodeLeaseDurationSeconds; it renews every quarter of it (10 s). */
export const LEASE_DURATION_SECONDS = 40;
export const KUBELET_VERSION = 'v1.32.0-keelson';

export interface NodeImage {
  readonly names: readonly string[];
  readonly sizeBytes: number;
}

export interface MachineFacts {
  readonly cpus: number;
  readonly memoryBytes: number;
  readonly ephemeralStorageBytes: number;
  /** Node's `process.arch`: x64, arm64, … */
  readonly arch: string;
  readonly kernelVersion: string;
  readonly osImage: string;
  readonly containerRuntimeVersion: string;
  readonly machineID?: string;
  readonly bootID?: string;
}

export interface NodeConfig {
  readonly name: string;
  readonly hostname: string;
  /** The node's InternalIP (its namespace address on the underlay, 172.31.0.N). */
  readonly address: string;
  readonly kubeletPort: number;
  /** Where the kubelet port is reachable when not at the InternalIP: the agent serves from the root network namespace. */
  readonly kubeletHost?: string;
  /** "cpu=100m,memory=256Mi" parsed: resource → quantity. */
  readonly reserved: Readonly<Record<string, string>>;
  readonly maxPods?: number;
  readonly podCIDR?: string;
  readonly labels?: Readonly<Record<string, string>>;
}

export type ResourceList = Record<string, string>;

/** The host the apiserver dials for logs/exec/port-forward, when the InternalIP is not reachable from it. */
export const KUBELET_HOST_ANNOTATION = 'keelson.io/kubelet-host';

/** "cpu=100m,memory=256Mi" → { cpu: '100m', memory: '256Mi' } (the kubelet's --system-reserved form). */
export function parseReserved(spec: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of spec.split(',').map((s) => s.trim()).filter(Boolean)) {
    const [name, value] = part.split('=');
    if (!name || value === undefined) throw new Error(`invalid reserved resource ${JSON.stringify(part)}, expected name=quantity`);
    parseQuantity(value); // throws on a bad quantity
    out[name.trim()] = value.trim();
  }
  return out;
}

/** Go's GOARCH names, which the kubernetes.io/arch label carries. */
export function goArch(nodeArch: string): string {
  return ({ x64: 'amd64', ia32: '386', arm64: 'arm64', arm: 'arm', ppc64: 'ppc64le', s390x: 's390x' } as Record<string, string>)[nodeArch] ?? nodeArch;
}

export function nodeCapacity(machine: MachineFacts, maxPods = MAX_PODS): ResourceList {
  return {
    cpu: String(machine.cpus),
    memory: `${Math.floor(machine.memoryBytes / 1024)}Ki`,
    pods: String(maxPods),
    'ephemeral-storage': `${Math.floor(machine.ephemeralStorageBytes / 1024)}Ki`,
  };
}

/** Capacity minus reserved, never below zero; cpu in millicores, the rest in Ki. */
export function nodeAllocatable(capacity: ResourceList, reserved: Readonly<Record<string, string>>): ResourceList {
  const out: ResourceList = { ...capacity };
  for (const [name, value] of Object.entries(reserved)) {
    if (!(name in capacity)) continue;
    if (name === 'cpu') out.cpu = `${Math.max(0, milliValue(capacity.cpu) - milliValue(value))}m`;
    else if (name === 'pods') out.pods = String(Math.max(0, Number(capacity.pods) - Number(value)));
    else out[name] = `${Math.floor(Math.max(0, parseQuantity(capacity[name]) - parseQuantity(value)) / 1024)}Ki`;
  }
  return out;
}

export interface NodeCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
  lastHeartbeatTime: string;
  lastTransitionTime: string;
}

const rfc3339 = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** The conditions the agent owns; lastTransitionTime moves only when a status changes. */
export function nodeConditions(now: number, old: readonly NodeCondition[] = [], memoryPressure = false): NodeCondition[] {
  const at = rfc3339(now);
  const drafts: Omit<NodeCondition, 'lastHeartbeatTime' | 'lastTransitionTime'>[] = [
    memoryPressure
      ? { type: 'MemoryPressure', status: 'True', reason: 'KubeletHasInsufficientMemory', message: 'kubelet has insufficient memory available' }
      : { type: 'MemoryPressure', status: 'False', reason: 'KubeletHasSufficientMemory', message: 'kubelet has sufficient memory available' },
    { type: 'DiskPressure', status: 'False', reason: 'KubeletHasNoDiskPressure', message: 'kubelet has no disk pressure' },
    { type: 'PIDPressure', status: 'False', reason: 'KubeletHasSufficientPID', message: 'kubelet has sufficient PID available' },
    { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' },
  ];
  return drafts.map((d) => {
    const prev = old.find((c) => c.type === d.type);
    return { ...d, lastHeartbeatTime: at, lastTransitionTime: prev && prev.status === d.status ? prev.lastTransitionTime : at };
  });
}

/** Images for the scheduler's ImageLocality: biggest first, at most 50 as the kubelet reports. */
export function nodeImages(images: readonly NodeImage[]): NodeImage[] {
  return [...images].filter((i) => i.names.length > 0).sort((a, b) => b.sizeBytes - a.sizeBytes).slice(0, 50);
}

export interface NodeObject {
  apiVersion: 'v1';
  kind: 'Node';
  metadata: { name: string; labels: Record<string, string>; annotations?: Record<string, string>; [k: string]: unknown };
  spec: { podCIDR?: string; podCIDRs?: string[]; [k: string]: unknown };
  status: Record<string, unknown> & { conditions: NodeCondition[] };
}

/** The whole Node as the agent registers it. */
export function nodeObject(config: NodeConfig, machine: MachineFacts, images: readonly NodeImage[], now: number, oldConditions: readonly NodeCondition[] = []): NodeObject {
  const capacity = nodeCapacity(machine, config.maxPods);
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: config.name,
      labels: {
        'kubernetes.io/hostname': config.hostname,
        'kubernetes.io/os': 'linux',
        'kubernetes.io/arch': goArch(machine.arch),
        'beta.kubernetes.io/os': 'linux',
        'beta.kubernetes.io/arch': goArch(machine.arch),
        ...config.labels,
      },
      ...(config.kubeletHost ? { annotations: { [KUBELET_HOST_ANNOTATION]: config.kubeletHost } } : {}),
    },
    spec: config.podCIDR ? { podCIDR: config.podCIDR, podCIDRs: [config.podCIDR] } : {},
    status: nodeStatus(config, machine, images, now, oldConditions, capacity),
  };
}

export function nodeStatus(config: NodeConfig, machine: MachineFacts, images: readonly NodeImage[], now: number, oldConditions: readonly NodeCondition[] = [], capacity = nodeCapacity(machine, config.maxPods), memoryPressure = false): NodeObject['status'] {
  return {
    capacity,
    allocatable: nodeAllocatable(capacity, config.reserved),
    conditions: nodeConditions(now, oldConditions, memoryPressure),
    addresses: [
      { type: 'InternalIP', address: config.address },
      { type: 'Hostname', address: config.hostname },
    ],
    daemonEndpoints: { kubeletEndpoint: { Port: config.kubeletPort } },
    nodeInfo: {
      machineID: machine.machineID ?? '',
      systemUUID: machine.machineID ?? '',
      bootID: machine.bootID ?? '',
      kernelVersion: machine.kernelVersion,
      osImage: machine.osImage,
      containerRuntimeVersion: machine.containerRuntimeVersion,
      kubeletVersion: KUBELET_VERSION,
      kubeProxyVersion: KUBELET_VERSION,
      operatingSystem: 'linux',
      architecture: goArch(machine.arch),
    },
    images: nodeImages(images),
  };
}

/**
 * The status with extended resources added to capacity and allocatable (device plugins'
 * example.com/gpu: 2). A resource that was advertised once stays, at 0 when it is gone,
 * which the scheduler reads as "none left" (as the kubelet keeps a vanished plugin's resource).
 */
export function withExtendedResources(status: NodeObject['status'], extended: { capacity: ResourceList; allocatable: ResourceList }): NodeObject['status'] {
  if (Object.keys(extended.capacity).length === 0) return status;
  return { ...status, capacity: { ...(status.capacity as ResourceList), ...extended.capacity }, allocatable: { ...(status.allocatable as ResourceList), ...extended.allocatable } };
}

/** What changed enough to post the status before the periodic report (the heartbeat times do not count). */
export function nodeStatusChanged(old: NodeObject['status'] | undefined, next: NodeObject['status']): boolean {
  const strip = (s: NodeObject['status'] | undefined) => s && { ...s, conditions: (s.conditions ?? []).map(({ lastHeartbeatTime: _h, ...c }) => c) };
  return JSON.stringify(strip(old)) !== JSON.stringify(strip(next));
}

/** The node's Lease: the cheap heartbeat the node lifecycle controller watches. */
export function leaseObject(nodeName: string, nodeUid: string | undefined, now: number, durationSeconds = LEASE_DURATION_SECONDS) {
  const renewTime = new Date(now).toISOString().replace('Z', '000Z'); // MicroTime: microsecond precision
  return {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: {
      name: nodeName,
      namespace: NODE_LEASE_NAMESPACE,
      ...(nodeUid ? { ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: nodeName, uid: nodeUid }] } : {}),
    },
    spec: { holderIdentity: nodeName, leaseDurationSeconds: durationSeconds, renewTime },
  };
}

/** Node N's pod subnet when no allocator gave one: 10.244.N.0/24 (cluster CIDR 10.244.0.0/16). */
export function defaultPodCIDR(nodeNumber: number): string {
  if (!Number.isInteger(nodeNumber) || nodeNumber < 0 || nodeNumber > 255) throw new Error(`node number ${nodeNumber} gives no /24 in 10.244.0.0/16`);
  return `10.244.${nodeNumber}.0/24`;
}

export const formatBytesKi = (bytes: number): string => formatQuantity(Math.floor(bytes / 1024) * 1024, 'BinarySI');
