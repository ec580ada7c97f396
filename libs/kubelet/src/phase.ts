// Pod phase from container statuses, after the kubelet's getPhase:
// * Failed at once when a regular init container failed and restartPolicy is Never;
// * Pending while initialization is incomplete (and no app container ran yet) or an app
//   container waits to start for the first time;
// * Running when all app containers have been started and one still runs;
// * with every app container stopped: Running under Always (they restart), Succeeded when
//   all exited 0, Failed under Never, Running under OnFailure (the failed ones restart).
import type { ContainerStatus, Pod, PodStatus } from './types';
import { isSidecar, restartPolicyOf } from './types';

export type PodPhase = NonNullable<PodStatus['phase']>;

export function getPhase(pod: Pod, initStatuses: readonly ContainerStatus[], statuses: readonly ContainerStatus[]): PodPhase {
  let pendingInitialization = 0;
  let failedInitialization = 0;
  for (const c of pod.spec?.initContainers ?? []) {
    const s = initStatuses.find((x) => x.name === c.name);
    const state = s?.state ?? {};
    if (isSidecar(c)) {
      if (state.running) pendingInitialization += s?.started ? 0 : 1;
      else if (state.terminated) continue;
      else if (!(state.waiting && s?.lastState?.terminated)) pendingInitialization++;
      continue;
    }
    if (state.running) pendingInitialization++;
    else if (state.terminated) failedInitialization += state.terminated.exitCode !== 0 ? 1 : 0;
    else if (state.waiting && s?.lastState?.terminated) failedInitialization += s.lastState.terminated.exitCode !== 0 ? 1 : 0;
    else pendingInitialization++;
  }

  let unknown = 0;
  let running = 0;
  let waiting = 0;
  let stopped = 0;
  let succeeded = 0;
  for (const c of pod.spec?.containers ?? []) {
    const s = statuses.find((x) => x.name === c.name);
    const state = s?.state;
    if (!state) unknown++;
    else if (state.running) running++;
    else if (state.terminated) {
      stopped++;
      if (state.terminated.exitCode === 0) succeeded++;
    } else if (state.waiting) {
      if (s.lastState?.terminated) stopped++;
      else waiting++;
    } else unknown++;
  }

  const policy = restartPolicyOf(pod);
  if (failedInitialization > 0 && policy === 'Never') return 'Failed';
  const anyAppStarted = statuses.some((s) => s.state?.running || s.state?.terminated || s.lastState?.terminated);
  if ((pendingInitialization > 0 && !anyAppStarted) || waiting > 0) return 'Pending';
  if (running > 0 && unknown === 0) return 'Running';
  if (running === 0 && stopped > 0 && unknown === 0) {
    if (policy === 'Always') return 'Running';
    if (stopped === succeeded) return 'Succeeded';
    if (policy === 'Never') return 'Failed';
    return 'Running';
  }
  return 'Pending';
}
