// computePodActions: what the agent must do so the runtime matches the pod spec, after the
// kubelet's kuberuntime_manager.go. One pass, in SyncPod's order:
//   kill the pod (sandbox changed, or nothing left to run) or the containers not to keep;
//   create the sandbox; start init containers in order; start app containers.
// Restarts of exited containers are gated by back-off; the pure function only reads the
// back-off and tells the agent to record the restart (`recordBackOff`).
import type { BackoffView } from './backoff';
import { backoffKey, crashLoopMessage, imagePullBackOffMessage } from './backoff';
import type { Changes, KillInfo, KillReason, ProbeVerdicts } from './changes';
import { deletionGracePeriod, killInfo, podGracePeriod } from './changes';
import { containerHash } from './hash';
import { computeInitContainerActions } from './init-actions';
import type { Container, ObservedContainer, ObservedPod, Pod } from './types';
import { containersOf, findObserved, initContainersOf, restartPolicyOf } from './types';

export type PodAction =
  | { readonly type: 'killPod'; readonly reason: 'SandboxChanged' | 'Deleted' | 'Completed' | 'InitFailed'; readonly gracePeriod: number }
  | ({ readonly type: 'killContainer'; readonly id: string } & KillInfo)
  | { readonly type: 'createSandbox'; readonly attempt: number }
  | { readonly type: 'recordBackOff'; readonly key: string; readonly at: number }
  | { readonly type: 'startInit'; readonly name: string }
  | { readonly type: 'startContainers'; readonly names: readonly string[] }
  /** Not started because of back-off: requeue at `retryAt`; the status shows reason/message. */
  | { readonly type: 'backOff'; readonly name: string; readonly reason: 'CrashLoopBackOff' | 'ImagePullBackOff'; readonly message: string; readonly retryAt: number };

export type PodActions = readonly PodAction[];

export function computePodActions(pod: Pod, observed: ObservedPod, now: number, backoff: BackoffView, probes: ProbeVerdicts = {}): PodActions {
  const live = isAnythingLive(observed);
  if (pod.metadata?.deletionTimestamp) return live ? [{ type: 'killPod', reason: 'Deleted', gracePeriod: deletionGracePeriod(pod) }] : [];
  const phase = pod.status?.phase;
  if (phase === 'Succeeded' || phase === 'Failed') return live ? [{ type: 'killPod', reason: 'Completed', gracePeriod: podGracePeriod(pod) }] : [];
  return toActions(pod, observed, now, backoff, decide(pod, observed, probes));
}

function decide(pod: Pod, observed: ObservedPod, probes: ProbeVerdicts): Changes {
  const sandbox = observed.sandbox;
  // A ready sandbox without an IP never got its network (an agent killed during CNI ADD, or ADD
  // failed): kubelet's podSandboxChanged starts a new one ("Sandbox has no IP address").
  const sandboxChanged = !sandbox || sandbox.state !== 'ready' || !sandbox.ip;
  const changes: Changes = { createSandbox: sandboxChanged, kills: new Map(), initToStart: [], toStart: [] };
  if (sandbox && sandboxChanged) changes.killPod = 'SandboxChanged';
  const policy = restartPolicyOf(pod);

  if (sandboxChanged) {
    // Do not bring a finished Never pod back: its containers ran in the old sandbox.
    if (policy === 'Never' && sandbox && observed.containers.length > 0) return { ...changes, createSandbox: false };
    const toStart = containersOf(pod).filter((c) => !(policy === 'OnFailure' && succeeded(findObserved(observed, c.name))));
    if (toStart.length === 0 && hasAnyRegularContainerCreated(pod, observed)) return { ...changes, createSandbox: false };
    if (initContainersOf(pod).length > 0) return { ...changes, initToStart: [0] };
    changes.toStart.push(...toStart.map((c) => c.name));
    return changes;
  }

  const initialized = computeInitContainerActions(pod, observed, probes, changes);
  if (changes.killPod || !initialized) return changes;

  let keep = 0;
  for (const container of containersOf(pod)) {
    const status = findObserved(observed, container.name);
    if (!status || status.state !== 'running') {
      if (shouldContainerBeRestarted(pod, status)) {
        changes.toStart.push(container.name);
        if (status?.state === 'unknown') changes.kills.set(status.id, killInfo(pod, container, 'Unknown', `Container is in "unknown" state, try killing it before restart`));
      }
      continue;
    }
    const verdict = probes[status.id] ?? {};
    let reason: KillReason;
    let message: string;
    let restart = policy !== 'Never';
    if (status.hash !== containerHash(container)) {
      [reason, message, restart] = ['SpecChanged', `Container ${container.name} definition changed`, true];
    } else if (verdict.failed === 'liveness') {
      [reason, message] = ['LivenessProbe', `Container ${container.name} failed liveness probe`];
    } else if (verdict.failed === 'startup') {
      [reason, message] = ['StartupProbe', `Container ${container.name} failed startup probe`];
    } else {
      keep++;
      continue;
    }
    if (restart) {
      message = `${message}, will be restarted`;
      changes.toStart.push(container.name);
    }
    changes.kills.set(status.id, killInfo(pod, container, reason, message));
  }
  if (keep === 0 && changes.toStart.length === 0) {
    // Nothing will run again: stop the sandbox, and do not let sidecars keep the pod alive.
    changes.killPod = 'Completed';
    changes.initToStart = [];
  }
  return changes;
}

