// Pod conditions, after pkg/kubelet/status/generate.go. lastTransitionTime moves only when
// a condition's status changes, so rewriting the same status is a no-op.
import type { ContainerStatus, Pod } from './types';
import { isSidecar } from './types';
import type { PodPhase } from './phase';

export interface PodCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
  lastProbeTime?: string | null;
  lastTransitionTime?: string;
}

type Draft = Omit<PodCondition, 'lastTransitionTime' | 'lastProbeTime'>;

const yes = (type: string): Draft => ({ type, status: 'True' });
const no = (type: string, reason: string, message?: string): Draft => ({ type, status: 'False', reason, ...(message ? { message } : {}) });
const list = (names: string[]) => `[${names.join(' ')}]`;

export function initializedCondition(pod: Pod, initStatuses: readonly ContainerStatus[], statuses: readonly ContainerStatus[], phase: PodPhase): Draft {
  const inits = pod.spec?.initContainers ?? [];
  if (inits.length === 0) return yes('Initialized');
  // Once an app container ran, initialization is over even if init statuses were lost.
  if (statuses.some((s) => s.state?.running || s.state?.terminated || s.lastState?.terminated)) return yes('Initialized');
  const incomplete = inits
    .filter((c) => {
      const s = initStatuses.find((x) => x.name === c.name);
      if (isSidecar(c)) return !s?.started;
      return s?.state?.terminated?.exitCode !== 0;
    })
    .map((c) => c.name);
  if (incomplete.length === 0) return yes('Initialized');
  if (phase === 'Succeeded' || phase === 'Failed') return no('Initialized', 'PodCompleted');
  return no('Initialized', 'ContainersNotInitialized', `containers with incomplete status: ${list(incomplete)}`);
}

export function containersReadyCondition(pod: Pod, initStatuses: readonly ContainerStatus[], statuses: readonly ContainerStatus[], phase: PodPhase): Draft {
  const unknown: string[] = [];
  const unready: string[] = [];
  // Sidecars must be ready too.
  const specs = [...(pod.spec?.initContainers ?? []).filter(isSidecar).map((c) => [c, initStatuses] as const), ...(pod.spec?.containers ?? []).map((c) => [c, statuses] as const)];
  for (const [c, from] of specs) {
    const s = from.find((x) => x.name === c.name);
    if (!s) unknown.push(c.name);
    else if (!s.ready) unready.push(c.name);
  }
  if (phase === 'Succeeded') return no('ContainersReady', 'PodCompleted');
  if (unknown.length === 0 && unready.length === 0) return yes('ContainersReady');
  const parts = [unknown.length ? `containers with unknown status: ${list(unknown)}` : '', unready.length ? `containers with unready status: ${list(unready)}` : ''].filter(Boolean);
  return no('ContainersReady', 'ContainersNotReady', parts.join(', '));
}

/** Ready is ContainersReady plus every readiness gate condition being True. */
export function readyCondition(pod: Pod, containersReady: Draft, others: readonly PodCondition[]): Draft {
  if (containersReady.status !== 'True') return { ...containersReady, type: 'Ready' };
  const gates = (pod.spec?.readinessGates ?? []).map((g) => g.conditionType);
  const missing = gates.filter((g) => !others.some((c) => c.type === g));
  const falseGates = gates.filter((g) => others.some((c) => c.type === g && c.status !== 'True'));
  if (missing.length) return no('Ready', 'ReadinessGatesNotReady', `corresponding condition of pod readiness gate "${missing[0]}" does not exist.`);
  if (falseGates.length) return no('Ready', 'ReadinessGatesNotReady', `the status of pod readiness gate "${falseGates[0]}" is not "True", but False`);
  return yes('Ready');
}

/** Keeps the old lastTransitionTime (and probe time) while the status is unchanged. */
export function withTransitionTime(draft: Draft, old: readonly PodCondition[], now: string): PodCondition {
  const prev = old.find((c) => c.type === draft.type);
  const lastTransitionTime = prev && prev.status === draft.status && prev.lastTransitionTime ? prev.lastTransitionTime : now;
  return { ...draft, lastProbeTime: null, lastTransitionTime };
}
