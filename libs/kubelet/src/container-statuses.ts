// Runtime observations → containerStatuses / initContainerStatuses, after the kubelet's
// convertToAPIContainerStatuses. A container that will be started again but is held back
// (crash-loop back-off, image pull back-off, a start failure) shows `waiting` with that
// reason and its last run as `lastState.terminated`.
import type { BackoffView } from './backoff';
import { backoffKey, crashLoopMessage, imagePullBackOffMessage } from './backoff';
import { imagePullKey, shouldContainerBeRestarted } from './pod-actions';
import type { Container, ContainerStatus, ObservedContainer, ObservedPod, Pod } from './types';
import { findObserved } from './types';

/** What the probers say about a container instance, keyed by container id. */
export interface ProbeStatus {
  readonly started: boolean;
  readonly ready: boolean;
}
export type ProbeStatuses = Readonly<Record<string, ProbeStatus>>;

type State = NonNullable<ContainerStatus['state']>;

/** RFC 3339 at second precision, as metav1.Time marshals. */
export const rfc3339 = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

export const containerID = (id: string): string => `docker://${id}`;

/** "nginx@sha256:…" was pulled by digest; a bare "sha256:…" is a local image id. */
export function imageID(ref: string | undefined): string {
  if (!ref) return '';
  if (ref.includes('://')) return ref;
  return ref.includes('@') ? `docker-pullable://${ref}` : `docker://${ref}`;
}

export interface ContainerStatusInput {
  readonly pod: Pod;
  readonly observed: ObservedPod;
  readonly probes: ProbeStatuses;
  readonly backoff: BackoffView;
  readonly now: number;
  readonly old: readonly ContainerStatus[];
  readonly isInit: boolean;
}

export function containerStatuses(specs: readonly Container[], input: ContainerStatusInput): ContainerStatus[] {
  const hasInit = (input.pod.spec?.initContainers ?? []).length > 0;
  return specs.map((spec) => containerStatus(spec, input, hasInit));
}

function containerStatus(spec: Container, input: ContainerStatusInput, hasInit: boolean): ContainerStatus {
  const { pod, observed, probes, old } = input;
  const seen = findObserved(observed, spec.name);
  const previous = old.find((s) => s.name === spec.name);
  const base = { name: spec.name, image: spec.image ?? '', imageID: '', ready: false, restartCount: 0, started: false };
  if (!seen) {
    const waiting = heldBack(spec, input) ?? { reason: hasInit ? 'PodInitializing' : 'ContainerCreating' };
    return { ...base, state: { waiting }, ...(previous?.lastState?.terminated ? { lastState: previous.lastState } : {}) };
  }
  const probe = probes[seen.id];
  const running = seen.state === 'running';
  const current = runtimeState(seen);
  // The last run: kept while the same instance is reported, taken from the old status when a new instance replaced a terminated one.
  let lastState: State = {};
  if (previous?.containerID === containerID(seen.id)) lastState = previous.lastState ?? {};
  else if (previous?.state?.terminated) lastState = { terminated: previous.state.terminated };
  let state = current;
  const willRestart = !(input.isInit && seen.state === 'exited' && seen.exitCode === 0) && seen.state !== 'running' && shouldContainerBeRestarted(pod, seen);
  const waiting = willRestart ? heldBack(spec, input) : undefined;
  if (waiting) {
    if (current.terminated) lastState = current;
    state = { waiting };
  }
  return {
    ...base,
    state,
    lastState,
    ready: running && (probe?.ready ?? !hasProbe(spec, 'readinessProbe')),
    started: running && (probe?.started ?? !hasProbe(spec, 'startupProbe')),
    restartCount: seen.restartCount,
    image: seen.image ?? base.image,
    imageID: imageID(seen.imageRef),
    containerID: containerID(seen.id),
  };
}

const hasProbe = (c: Container, p: 'readinessProbe' | 'startupProbe') => c[p] !== undefined;

function runtimeState(c: ObservedContainer): State {
  switch (c.state) {
    case 'running':
      return { running: { startedAt: rfc3339(c.startedAt ?? 0) } };
    case 'created':
      return { waiting: { reason: 'ContainerCreating' } };
    case 'unknown':
      return { waiting: {} };
    case 'exited': {
      const exitCode = c.exitCode ?? 0;
      const reason = c.oomKilled ? 'OOMKilled' : (c.reason ?? (exitCode === 0 ? 'Completed' : 'Error'));
      return {
        terminated: {
          exitCode,
          reason,
          ...(c.message ? { message: c.message } : {}),
          ...(c.startedAt !== undefined ? { startedAt: rfc3339(c.startedAt) } : {}),
          ...(c.finishedAt !== undefined ? { finishedAt: rfc3339(c.finishedAt) } : {}),
          containerID: containerID(c.id),
        },
      };
    }
    default: {
      const never: never = c.state;
      return never;
    }
  }
}

/** Why a container that should start is not running: back-off first, then the last start failure. */
function heldBack(spec: Container, { pod, observed, backoff, now }: ContainerStatusInput): { reason: string; message?: string } | undefined {
  const seen = findObserved(observed, spec.name);
  if (seen?.state === 'exited') {
    const key = backoffKey(pod, spec.name);
    if (backoff.shouldWait(key, now, seen.finishedAt)) return { reason: 'CrashLoopBackOff', message: crashLoopMessage(pod, spec.name, backoff.delayMs(key)) };
  }
  const failure = observed.startFailures?.[spec.name];
  if (!failure) return undefined;
  if (failure.reason === 'ErrImagePull' && backoff.shouldWait(imagePullKey(pod, spec.image ?? ''), now)) {
    return { reason: 'ImagePullBackOff', message: imagePullBackOffMessage(spec.image ?? '') };
  }
  return { reason: failure.reason, ...(failure.message ? { message: failure.message } : {}) };
}
