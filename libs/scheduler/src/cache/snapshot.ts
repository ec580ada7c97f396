import type { KubeObject } from '@keelson/apimachinery';
import type { NodeInfo, PodInfo, Snapshot } from '../framework/types';

// A Snapshot is frozen for a scheduling cycle. Building one must stay cheap at thousands of
// nodes, so the parts only some plugins read (podsOnNodes) are computed on first use, and the
// index name → position is shared between snapshots while the set of nodes stays the same.

export interface ClusterObjects {
  readonly namespaces: ReadonlyMap<string, Readonly<Record<string, string>>>;
  readonly pvcs: ReadonlyMap<string, KubeObject>;
  readonly pvs: readonly KubeObject[];
  readonly storageClasses: ReadonlyMap<string, KubeObject>;
}

export const NO_CLUSTER_OBJECTS: ClusterObjects = { namespaces: new Map(), pvcs: new Map(), pvs: [], storageClasses: new Map() };

export class FrozenSnapshot implements Snapshot {
  private pairs?: readonly { pod: PodInfo; node: NodeInfo }[];

  constructor(
    readonly nodes: readonly NodeInfo[],
    /** node name → index in `nodes` */
    readonly index: ReadonlyMap<string, number>,
    private readonly objects: ClusterObjects,
    /** the cache generation this snapshot reflects */
    readonly generation = 0,
  ) {}

  nodeInfo(name: string): NodeInfo | undefined {
    const i = this.index.get(name);
    return i === undefined ? undefined : this.nodes[i];
  }

  get podsOnNodes(): readonly { pod: PodInfo; node: NodeInfo }[] {
    if (!this.pairs) this.pairs = this.nodes.flatMap((node) => node.pods.map((pod) => ({ pod, node })));
    return this.pairs;
  }

  get namespaces() {
    return this.objects.namespaces;
  }
  get pvcs() {
    return this.objects.pvcs;
  }
  get pvs() {
    return this.objects.pvs;
  }
  get storageClasses() {
    return this.objects.storageClasses;
  }
}

export function indexNodes(nodes: readonly NodeInfo[]): Map<string, number> {
  return new Map(nodes.map((n, i) => [n.name, i]));
}

/** A snapshot over the given NodeInfos — for specs and for callers without a cache. */
export function snapshotOf(nodes: readonly NodeInfo[], objects: Partial<ClusterObjects> = {}): FrozenSnapshot {
  return new FrozenSnapshot(nodes, indexNodes(nodes), { ...NO_CLUSTER_OBJECTS, ...objects });
}

/**
 * The same snapshot seen with some nodes replaced (victims removed, nominated pods added),
 * for re-running filters during preemption. Nothing of the original is copied until asked.
 */
export function withNodeInfos(base: Snapshot, replaced: ReadonlyMap<string, NodeInfo>): Snapshot {
  let nodes: readonly NodeInfo[] | undefined;
  let pairs: readonly { pod: PodInfo; node: NodeInfo }[] | undefined;
  const view: Snapshot = {
    get nodes() {
      return (nodes ??= base.nodes.map((n) => replaced.get(n.name) ?? n));
    },
    nodeInfo: (name) => replaced.get(name) ?? base.nodeInfo(name),
    get podsOnNodes() {
      return (pairs ??= view.nodes.flatMap((node) => node.pods.map((pod) => ({ pod, node }))));
    },
    namespaces: base.namespaces,
    pvcs: base.pvcs,
    pvs: base.pvs,
    storageClasses: base.storageClasses,
  };
  return view;
}
