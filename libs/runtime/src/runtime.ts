// The node agent's container runtime, shaped after Kubernetes' CRI (RuntimeService and
// ImageService) so the agent's logic is the kubelet's and its tests can swap in FakeRuntime.
// DockerRuntime implements it on the Docker Engine, as dockershim/cri-dockerd did.
import type { Duplex, Readable } from 'node:stream';
import type { LinuxContainerResources } from './resources';

export const LABEL_POD_UID = 'keelson.io/pod-uid';
export const LABEL_POD_NAME = 'keelson.io/pod-name';
export const LABEL_NAMESPACE = 'keelson.io/namespace';
export const LABEL_NODE = 'keelson.io/node';
/** "sandbox" or "container": what a Docker container is to Keelson. */
export const LABEL_TYPE = 'keelson.io/type';
export const LABEL_SANDBOX_ID = 'keelson.io/sandbox-id';
export const LABEL_CONTAINER_NAME = 'keelson.io/container-name';
export const LABEL_RESTART_COUNT = 'keelson.io/restart-count';
export const LABEL_ATTEMPT = 'keelson.io/attempt';

export interface PortMapping {
  readonly hostPort: number;
  readonly containerPort: number;
  readonly protocol?: 'TCP' | 'UDP' | 'SCTP';
  readonly hostIP?: string;
}

export interface DnsConfig {
  readonly servers?: readonly string[];
  readonly searches?: readonly string[];
  readonly options?: readonly string[];
}

export interface PodSandboxConfig {
  readonly uid: string;
  readonly name: string;
  readonly namespace: string;
  readonly node: string;
  readonly hostname: string;
  /** Sandboxes of one pod are numbered from 0; a re-created sandbox gets the next. */
  readonly attempt?: number;
  readonly labels?: Readonly<Record<string, string>>;
  readonly dns?: DnsConfig;
  /** Kept for the CNI portmap plugin; the sandbox itself publishes nothing (network none). */
  readonly portMappings?: readonly PortMapping[];
}

export type SandboxState = 'ready' | 'notready';

export interface PodSandbox {
  readonly id: string;
  readonly uid: string;
  readonly name: string;
  readonly namespace: string;
  readonly node: string;
  readonly attempt: number;
  readonly state: SandboxState;
  /** Epoch milliseconds. */
  readonly createdAt: number;
  readonly labels: Readonly<Record<string, string>>;
}

export interface PodSandboxStatus extends PodSandbox {
  /** The infra process; `/proc/<pid>/ns/net` is the pod's network namespace (CNI_NETNS). */
  readonly pid?: number;
  readonly hostname: string;
}

export interface SandboxFilter {
  readonly id?: string;
  readonly uid?: string;
  readonly node?: string;
  readonly state?: SandboxState;
}

export interface Mount {
  readonly hostPath: string;
  readonly containerPath: string;
  readonly readOnly?: boolean;
}

/** A host device node in the container (CRI's Device; from a device plugin's Allocate). */
export interface DeviceMapping {
  readonly hostPath: string;
  readonly containerPath: string;
  /** cgroup device permissions: any of "r", "w", "m". */
  readonly permissions: string;
}

export interface ContainerConfig {
  readonly name: string;
  readonly image: string;
  /** Kubernetes' `command`: replaces the image's ENTRYPOINT (and then its CMD is not used). */
  readonly command?: readonly string[];
  /** Kubernetes' `args`: replaces the image's CMD. */
  readonly args?: readonly string[];
  readonly env?: readonly { readonly name: string; readonly value: string }[];
  readonly workingDir?: string;
  readonly mounts?: readonly Mount[];
  readonly labels?: Readonly<Record<string, string>>;
  readonly restartCount?: number;
  readonly resources?: LinuxContainerResources;
  readonly tty?: boolean;
  readonly stdin?: boolean;
  /** "uid" or "uid:gid" (securityContext.runAsUser/runAsGroup). */
  readonly user?: string;
  readonly privileged?: boolean;
  readonly devices?: readonly DeviceMapping[];
  /** CRI annotations; Docker has none before API 1.43, so they become labels "annotation.<key>" as in dockershim. */
  readonly annotations?: Readonly<Record<string, string>>;
}

