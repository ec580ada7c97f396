// generatePodStatus: the status the agent reports for a pod, from the spec, what the
// runtime shows, the probers and the back-off; `old` keeps times and last states stable.
// `statusChanged` tells the agent whether to write at all.
import isEqual from 'fast-deep-equal';
import type { BackoffView } from './backoff';
import type { PodCondition } from './conditions';
import { containersReadyCondition, initializedCondition, readyCondition, withTransitionTime } from './conditions';
import type { ProbeStatuses } from './container-statuses';
import { containerStatuses, rfc3339 } from './container-statuses';
import { getPhase } from './phase';
import { qosClass } from './qos';
import type { ObservedPod, Pod, PodStatus } from './types';

export interface NodeAddresses {
  readonly hostIP?: string;
  readonly hostIPs?: readonly string[];
}

const KUBELET_CONDITIONS = new Set(['PodScheduled', 'PodReadyToStartContainers', 'Initialized', 'ContainersReady', 'Ready']);

export function generatePodStatus(pod: Pod, observed: ObservedPod, probes: ProbeStatuses, backoff: BackoffView, now: number, old: PodStatus = {}, node: NodeAddresses = {}): PodStatus {
  const input = { pod, observed, probes, backoff, now };
  const initContainerStatuses = containerStatuses(pod.spec?.initContainers ?? [], { ...input, old: old.initContainerStatuses ?? [], isInit: true });
  const statuses = containerStatuses(pod.spec?.containers ?? [], { ...input, old: old.containerStatuses ?? [], isInit: false });
  // A terminal phase is final: the kubelet never moves a pod out of Succeeded or Failed.
  const phase = old.phase === 'Succeeded' || old.phase === 'Failed' ? old.phase : getPhase(pod, initContainerStatuses, statuses);

  const oldConditions = (old.conditions ?? []) as PodCondition[];
  const others = oldConditions.filter((c) => !KUBELET_CONDITIONS.has(c.type));
  const containersReady = containersReadyCondition(pod, initContainerStatuses, statuses, phase);
  const at = rfc3339(now);
  const sandboxReady = observed.sandbox?.state === 'ready';
  const conditions = [
    { type: 'PodReadyToStartContainers', status: sandboxReady ? 'True' : 'False' } as const,
    initializedCondition(pod, initContainerStatuses, statuses, phase),
    readyCondition(pod, containersReady, others),
    containersReady,
    { type: 'PodScheduled', status: 'True' } as const,
  ].map((d) => withTransitionTime(d, oldConditions, at));

  const podIP = observed.sandbox?.ip ?? old.podIP;
  const hostIPs = node.hostIPs ?? (node.hostIP ? [node.hostIP] : []);
  return {
    phase,
    conditions: [...others, ...conditions] as PodStatus['conditions'],
    ...(hostIPs.length ? { hostIP: hostIPs[0], hostIPs: hostIPs.map((ip) => ({ ip })) } : {}),
    ...(podIP ? { podIP, podIPs: [{ ip: podIP }] } : {}),
    startTime: old.startTime ?? at,
    ...(initContainerStatuses.length ? { initContainerStatuses } : {}),
    containerStatuses: statuses,
    qosClass: qosClass(pod),
  };
}

/** Exact comparison: any difference, however small, is worth a write; none is not. */
export function statusChanged(old: PodStatus | undefined, next: PodStatus): boolean {
  return !isEqual(old ?? {}, next);
}
