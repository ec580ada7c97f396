// The node's container and sandbox GC loop, the kubelet's containerGC.GarbageCollect: once a
// minute (ContainerGCPeriod) one listing of the node's sandboxes and containers, the pure
// rules of container-gc.ts, and the removals. A dead sandbox is unwired first (CNI DEL
// releases its IP even if the pause process died without one), as CRI's RemovePodSandbox does.
// Removals of a pod run in that pod's lane (`withPod`), never beside its sync.
import type { ContainerRuntime } from '@keelson/runtime';
import { garbage, type Garbage } from './container-gc';
import type { PodNetworkPlugin } from './pod-sync-ports';

export const CONTAINER_GC_PERIOD_MS = 60_000;

export interface GarbageCollectorOptions {
  readonly nodeName: string;
  readonly runtime: ContainerRuntime;
  readonly network: PodNetworkPlugin;
  /** False once a pod is deleted from the API or bound elsewhere (the agent's pod cache). */
  readonly podExists: (uid: string) => boolean;
  /** Runs `fn` serially with the pod's syncs. */
  readonly withPod: <T>(uid: string, fn: () => Promise<T>) => Promise<T>;
  readonly log?: (line: string) => void;
}

export class GarbageCollector {
  constructor(private readonly o: GarbageCollectorOptions) {}

  /** One round; returns what it removed. */
  async collect(): Promise<Garbage> {
    const rt = this.o.runtime;
    const [sandboxes, containers] = await Promise.all([rt.listPodSandboxes({ node: this.o.nodeName }), rt.listContainers({ node: this.o.nodeName })]);
    const found = garbage(sandboxes, containers, this.o.podExists);
    const uidOf = new Map<string, string>([...containers.map((c) => [c.id, c.podUid] as const), ...sandboxes.map((s) => [s.id, s.uid] as const)]);
    const byPod = new Map<string, { containers: string[]; sandboxes: string[] }>();
    const of = (id: string) => {
      const uid = uidOf.get(id)!;
      if (!byPod.has(uid)) byPod.set(uid, { containers: [], sandboxes: [] });
      return byPod.get(uid)!;
    };
    for (const id of found.containers) of(id).containers.push(id);
    for (const id of found.sandboxes) of(id).sandboxes.push(id);
    await Promise.all(
      [...byPod].map(([uid, g]) =>
        this.o.withPod(uid, async () => {
          for (const id of g.containers) await rt.removeContainer(id);
          for (const id of g.sandboxes) {
            await this.o.network.tearDown(id).catch((e) => this.o.log?.(`GC: CNI DEL for ${id} failed: ${(e as Error).message}`));
            await rt.removePodSandbox(id);
          }
        }).catch((e) => this.o.log?.(`GC of pod ${uid} failed: ${(e as Error).message}`)),
      ),
    );
    return found;
  }
}
