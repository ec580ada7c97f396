// Garbage collection of dead containers and sandboxes, after the kubelet's containerGC
// (pkg/kubelet/kuberuntime/kuberuntime_gc.go) with its defaults (MinAge 0, MaxPerPodContainer 1,
// MaxContainers unlimited). The agent runs it over the whole node once a minute; the pod
// sync applies the container rule to its own pod as it goes.
//
// Rules:
// * containers: only exited ones are garbage. Of a pod that is gone, all of them; otherwise
//   per (pod, container name) the newest exited instance stays (what `kubectl logs --previous`
//   reads) and older ones go. Example: app#0 exited, app#1 exited, app#2 running → remove app#0.
// * sandboxes: a sandbox that is not ready and holds no container (after this round's
//   removals) goes when its pod is gone or a newer sandbox of the pod exists; so a pod keeps
//   at most one dead sandbox, its newest, and only when that is its newest sandbox of all.
//   Example: sb#0 notready (empty), sb#1 ready → remove sb#0; sb#0 notready alone → keep.
import { latestSandbox, newestFirst } from './observe';

/** A dead container instance is kept per (pod, name): the kubelet's MaxPerPodContainer default. */
export const MAX_PER_POD_CONTAINER = 1;

export interface GcSandbox {
  readonly id: string;
  readonly uid: string;
  readonly attempt: number;
  readonly state: 'ready' | 'notready';
  readonly createdAt: number;
}

export interface GcContainer {
  readonly id: string;
  readonly podUid: string;
  readonly sandboxId: string;
  readonly name: string;
  readonly state: 'created' | 'running' | 'exited' | 'unknown';
  readonly createdAt: number;
  readonly restartCount: number;
}

export interface Garbage {
  readonly containers: readonly string[];
  readonly sandboxes: readonly string[];
}


/** Dead containers to remove; `podExists(uid)` is false for a pod deleted from the API (or bound elsewhere). */
export function containerGarbage(containers: readonly GcContainer[], podExists: (uid: string) => boolean): string[] {
  const kept = new Map<string, number>();
  const out: string[] = [];
  for (const c of [...containers].sort(newestFirst)) {
    if (c.state !== 'exited') continue;
    const key = `${c.podUid}/${c.name}`;
    const n = (kept.get(key) ?? 0) + 1;
    kept.set(key, n);
    if (!podExists(c.podUid) || n > MAX_PER_POD_CONTAINER) out.push(c.id);
  }
  return out;
}

export function garbage(sandboxes: readonly GcSandbox[], containers: readonly GcContainer[], podExists: (uid: string) => boolean): Garbage {
  const deadContainers = containerGarbage(containers, podExists);
  const removed = new Set(deadContainers);
  const occupied = new Set(containers.filter((c) => !removed.has(c.id)).map((c) => c.sandboxId));
  const isNewest = (s: GcSandbox) => latestSandbox(sandboxes.filter((x) => x.uid === s.uid))?.id === s.id;
  const deadSandboxes = sandboxes.filter((s) => s.state !== 'ready' && !occupied.has(s.id) && (!podExists(s.uid) || !isNewest(s))).map((s) => s.id);
  return { containers: deadContainers, sandboxes: deadSandboxes };
}
