// The Node and its Lease, kept current: register (or adopt) the Node, wait for the podCIDR the
// controller-manager's nodeipam gives it (or claim `--pod-cidr`, kubelet's standalone flag),
// renew the Lease every 10 s, and post the status when it changes or once a minute (the
// heartbeat in the Ready condition), as the kubelet's node status loop does.
//
// A new Node is registered with the network-unavailable taint and NetworkUnavailable=True
// (kubelet's --register-with-taints, and the condition flannel's cloud setups start from); the
// overlay agent clears both once flannel.1 and its routes are up. Status is posted as a
// strategic merge patch, as kubelet does, so conditions merge by type and the overlay agent's
// NetworkUnavailable is not overwritten by this loop's four.
import { readFileSync, statfsSync } from 'node:fs';
import { resolve } from 'node:path';
import { arch, cpus, release, totalmem } from 'node:os';
import type Docker from 'dockerode';
import type { KubeObject } from '@keelson/apimachinery';
import { objectPath, type ApiClient } from '@keelson/informer';
import { withExtendedResources, KUBELET_HOST_ANNOTATION, LOCAL_PATH_ROOT_ANNOTATION, localPathRoot, leaseObject, nodeObject, nodeStatus, nodeStatusChanged, NODE_LEASE_NAMESPACE, parseReserved, type MachineFacts, type NodeConfig, type NodeImage, type NodeObject } from '@keelson/kubelet';
import { networkUnavailableCondition, TAINT_NETWORK_UNAVAILABLE } from '@keelson/overlay';
import type { NodeAgentConfig } from './config';

const LEASE_RENEW_MS = 10_000;
const STATUS_CHECK_MS = 10_000;
const STATUS_REPORT_MS = 60_000;
const POD_CIDR_POLL_MS = 500;

export interface RegisteredNode {
  readonly podCIDR: string;
  readonly uid?: string;
  readonly allocatable: Record<string, string>;
  /** Posts the status now if it changed (e.g. a device plugin's devices did), rather than at the next check. */
  refresh(): void;
  stop(): void;
}

/** Resources the node advertises beyond the machine's own: device plugins' extended resources. */
export type ExtendedResources = () => { capacity: Record<string, string>; allocatable: Record<string, string> };

export async function machineFacts(docker: Docker, config: NodeAgentConfig): Promise<MachineFacts> {
  const version = await docker.version();
  const read = (p: string) => {
    try {
      return readFileSync(p, 'utf8').trim();
    } catch {
      return undefined;
    }
  };
  const fs = statfsSync(config.stateDir);
  return {
    cpus: config.cpus ?? cpus().length,
    memoryBytes: totalmem(),
    ephemeralStorageBytes: fs.blocks * fs.bsize,
    arch: arch(),
    kernelVersion: release(),
    osImage: /^PRETTY_NAME="?([^"\n]*)"?/m.exec(read('/etc/os-release') ?? '')?.[1] ?? 'Linux',
    containerRuntimeVersion: `docker://${version.Version}`,
    machineID: read('/etc/machine-id'),
    bootID: read('/proc/sys/kernel/random/boot_id'),
  };
}

export async function nodeImagesFrom(docker: Docker): Promise<NodeImage[]> {
  const images = await docker.listImages();
  return images.map((i) => ({ names: [...(i.RepoDigests ?? []), ...(i.RepoTags ?? [])].filter((n) => !n.includes('<none>')), sizeBytes: i.Size }));
}

const KUBELET_HOST = '127.0.0.1';

