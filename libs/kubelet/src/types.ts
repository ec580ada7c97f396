// The node agent's view of a pod: the API object (typed by `@kubernetes/client-node`'s models,
// type-only, in their JSON form — see Wire) and what the container runtime reports for it
// (CRI-shaped, as `libs/runtime` exposes it). Everything in this library is a pure function of
// these two plus the clock.
import type {
  V1ConfigMap,
  V1Container,
  V1ContainerStatus,
  V1KeyToPath,
  V1PersistentVolume,
  V1PersistentVolumeClaim,
  V1Pod,
  V1PodStatus,
  V1Probe,
  V1Secret,
  V1Volume,
} from '@kubernetes/client-node';

/**
 * A client-node model as it travels in JSON: client-node's classes hold timestamps as Date
 * (its ObjectSerializer converts them), the API sends and stores RFC 3339 strings.
 */
export type Wire<T> = T extends Date ? string : T extends readonly (infer U)[] ? Wire<U>[] : T extends object ? { [K in keyof T]: Wire<T[K]> } : T;

export type Pod = Wire<V1Pod>;
export type Container = Wire<V1Container>;
export type PodStatus = Wire<V1PodStatus>;
export type ContainerStatus = Wire<V1ContainerStatus>;
export type Probe = Wire<V1Probe>;
export type IConfigMap = Wire<V1ConfigMap>;
export type ISecret = Wire<V1Secret>;
export type IPersistentVolume = Wire<V1PersistentVolume>;
export type IPersistentVolumeClaim = Wire<V1PersistentVolumeClaim>;
export type IKeyToPath = Wire<V1KeyToPath>;
export type IVolume = Wire<V1Volume>;
export type RestartPolicy = 'Always' | 'OnFailure' | 'Never';

export type ObservedContainerState = 'created' | 'running' | 'exited' | 'unknown';

/** One container as the runtime reports it: the latest instance for that name. */
export interface ObservedContainer {
  readonly name: string;
  readonly id: string;
  readonly state: ObservedContainerState;
  readonly exitCode?: number;
  /** The runtime's reason for the exit, e.g. "OOMKilled", "Error", "Completed". */
  readonly reason?: string;
  readonly message?: string;
  readonly oomKilled?: boolean;
  /** Epoch milliseconds. */
  readonly startedAt?: number;
  readonly finishedAt?: number;
  readonly restartCount: number;
  readonly image?: string;
  /** Image digest reference: "nginx@sha256:…" for a pulled image, "sha256:…" for a local one. */
  readonly imageRef?: string;
  /** `containerHash(spec)` at the time the container was created. */
  readonly hash: string;
}

export interface ObservedSandbox {
  readonly id: string;
  readonly state: 'ready' | 'notready';
  readonly ip?: string;
}

/** Why the agent could not create/start a container last time (the kubelet's reasonCache). */
export interface StartFailure {
  readonly reason: 'ErrImagePull' | 'ImagePullBackOff' | 'CreateContainerConfigError' | 'CreateContainerError' | 'RunContainerError' | 'InvalidImageName' | 'ErrImageNeverPull';
  readonly message?: string;
}

export interface ObservedPod {
  readonly sandbox?: ObservedSandbox;
  readonly containers: readonly ObservedContainer[];
  /** Last start failure per container name, cleared by the agent on a successful start. */
  readonly startFailures?: Readonly<Record<string, StartFailure>>;
}

export const DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS = 30;

export const podUid = (pod: Pod): string => pod.metadata?.uid ?? '';
export const restartPolicyOf = (pod: Pod): RestartPolicy => (pod.spec?.restartPolicy as RestartPolicy | undefined) ?? 'Always';
export const initContainersOf = (pod: Pod): readonly Container[] => pod.spec?.initContainers ?? [];
export const containersOf = (pod: Pod): readonly Container[] => pod.spec?.containers ?? [];

/** A sidecar: an init container with restartPolicy Always keeps running beside the app containers. */
export const isSidecar = (c: Container): boolean => c.restartPolicy === 'Always';

/** "web-0_default(uid)" — how the kubelet's format.Pod names a pod in messages. */
export function formatPod(pod: Pod): string {
  return `${pod.metadata?.name ?? ''}_${pod.metadata?.namespace ?? ''}(${podUid(pod)})`;
}

export function findObserved(observed: ObservedPod, name: string): ObservedContainer | undefined {
  return observed.containers.find((c) => c.name === name);
}
