// The Node and its Lease, kept current: register (or adopt) the Node, pick its podCIDR when
// no allocator gave one, renew the Lease every 10 s, and post the status when it changes or
// once a minute (the heartbeat in the Ready condition), as the kubelet's node status loop does.
import { readFileSync, statfsSync } from 'node:fs';
import { resolve } from 'node:path';
import { arch, cpus, release, totalmem } from 'node:os';
import type Docker from 'dockerode';
import type { KubeObject } from '@keelson/apimachinery';
import { objectPath, type ApiClient } from '@keelson/informer';
import { defaultPodCIDR, KUBELET_HOST_ANNOTATION, LOCAL_PATH_ROOT_ANNOTATION, leaseObject, localPathRoot, nodeObject, nodeStatus, nodeStatusChanged, NODE_LEASE_NAMESPACE, parseReserved, type MachineFacts, type NodeConfig, type NodeImage, type NodeObject } from '@keelson/kubelet';
import type { NodeAgentConfig } from './config';

const LEASE_RENEW_MS = 10_000;
const STATUS_CHECK_MS = 10_000;
const STATUS_REPORT_MS = 60_000;

export interface RegisteredNode {
  readonly podCIDR: string;
  readonly uid?: string;
  readonly allocatable: Record<string, string>;
  stop(): void;
}

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
): Promise<RegisteredNode> {
  const path = objectPath('', 'v1', 'nodes', undefined, config.name);
  // The agent listens in the root network namespace, where the apiserver is: loopback reaches it.
  const machine = await machineFacts(docker, config);
  const nodeConfig = (podCIDR?: string): NodeConfig => ({ name: config.name, hostname: config.name, address, kubeletPort, kubeletHost: KUBELET_HOST, reserved: parseReserved(config.reserved), podCIDR });
  let current = (await api.get(path).catch((e) => ((e as { code?: number }).code === 404 ? undefined : Promise.reject(e)))) as NodeObject | undefined;
  let podCIDR = current?.spec?.podCIDR;
  if (!current) {
    // No allocator has run for a node that does not exist yet: take this node's own /24.
    podCIDR = defaultPodCIDR(config.node);
    current = (await api.create(objectPath('', 'v1', 'nodes', undefined), nodeObject(nodeConfig(podCIDR), machine, await nodeImagesFrom(docker), Date.now()))) as unknown as NodeObject;
    log(`registered node ${config.name} (podCIDR ${podCIDR})`);
  }
  // Where the apiserver reaches this kubelet, and where local-path volumes of this node live.
  const annotations = { [KUBELET_HOST_ANNOTATION]: KUBELET_HOST, [LOCAL_PATH_ROOT_ANNOTATION]: localPathRoot(resolve(config.stateDir)) };
  if (Object.entries(annotations).some(([k, v]) => current!.metadata?.annotations?.[k] !== v)) {
    current = (await api.patch(path, { metadata: { annotations } })) as unknown as NodeObject;
  }
  if (!podCIDR) {
    podCIDR = defaultPodCIDR(config.node);
    current = (await api.patch(path, { spec: { podCIDR, podCIDRs: [podCIDR] } })) as unknown as NodeObject;
    log(`node ${config.name} had no podCIDR; set ${podCIDR}`);
  }
  const uid = (current as unknown as KubeObject).metadata.uid;
  let lastStatus: NodeObject['status'] | undefined;
  let lastReport = 0;
  const postStatus = async () => {
    const next = nodeStatus(nodeConfig(podCIDR), machine, await nodeImagesFrom(docker), Date.now(), lastStatus?.conditions ?? current?.status?.conditions ?? [], undefined, memoryPressure());
    if (lastStatus && !nodeStatusChanged(lastStatus, next) && Date.now() - lastReport < STATUS_REPORT_MS) return;
    await api.patch(`${path}/status`, { status: next });
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
  return {
    podCIDR: podCIDR!,
    uid,
    allocatable: (lastStatus?.allocatable ?? {}) as Record<string, string>,
    stop: () => timers.forEach(clearInterval),
  };
}
