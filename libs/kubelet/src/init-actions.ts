// Init container progress, after the kubelet's computeInitContainerActions: regular init
// containers run one at a time to completion, in order; sidecars (restartPolicy Always)
// start in order too but keep running, and the next one starts once a sidecar is started
// (its startup probe, if any, succeeded).
//
// The walk goes from the last init container backwards, because completed init containers
// may have been garbage-collected: the furthest one that left a trace tells how far
// initialization got. Returns whether the pod is initialized (app containers may start).
import type { Changes, ProbeVerdicts } from './changes';
import { killInfo } from './changes';
import { containerHash } from './hash';
import type { ObservedContainer, ObservedPod, Pod } from './types';
import { containersOf, findObserved, initContainersOf, isSidecar, restartPolicyOf } from './types';

export function computeInitContainerActions(pod: Pod, observed: ObservedPod, probes: ProbeVerdicts, changes: Changes): boolean {
  const inits = initContainersOf(pod);
  if (inits.length === 0) return true;
  // An app container created or running means initialization finished at some point.
  let podHasInitialized = containersOf(pod).some((c) => {
    const s = findObserved(observed, c.name);
    return s?.state === 'created' || s?.state === 'running';
  });
  let previouslyInitialized = podHasInitialized;
  const restartOnFailure = restartPolicyOf(pod) !== 'Never';
  const toStart: number[] = [];

  for (let i = inits.length - 1; i >= 0; i--) {
    const container = inits[i];
    const sidecar = isSidecar(container);
    const status = findObserved(observed, container.name);
    if (!status) {
      if (previouslyInitialized && sidecar) toStart.push(i);
      continue;
    }
    if (previouslyInitialized && !sidecar) continue;

    switch (status.state) {
      case 'created':
        // Create and start happen in one step; stuck in created means the start failed.
        toStart.push(i);
        break;
      case 'running': {
        if (!sidecar) break;
        const verdict = probes[status.id];
        if (container.startupProbe) {
          if (verdict?.failed === 'startup') {
            changes.kills.set(status.id, killInfo(pod, container, 'StartupProbe', `Init container ${container.name} failed startup probe`));
            toStart.push(i);
            break;
          }
          if (!verdict?.started) break; // wait for the startup probe
        }
        if (i === inits.length - 1) podHasInitialized = true;
        else if (!previouslyInitialized) toStart.push(i + 1);
        if (status.hash !== containerHash(container)) {
          changes.kills.set(status.id, killInfo(pod, container, 'SpecChanged', `Init container ${container.name} definition changed`));
          toStart.push(i);
        } else if (verdict?.failed === 'liveness') {
          changes.kills.set(status.id, killInfo(pod, container, 'LivenessProbe', `Init container ${container.name} failed liveness probe`));
          toStart.push(i);
        }
        break;
      }
      case 'exited':
        if (sidecar) toStart.push(i);
        else if (isInitContainerFailed(status)) {
          if (!restartOnFailure) return failInit(changes);
          toStart.push(i);
        } else if (i === inits.length - 1) podHasInitialized = true;
        else toStart.push(i + 1);
        break;
      case 'unknown':
        if (!sidecar && !restartOnFailure) return failInit(changes);
        changes.kills.set(status.id, killInfo(pod, container, 'Unknown', `Init container is in "unknown" state, try killing it before restart`));
        toStart.push(i);
        break;
      default: {
        const never: never = status.state;
        return never;
      }
    }
    previouslyInitialized = true;
  }
  if (!previouslyInitialized) toStart.push(0);
  changes.initToStart = [...new Set(toStart.reverse())];
  return podHasInitialized;
}

function failInit(changes: Changes): false {
  changes.killPod = 'InitFailed';
  changes.initToStart = [];
  return false;
}

/** An OOM kill, a non-zero exit or an unknown state fails an init container. */
export function isInitContainerFailed(status: ObservedContainer): boolean {
  if (status.oomKilled || status.reason === 'OOMKilled') return true;
  if (status.state === 'exited' && status.exitCode !== 0) return true;
  return status.state === 'unknown';
}