export async function registerNode(
  api: ApiClient,
  docker: Docker,
  config: NodeAgentConfig,
  address: string,
  kubeletPort: number,
  memoryPressure: () => boolean,
  log: (line: string) => void,
  extended: ExtendedResources = () => ({ capacity: {}, allocatable: {} }),
): Promise<RegisteredNode> {
  const path = objectPath('', 'v1', 'nodes', undefined, config.name);
  // The agent listens in the root network namespace, where the apiserver is: loopback reaches it.
  const machine = await machineFacts(docker, config);
  const nodeConfig = (podCIDR?: string): NodeConfig => ({ name: config.name, hostname: config.name, address, kubeletPort, kubeletHost: KUBELET_HOST, reserved: parseReserved(config.reserved), podCIDR });
  let current = (await api.get(path).catch((e) => ((e as { code?: number }).code === 404 ? undefined : Promise.reject(e)))) as NodeObject | undefined;
  const networkDown = () => networkUnavailableCondition({ ready: false, reason: 'the overlay is not set up yet' }, new Date());
  if (!current) {
    const node = nodeObject(nodeConfig(), machine, await nodeImagesFrom(docker), Date.now());
    const registered = { ...node, spec: { ...node.spec, taints: [{ key: TAINT_NETWORK_UNAVAILABLE, effect: 'NoSchedule' }] }, status: { ...node.status, conditions: [...node.status.conditions, networkDown()] } };
    current = (await api.create(objectPath('', 'v1', 'nodes', undefined), registered)) as unknown as NodeObject;
    log(`registered node ${config.name}`);
  }
  // Where the apiserver reaches this kubelet, and where local-path volumes of this node live.
  const annotations = { [KUBELET_HOST_ANNOTATION]: KUBELET_HOST, [LOCAL_PATH_ROOT_ANNOTATION]: localPathRoot(resolve(config.stateDir)) };
  if (Object.entries(annotations).some(([k, v]) => current!.metadata?.annotations?.[k] !== v)) {
    current = (await api.patch(path, { metadata: { annotations } })) as unknown as NodeObject;
  }
  // A Node registered before the overlay existed says nothing about its network: say it once.
  let initialConditions = current.status?.conditions?.some((c) => c.type === 'NetworkUnavailable') ? [] : [networkDown()];
  const uid = (current as unknown as KubeObject).metadata.uid;
  let lastStatus: NodeObject['status'] | undefined;
  let lastReport = 0;
  let podCIDR: string | undefined;
  const postStatus = async () => {
    const next = withExtendedResources(nodeStatus(nodeConfig(podCIDR), machine, await nodeImagesFrom(docker), Date.now(), lastStatus?.conditions ?? current?.status?.conditions ?? [], undefined, memoryPressure()), extended());
    if (lastStatus && !nodeStatusChanged(lastStatus, next) && Date.now() - lastReport < STATUS_REPORT_MS) return;
    await api.patch(`${path}/status`, { status: { ...next, conditions: [...next.conditions, ...initialConditions] } }, { patchType: 'strategic' });
    initialConditions = [];
    lastStatus = next;
    lastReport = Date.now();
  };
  const leasePath = objectPath('coordination.k8s.io', 'v1', 'leases', NODE_LEASE_NAMESPACE, config.name);
  const renewLease = async () => {
    const lease = leaseObject(config.name, uid, Date.now());
    try {
      await api.patch(leasePath, { spec: lease.spec });
    } catch (e) {
      if ((e as { code?: number }).code !== 404) throw e;
      await api.create(objectPath('coordination.k8s.io', 'v1', 'leases', NODE_LEASE_NAMESPACE), lease);
    }
  };
  await postStatus();
  await renewLease();
  const loop = (f: () => Promise<void>, ms: number, what: string) => setInterval(() => void f().catch((e) => log(`${what} failed: ${(e as Error).message}`)), ms);
  const timers = [loop(renewLease, LEASE_RENEW_MS, 'lease renewal'), loop(postStatus, STATUS_CHECK_MS, 'node status')];
  try {
    podCIDR = await waitForPodCIDR(api, path, config, log);
  } catch (e) {
    timers.forEach(clearInterval);
    throw e;
  }
  return {
    podCIDR: podCIDR!,
    uid,
    allocatable: (lastStatus?.allocatable ?? {}) as Record<string, string>,
    refresh: () => void postStatus().catch((e) => log(`node status failed: ${(e as Error).message}`)),
    stop: () => timers.forEach(clearInterval),
  };
}

/**
 * spec.podCIDR once nodeipam has set it, as kubelet waits for it before it runs pods. With
 * `--pod-cidr` (no allocator, e.g. a node on its own) the agent claims that /24 itself.
 */
async function waitForPodCIDR(api: ApiClient, path: string, config: NodeAgentConfig, log: (line: string) => void): Promise<string> {
  for (let waited = 0; ; waited += POD_CIDR_POLL_MS) {
    const node = (await api.get(path)) as unknown as NodeObject;
    if (node.spec?.podCIDR) return node.spec.podCIDR;
    if (config.podCIDR) {
      // Conditional: if nodeipam (or a status post) got there first, the next look decides.
      const claimed = await api.patch(path, { metadata: { resourceVersion: (node as unknown as KubeObject).metadata.resourceVersion }, spec: { podCIDR: config.podCIDR, podCIDRs: [config.podCIDR] } }).then(
        () => true,
        (e) => ((e as { code?: number }).code === 409 ? false : Promise.reject(e)),
      );
      if (claimed) log(`node ${config.name} claimed podCIDR ${config.podCIDR} (--pod-cidr)`);
      continue;
    }
    if (waited % 10_000 === 0) log(`waiting for the controller-manager to give node ${config.name} a podCIDR`);
    await new Promise((r) => setTimeout(r, POD_CIDR_POLL_MS));
  }
}
