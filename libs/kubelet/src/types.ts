// The node agent's view of a pod: the API object (typed by the `kubernetes-models` package,
// type-only) and what the container runtime reports for it (CRI-shaped, as `libs/runtime`
// exposes it). Everything in this library is a pure function of these two plus the clock.
import type { IPod } from 'kubernetes-models/v1/Pod';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IPodStatus } from 'kubernetes-models/v1/PodStatus';
import type { IContainerStatus } from 'kubernetes-models/v1/ContainerStatus';
import type { IProbe } from 'kubernetes-models/v1/Probe';

export type Pod = IPod;
export type Container = IContainer;
export type PodStatus = IPodStatus;
export type ContainerStatus = IContainerStatus;
export type Probe = IProbe;
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
