// From what the container runtime lists for one pod (found by its labels, so an agent that
// restarted sees exactly what the last one left) to the ObservedPod the decisions read,
// after the kubelet's GetPodStatus: the newest sandbox, and per container name its newest
// instance. (Which dead instances may go: container-gc.ts.)
import type { ObservedContainer, ObservedPod, StartFailure } from './types';

/** The label holding containerHash(spec) of the spec a container was created from. */
export const LABEL_CONTAINER_HASH = 'keelson.io/container-hash';
/** "init" or "app": which list of the pod spec a container comes from. */
export const LABEL_CONTAINER_KIND = 'keelson.io/container-kind';

/** The fields of the runtime's sandbox listing this reads (libs/runtime's PodSandbox). */
export interface RuntimeSandbox {
  readonly id: string;
  readonly attempt: number;
  readonly state: 'ready' | 'notready';
  readonly createdAt: number;
}

/** The fields of the runtime's container status this reads (libs/runtime's ContainerStatus). */
export interface RuntimeContainer {
  readonly id: string;
  readonly sandboxId: string;
  readonly name: string;
  readonly image: string;
  readonly imageId: string;
  readonly state: 'created' | 'running' | 'exited' | 'unknown';
  readonly createdAt: number;
  readonly restartCount: number;
  readonly labels: Readonly<Record<string, string>>;
  readonly exitCode?: number;
  readonly oomKilled: boolean;
  readonly reason?: string;
  readonly message?: string;
  readonly startedAt?: number;
  readonly finishedAt?: number;
}

/** Newest first: by attempt, then creation time. */
export function latestSandbox<S extends RuntimeSandbox>(sandboxes: readonly S[]): S | undefined {
  return [...sandboxes].sort((a, b) => b.attempt - a.attempt || b.createdAt - a.createdAt)[0];
}

/** Container instances newest first: by restart count, then creation time. */
export const newestFirst = (a: Pick<RuntimeContainer, 'restartCount' | 'createdAt'>, b: Pick<RuntimeContainer, 'restartCount' | 'createdAt'>) => b.restartCount - a.restartCount || b.createdAt - a.createdAt;

export function observePod(sandboxes: readonly RuntimeSandbox[], containers: readonly RuntimeContainer[], podIP?: string, startFailures?: Readonly<Record<string, StartFailure>>): ObservedPod {
  const sandbox = latestSandbox(sandboxes);
  const byName = new Map<string, RuntimeContainer>();
  for (const c of [...containers].sort(newestFirst)) if (!byName.has(c.name)) byName.set(c.name, c);
  return {
    ...(sandbox ? { sandbox: { id: sandbox.id, state: sandbox.state, ...(podIP && sandbox.state === 'ready' ? { ip: podIP } : {}) } } : {}),
    containers: [...byName.values()].map(toObserved),
    ...(startFailures && Object.keys(startFailures).length ? { startFailures } : {}),
  };
}

function toObserved(c: RuntimeContainer): ObservedContainer {
  return {
    name: c.name,
    id: c.id,
    state: c.state,
    restartCount: c.restartCount,
    hash: c.labels[LABEL_CONTAINER_HASH] ?? '',
    image: c.image,
    imageRef: c.imageId,
    oomKilled: c.oomKilled,
    ...(c.exitCode !== undefined ? { exitCode: c.exitCode } : {}),
    ...(c.reason ? { reason: c.reason } : {}),
    ...(c.message ? { message: c.message } : {}),
    ...(c.startedAt !== undefined ? { startedAt: c.startedAt } : {}),
    ...(c.finishedAt !== undefined ? { finishedAt: c.finishedAt } : {}),
  };
}

/** The restart count a new instance of `name` gets: one more than the newest instance's. */
export function nextRestartCount(containers: readonly RuntimeContainer[], name: string): number {
  const newest = [...containers].filter((c) => c.name === name).sort(newestFirst)[0];
  return newest ? newest.restartCount + 1 : 0;
}

/** The attempt number of a new sandbox: one more than the newest one's. */
export function nextSandboxAttempt(sandboxes: readonly RuntimeSandbox[]): number {
  const newest = latestSandbox(sandboxes);
  return newest ? newest.attempt + 1 : 0;
}
