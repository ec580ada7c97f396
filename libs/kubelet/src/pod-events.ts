// The Events the kubelet writes about a pod and its containers: reasons from
// pkg/kubelet/events, messages as kuberuntime, the prober and the eviction manager word them.
// Container events name the container by fieldPath (`spec.containers{app}`), as the kubelet's
// GenerateContainerRef does, so `kubectl describe pod` shows which one.
import type { EventType, ObjectReference } from '@keelson/events';
import { formatGoDuration } from './backoff';
import type { ProbeType } from './probes';
import { formatPod, type Pod } from './types';

/** What the agent records through: @keelson/events' EventRecorder fits (queued, never throws). */
export interface PodEventRecorder {
  record(involved: ObjectReference, type: EventType, reason: string, message: string): void;
}

export interface PodEvent {
  /** The container the event is about; none for the pod itself. */
  readonly container?: string;
  readonly type: EventType;
  readonly reason: string;
  readonly message: string;
}

/** The pod, or one of its containers as `spec.containers{name}` / `spec.initContainers{name}`. */
export function podRef(pod: Pod, container?: string): ObjectReference {
  const m = pod.metadata ?? {};
  const ref: ObjectReference = { apiVersion: 'v1', kind: 'Pod', namespace: m.namespace, name: m.name ?? '', uid: m.uid, resourceVersion: m.resourceVersion };
  if (container === undefined) return ref;
  const init = pod.spec?.initContainers?.some((c) => c.name === container);
  return { ...ref, fieldPath: `spec.${init ? 'initContainers' : 'containers'}{${container}}` };
}

const q = JSON.stringify;
const PROBE_NAMES: Record<ProbeType, string> = { liveness: 'Liveness', readiness: 'Readiness', startup: 'Startup' };

export const podEvents = {
  imagePresent: (container: string, image: string): PodEvent => ({ container, type: 'Normal', reason: 'Pulled', message: `Container image ${q(image)} already present on machine` }),
  imageNeverPull: (container: string, image: string): PodEvent => ({ container, type: 'Warning', reason: 'ErrImageNeverPull', message: `Container image ${q(image)} is not present with pull policy of Never` }),
  pulling: (container: string, image: string): PodEvent => ({ container, type: 'Normal', reason: 'Pulling', message: `Pulling image ${q(image)}` }),
  pulled: (container: string, image: string, ms: number): PodEvent => ({ container, type: 'Normal', reason: 'Pulled', message: `Successfully pulled image ${q(image)} in ${formatSeconds(ms)} (${formatSeconds(ms)} including waiting)` }),
  pullFailed: (container: string, image: string, error: string): PodEvent => ({ container, type: 'Warning', reason: 'Failed', message: `Failed to pull image ${q(image)}: ${error}` }),
  pullBackOff: (container: string, image: string): PodEvent => ({ container, type: 'Normal', reason: 'BackOff', message: `Back-off pulling image ${q(image)}` }),
  /** "Error: ErrImagePull", "Error: configmap "x" not found": why the container could not be created or started. */
  failed: (container: string, error: string): PodEvent => ({ container, type: 'Warning', reason: 'Failed', message: `Error: ${error}` }),
  created: (container: string): PodEvent => ({ container, type: 'Normal', reason: 'Created', message: `Created container: ${container}` }),
  started: (container: string): PodEvent => ({ container, type: 'Normal', reason: 'Started', message: `Started container ${container}` }),
  /** `message`: why, when a probe or a spec change kills it ("Container app failed liveness probe, will be restarted"). */
  killing: (container: string, message?: string): PodEvent => ({ container, type: 'Normal', reason: 'Killing', message: message || `Stopping container ${container}` }),
  crashLoopBackOff: (pod: Pod, container: string): PodEvent => ({ container, type: 'Warning', reason: 'BackOff', message: `Back-off restarting failed container ${container} in pod ${formatPod(pod)}` }),
  unhealthy: (container: string, probe: ProbeType, output: string): PodEvent => ({ container, type: 'Warning', reason: 'Unhealthy', message: `${PROBE_NAMES[probe]} probe failed: ${output.trimEnd()}` }),
  sandboxFailed: (error: string): PodEvent => ({ type: 'Warning', reason: 'FailedCreatePodSandBox', message: `Failed to create pod sandbox: ${error}` }),
  sandboxChanged: (): PodEvent => ({ type: 'Normal', reason: 'SandboxChanged', message: 'Pod sandbox changed, it will be killed and re-created.' }),
  killPodFailed: (error: string): PodEvent => ({ type: 'Warning', reason: 'FailedKillPod', message: `error killing pod: ${error}` }),
  failedMount: (error: string): PodEvent => ({ type: 'Warning', reason: 'FailedMount', message: error }),
  evicted: (message: string): PodEvent => ({ type: 'Warning', reason: 'Evicted', message }),
} as const;

/** Go's Duration.String() for a pull time: 850ms, 1.2s, 1m3.5s. */
function formatSeconds(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${+(ms / 1000).toFixed(3)}s`;
  return formatGoDuration(ms);
}