function toActions(pod: Pod, observed: ObservedPod, now: number, backoff: BackoffView, changes: Changes): PodAction[] {
  const actions: PodAction[] = [];
  if (changes.killPod && (changes.createSandbox || isAnythingLive(observed))) {
    actions.push({ type: 'killPod', reason: changes.killPod, gracePeriod: podGracePeriod(pod) });
  } else if (!changes.killPod) {
    for (const [id, k] of changes.kills) actions.push({ type: 'killContainer', id, ...k });
  }
  if (changes.createSandbox) actions.push({ type: 'createSandbox', attempt: observed.sandbox ? 1 : 0 });
  // After a new sandbox, earlier instances are gone: back-off still applies to them.
  const gate = (c: Container): boolean => {
    const blocked = backOffFor(pod, c, observed, now, backoff);
    if (blocked) actions.push(blocked);
    else {
      const exited = findObserved(observed, c.name);
      if (exited?.state === 'exited') actions.push({ type: 'recordBackOff', key: backoffKey(pod, c.name), at: exited.finishedAt ?? now });
    }
    return !blocked;
  };
  const inits = initContainersOf(pod);
  for (const i of changes.initToStart) if (gate(inits[i])) actions.push({ type: 'startInit', name: inits[i].name });
  const apps = containersOf(pod);
  const names = changes.toStart.filter((name) => gate(apps.find((c) => c.name === name)!));
  if (names.length) actions.push({ type: 'startContainers', names });
  return actions;
}

function backOffFor(pod: Pod, c: Container, observed: ObservedPod, now: number, backoff: BackoffView): PodAction | undefined {
  const failure = observed.startFailures?.[c.name];
  if (failure && (failure.reason === 'ErrImagePull' || failure.reason === 'ImagePullBackOff')) {
    const key = imagePullKey(pod, c.image ?? '');
    if (backoff.shouldWait(key, now)) {
      return { type: 'backOff', name: c.name, reason: 'ImagePullBackOff', message: imagePullBackOffMessage(c.image ?? ''), retryAt: now + backoff.delayMs(key) };
    }
  }
  const status = findObserved(observed, c.name);
  if (status?.state !== 'exited') return undefined;
  const key = backoffKey(pod, c.name);
  const since = status.finishedAt ?? now;
  if (!backoff.shouldWait(key, now, since)) return undefined;
  const delay = backoff.delayMs(key);
  return { type: 'backOff', name: c.name, reason: 'CrashLoopBackOff', message: crashLoopMessage(pod, c.name, delay), retryAt: since + delay };
}

/** Image pulls back off per pod and image, as the kubelet's image puller keys them. */
export const imagePullKey = (pod: Pod, image: string): string => `pull/${pod.metadata?.uid ?? ''}/${image}`;

export function shouldContainerBeRestarted(pod: Pod, status: ObservedContainer | undefined): boolean {
  if (pod.metadata?.deletionTimestamp) return false;
  if (!status) return true;
  if (status.state === 'running') return false;
  if (status.state === 'unknown' || status.state === 'created') return true;
  const policy = restartPolicyOf(pod);
  if (policy === 'Never') return false;
  if (policy === 'OnFailure') return status.exitCode !== 0;
  return true;
}

const succeeded = (s: ObservedContainer | undefined) => s?.state === 'exited' && s.exitCode === 0;

export function hasAnyRegularContainerCreated(pod: Pod, observed: ObservedPod): boolean {
  return containersOf(pod).some((c) => {
    const s = findObserved(observed, c.name);
    return s !== undefined && s.state !== 'unknown';
  });
}

const isAnythingLive = (o: ObservedPod) => o.sandbox?.state === 'ready' || o.containers.some((c) => c.state === 'running' || c.state === 'unknown' || c.state === 'created');

