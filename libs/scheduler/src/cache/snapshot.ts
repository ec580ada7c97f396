import type { KubeObject } from '@keelson/apimachinery';
import { affinityFlagsOf, nodeClassOf } from '../framework/info';
import type { NodeInfo, PodInfo, Snapshot } from '../framework/types';
import { nodeTableOf } from '../framework/node-table';
import type { AffinityIndex } from './affinity-index';

// A Snapshot is frozen for a scheduling cycle. Building one must stay cheap at thousands of
// nodes, so the parts only some plugins read (podsOnNodes) are computed on first use, and what
// depends only on which nodes there are — the index name → position, the positions of nodes
// holding pods with affinity, the image counts — is shared between snapshots until it changes.

export interface ClusterObjects {
  readonly namespaces: ReadonlyMap<string, Readonly<Record<string, string>>>;
  readonly pvcs: ReadonlyMap<string, KubeObject>;
  readonly pvs: readonly KubeObject[];
  readonly storageClasses: ReadonlyMap<string, KubeObject>;
}

export const NO_CLUSTER_OBJECTS: ClusterObjects = { namespaces: new Map(), pvcs: new Map(), pvs: [], storageClasses: new Map() };

/** A node's pods with pod (anti-)affinity, whether or not its NodeInfo carries the lists. */
export const podsWithAffinityOf = (node: NodeInfo): readonly PodInfo[] => node.podsWithAffinity ?? node.pods.filter((p) => affinityFlagsOf(p).withAffinity);
export const podsWithRequiredAntiAffinityOf = (node: NodeInfo): readonly PodInfo[] =>
  node.podsWithRequiredAntiAffinity ?? node.pods.filter((p) => affinityFlagsOf(p).withRequiredAntiAffinity);

/** Positions in `nodes` of the nodes with pods with affinity / required anti-affinity, in node order. */
export interface AffinityPositions {
  readonly withAffinity: readonly number[];
  readonly withRequiredAntiAffinity: readonly number[];
}

export function affinityPositions(nodes: readonly NodeInfo[]): AffinityPositions {
  const withAffinity: number[] = [];
  const withRequiredAntiAffinity: number[] = [];
  for (let i = 0; i < nodes.length; i++) {
    if (podsWithAffinityOf(nodes[i]).length) withAffinity.push(i);
    if (podsWithRequiredAntiAffinityOf(nodes[i]).length) withRequiredAntiAffinity.push(i);
  }
  return { withAffinity, withRequiredAntiAffinity };
}

export class FrozenSnapshot implements Snapshot {
  private pairs?: readonly { pod: PodInfo; node: NodeInfo }[];
  private affinityList?: readonly NodeInfo[];
  private antiAffinityList?: readonly NodeInfo[];

  constructor(
    readonly nodes: readonly NodeInfo[],
    /** node name → index in `nodes` */
    readonly index: ReadonlyMap<string, number>,
    private readonly objects: ClusterObjects,
    /** the cache generation this snapshot reflects */
    readonly generation = 0,
    /** computed from `nodes` on first use when not given: with the cache's index current, plugins never ask */
    private positions_?: AffinityPositions,
    /** image → nodes holding it, filled on demand; shared by snapshots whose nodes hold the same images */
    private readonly imageCounts = new Map<string, number>(),
    private readonly index_?: AffinityIndex,
    /** nodeClassOf per position, computed on first use when not given; the cache passes its list on, updated in place */
    private classes_?: Int32Array,
    /** nodeTableOf(nodes), computed on first use when not given; the cache passes its table on, updated in place */
    private table_?: Float64Array,
  ) {}

  get nodeTable(): Float64Array {
    return (this.table_ ??= nodeTableOf(this.nodes));
  }

  /** the table if the cycle asked for it, for the next snapshot to update and reuse */
  get computedNodeTable(): Float64Array | undefined {
    return this.table_;
  }

  get nodeClasses(): Int32Array {
    return (this.classes_ ??= Int32Array.from(this.nodes, nodeClassOf));
  }

  /** the class list if the cycle asked for it, for the next snapshot to update and reuse */
  get computedNodeClasses(): Int32Array | undefined {
    return this.classes_;
  }

  get positions(): AffinityPositions {
    return (this.positions_ ??= affinityPositions(this.nodes));
  }

  /** the positions if some plugin needed them, for the next snapshot to reuse */
  get computedPositions(): AffinityPositions | undefined {
    return this.positions_;
  }

  /** the cache's index, as long as the cache has not moved past this snapshot */
  get affinityIndex(): AffinityIndex | undefined {
    return this.index_ && this.index_.generation === this.generation ? this.index_ : undefined;
  }

  get havePodsWithAffinity(): readonly NodeInfo[] {
    return (this.affinityList ??= this.positions.withAffinity.map((i) => this.nodes[i]));
  }

  get havePodsWithRequiredAntiAffinity(): readonly NodeInfo[] {
    return (this.antiAffinityList ??= this.positions.withRequiredAntiAffinity.map((i) => this.nodes[i]));
  }

  imageNodeCount(image: string): number {
    let n = this.imageCounts.get(image);
    if (n === undefined) {
      n = 0;
      for (const node of this.nodes) if (node.images.has(image)) n++;
      this.imageCounts.set(image, n);
    }
    return n;
  }

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
  let positions: AffinityPositions | undefined;
  const view: Snapshot = {
    get nodes() {
      return (nodes ??= base.nodes.map((n) => replaced.get(n.name) ?? n));
    },
    nodeInfo: (name) => replaced.get(name) ?? base.nodeInfo(name),
    get podsOnNodes() {
      return (pairs ??= view.nodes.flatMap((node) => node.pods.map((pod) => ({ pod, node }))));
    },
    get havePodsWithAffinity() {
      positions ??= affinityPositions(view.nodes);
      return positions.withAffinity.map((i) => view.nodes[i]);
    },
    get havePodsWithRequiredAntiAffinity() {
      positions ??= affinityPositions(view.nodes);
      return positions.withRequiredAntiAffinity.map((i) => view.nodes[i]);
    },
    // nominated pods and removed victims leave the nodes' images as they are
    imageNodeCount: (image) => base.imageNodeCount?.(image) ?? view.nodes.filter((n) => n.images.has(image)).length,
    namespaces: base.namespaces,
    pvcs: base.pvcs,
    pvs: base.pvs,
    storageClasses: base.storageClasses,
  };
  return view;
}