export const ANNOTATION_LABEL_PREFIX = 'annotation.';

export type ContainerState = 'created' | 'running' | 'exited' | 'unknown';

export interface ContainerInfo {
  readonly id: string;
  readonly sandboxId: string;
  readonly podUid: string;
  readonly name: string;
  readonly image: string;
  readonly state: ContainerState;
  readonly createdAt: number;
  readonly restartCount: number;
  readonly labels: Readonly<Record<string, string>>;
}

export interface ContainerStatus extends ContainerInfo {
  /** The image's id ("sha256:…"): the pod status' imageID. */
  readonly imageId: string;
  readonly exitCode?: number;
  readonly oomKilled: boolean;
  /** "OOMKilled", "Completed" (exit 0) or "Error", as dockershim reported them. */
  readonly reason?: string;
  readonly message?: string;
  readonly startedAt?: number;
  readonly finishedAt?: number;
  readonly pid?: number;
}

export interface ContainerFilter {
  readonly id?: string;
  readonly sandboxId?: string;
  readonly podUid?: string;
  /** Every container of the node's pods (the garbage collector's one listing). */
  readonly node?: string;
  readonly name?: string;
  readonly state?: ContainerState;
}

export interface ExecResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly exitCode: number;
}

export interface ExecOptions {
  readonly cmd: readonly string[];
  readonly tty?: boolean;
  readonly stdin?: boolean;
}

/** An interactive exec: a raw duplex (Docker's multiplexed frames unless tty) and its controls. */
export interface ExecSession {
  readonly stream: Duplex;
  resize(size: { width: number; height: number }): Promise<void>;
  /** The exit code once the command has ended. */
  exitCode(): Promise<number | undefined>;
}

export interface LogOptions {
  readonly follow?: boolean;
  /** Last N lines; undefined for all. */
  readonly tail?: number;
  /** Epoch seconds. */
  readonly since?: number;
  readonly timestamps?: boolean;
}

export interface ImageStatus {
  readonly id: string;
  readonly tags: readonly string[];
  readonly size: number;
}

/** What CRI's ImageService answers when an image cannot be pulled; the agent reports ErrImagePull. */
export class ImagePullError extends Error {
  readonly reason = 'ErrImagePull';
  constructor(readonly image: string) {
    super(`rpc error: code = Unknown desc = Error response from daemon: pull access denied for ${image}: no registry is reachable from this machine; build it with tools/images`);
    this.name = 'ImagePullError';
  }
}

export interface ContainerRuntime {
  runPodSandbox(config: PodSandboxConfig): Promise<string>;
  /** Stops the infra container. Tear the pod's network down with CNI *before*: its netns dies with the pause process. */
  stopPodSandbox(id: string): Promise<void>;
  removePodSandbox(id: string): Promise<void>;
  podSandboxStatus(id: string): Promise<PodSandboxStatus | undefined>;
  listPodSandboxes(filter?: SandboxFilter): Promise<PodSandbox[]>;

  createContainer(sandboxId: string, config: ContainerConfig): Promise<string>;
  startContainer(id: string): Promise<void>;
  stopContainer(id: string, timeoutSeconds: number): Promise<void>;
  removeContainer(id: string): Promise<void>;
  listContainers(filter?: ContainerFilter): Promise<ContainerInfo[]>;
  containerStatus(id: string): Promise<ContainerStatus | undefined>;

  execSync(id: string, cmd: readonly string[], timeoutSeconds?: number): Promise<ExecResult>;
  exec(id: string, options: ExecOptions): Promise<ExecSession>;
  /** The container's output, stdout and stderr interleaved, as plain bytes. */
  logs(id: string, options?: LogOptions): Promise<Readable>;

  imageStatus(name: string): Promise<ImageStatus | undefined>;
  /** Always rejects with ImagePullError here: no registry is reachable, and no traffic may leave the machine. */
  pullImage(name: string): Promise<never>;
}
