// The working set computePodActions fills in before it is turned into actions, and the
// kill details shared by the app and init container passes.
import type { Container, Pod } from './types';
import { DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS } from './types';

export type KillReason = 'SpecChanged' | 'LivenessProbe' | 'StartupProbe' | 'Unknown';

export interface KillInfo {
  readonly name: string;
  readonly reason: KillReason;
  readonly message: string;
  readonly gracePeriod: number;
}

/** What the probers concluded about a container instance, keyed by container id. */
export interface ProbeVerdict {
  readonly failed?: 'liveness' | 'startup';
  readonly started?: boolean;
}
export type ProbeVerdicts = Readonly<Record<string, ProbeVerdict>>;

export interface Changes {
  killPod?: 'SandboxChanged' | 'Completed' | 'InitFailed';
  createSandbox: boolean;
  /** By container id. */
  readonly kills: Map<string, KillInfo>;
  /** Indexes into spec.initContainers, in spec order. */
  initToStart: number[];
  readonly toStart: string[];
}

/** A probe may shorten the grace period of the kill it causes (probe.terminationGracePeriodSeconds). */
export function killInfo(pod: Pod, container: Container, reason: KillReason, message: string): KillInfo {
  const probe = reason === 'LivenessProbe' ? container.livenessProbe : reason === 'StartupProbe' ? container.startupProbe : undefined;
  return { name: container.name, reason, message, gracePeriod: probe?.terminationGracePeriodSeconds ?? podGracePeriod(pod) };
}

export const podGracePeriod = (pod: Pod): number => pod.spec?.terminationGracePeriodSeconds ?? DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS;

/** A delete's own grace period (kubectl delete --grace-period) wins over the spec's. */
export const deletionGracePeriod = (pod: Pod): number => pod.metadata?.deletionGracePeriodSeconds ?? podGracePeriod(pod);
