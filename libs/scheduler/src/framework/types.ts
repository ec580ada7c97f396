import type { KubeObject } from '@keelson/apimachinery';
import type { AffinityIndex } from '../cache/affinity-index';

// The scheduling framework's shapes, after Kubernetes' (pkg/scheduler/framework): a plugin is
// a name plus pure functions for the extension points it implements. The cycle runs
// PreFilter → Filter (per node) → PreScore → Score (per node) → NormalizeScore → weights.

/** Quantities in canonical integers: cpu in millicores, memory and storage in bytes, others as counts. */
export type ResourceList = Record<string, number>;

export interface Taint {
  key: string;
  value?: string;
  effect: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
}

export interface Toleration {
  key?: string;
  operator?: 'Exists' | 'Equal';
  value?: string;
  effect?: '' | 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
  tolerationSeconds?: number;
}

/** What the scheduler knows of a pod: its object plus what it asks for, parsed once. */
export interface PodInfo {
  readonly pod: KubeObject;
  readonly key: string; // namespace/name
  readonly uid: string;
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  /** Σ containers' requests, max'ed with each init container's (Kubernetes' effective request) + overhead; pods counts 1 */
  readonly requests: Readonly<ResourceList>;
  readonly priority: number;
  /** hostPorts the pod binds: protocol/hostIP/port */
  readonly hostPorts: readonly { protocol: string; hostIP: string; port: number }[];
  readonly nodeName?: string;
  // Precomputed by podInfoOf (Kubernetes' PodInfo keeps RequiredAffinityTerms etc.), so the
  // hot loops never reparse a spec. Optional: a PodInfo literal without them is parsed on demand.
  /** spec.tolerations */
  readonly tolerations?: readonly Toleration[];
  /** the pod has any pod affinity or anti-affinity, required or preferred (NodeInfo.PodsWithAffinity) */
  readonly withAffinity?: boolean;
  /** the pod has required pod anti-affinity terms (NodeInfo.PodsWithRequiredAntiAffinity) */
  readonly withRequiredAntiAffinity?: boolean;
  /** cpu/memory requests with containers asking none counted at 100m / 200 Mi, for scoring */
  readonly nonZeroRequests?: { readonly cpu: number; readonly memory: number };
}

/** A node with what is already on it: the scheduler cache's unit. */
export interface NodeInfo {
  readonly node: KubeObject;
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly taints: readonly Taint[];
  readonly unschedulable: boolean;
  readonly allocatable: Readonly<ResourceList>;
  /** Σ requests of pods on the node (assumed ones included) */
  readonly requested: Readonly<ResourceList>;
  readonly pods: readonly PodInfo[];
  /** hostPorts in use: protocol/hostIP/port */
  readonly usedPorts: readonly { protocol: string; hostIP: string; port: number }[];
  /** image name → size in bytes, from node.status.images */
  readonly images: ReadonlyMap<string, number>;
  /** the pods with any pod (anti-)affinity; filled by nodeInfoOf, absent in hand-made literals */
  readonly podsWithAffinity?: readonly PodInfo[];
  /** the pods with required pod anti-affinity */
  readonly podsWithRequiredAntiAffinity?: readonly PodInfo[];
  /** Σ nonZeroRequests of the pods */
  readonly nonZeroRequested?: { readonly cpu: number; readonly memory: number };
  /** the numbers the filter and score loops read, in one object; filled by nodeInfoOf (read through nodeNumbers()) */
  readonly numbers?: NodeNumbers;
  /** the interned id of (taints, unschedulable); filled by nodeInfoOf (read through nodeClassOf()) */
  readonly nodeClass?: number;
}

/**
 * A node's figures as plain numbers in one fixed-shape object. The filter and score loops visit
 * hundreds of nodes per pod; reading `taints.length`, `allocatable.cpu`, `requested.cpu` and
 * `pods.length` means touching four more objects per node, and the ResourceList objects, built
 * key by key, do not share one shape — so the loops read this instead.
 */
export interface NodeNumbers {
  readonly allocatableCpu: number;
  readonly allocatableMemory: number;
  readonly allocatableEphemeralStorage: number;
  readonly allocatablePods: number;
  readonly requestedCpu: number;
  readonly requestedMemory: number;
  readonly requestedEphemeralStorage: number;
  readonly podCount: number;
  readonly nonZeroCpu: number;
  readonly nonZeroMemory: number;
  /** NoSchedule and NoExecute taints: 0 lets TaintToleration's filter pass without reading them */
  readonly doNotScheduleTaints: number;
  /** PreferNoSchedule taints: 0 lets TaintToleration's score be 0 without reading them */
  readonly preferNoScheduleTaints: number;
}

/** Everything a cycle may look at, frozen for the cycle: nodes, plus cluster objects some plugins need. */
export interface Snapshot {
  readonly nodes: readonly NodeInfo[];
  nodeInfo(name: string): NodeInfo | undefined;
  /** all pods known to be on nodes, for inter-pod affinity and topology spread */
  readonly podsOnNodes: readonly { pod: PodInfo; node: NodeInfo }[];
  readonly namespaces: ReadonlyMap<string, Readonly<Record<string, string>>>; // name → labels
  /** for VolumeBinding: PVCs by namespace/name, PVs, StorageClasses */
  readonly pvcs: ReadonlyMap<string, KubeObject>;
  readonly pvs: readonly KubeObject[];
  readonly storageClasses: ReadonlyMap<string, KubeObject>;
  // Kept by the scheduler cache from cycle to cycle (UpdateSnapshot's lists), so that plugins
  // about pod affinity look at the few nodes that matter. Absent: plugins walk `nodes`.
  /** nodes with at least one pod with pod (anti-)affinity (HavePodsWithAffinityNodeInfoList) */
  readonly havePodsWithAffinity?: readonly NodeInfo[];
  /** nodes with at least one pod with required anti-affinity (HavePodsWithRequiredAntiAffinityNodeInfoList) */
  readonly havePodsWithRequiredAntiAffinity?: readonly NodeInfo[];
  /** how many nodes hold an image (ImageLocality's spread) */
  imageNodeCount?(image: string): number;
  /** the cache's pod indexes, when they still reflect this snapshot */
  readonly affinityIndex?: AffinityIndex;
  /** nodeClassOf(nodes[i]) at i, so the filter loop learns a node's class without reading its NodeInfo. Absent: every node is filtered on its own. */
  readonly nodeClasses?: ArrayLike<number>;
  /** nodes[i]'s NodeNumbers as row i (framework/node-table.ts), read through numbersAt(). Absent: read from each NodeInfo. */
  readonly nodeTable?: Float64Array;
}

export type Code = 'Success' | 'Unschedulable' | 'UnschedulableAndUnresolvable' | 'Error' | 'Skip';

/** A plugin's verdict; `reasons` are the words that end up in FailedScheduling, e.g. "Insufficient cpu". */
export interface Status {
  readonly code: Code;
  readonly reasons?: readonly string[];
  readonly plugin?: string;
}

export const success: Status = { code: 'Success' };
export const unschedulable = (...reasons: string[]): Status => ({ code: 'Unschedulable', reasons });
export const unresolvable = (...reasons: string[]): Status => ({ code: 'UnschedulableAndUnresolvable', reasons });

/** Per-cycle scratch space: PreFilter/PreScore compute once, Filter/Score read per node. */
export type CycleState = Map<string, unknown>;

export interface PluginContext {
  readonly state: CycleState;
  readonly snapshot: Snapshot;
}

export interface FilterPlugin {
  readonly name: string;
  /**
   * The verdict depends on the node only through its taints and unschedulable flag (its node
   * class, nodeClassOf), so the cycle asks once per class per pod and gives every node of the
   * class that verdict: 5,000 nodes usually hold a handful of distinct taint sets.
   */
  readonly byNodeClass?: boolean;
  /** once per pod; may compute state, or return Skip (plugin not relevant) or a failure that applies to all nodes */
  preFilter?(ctx: PluginContext, pod: PodInfo): Status;
  /** `at`: the node's position in ctx.snapshot.nodes, when the caller knows it (the cycle does), for numbersAt */
  filter(ctx: PluginContext, pod: PodInfo, node: NodeInfo, at?: number): Status;
}

export interface ScorePlugin {
  readonly name: string;
  preScore?(ctx: PluginContext, pod: PodInfo, nodes: readonly NodeInfo[]): Status;
  /** raw score for one node; any range — normalizeScore brings it to 0–100 */
  score(ctx: PluginContext, pod: PodInfo, node: NodeInfo, at?: number): number;
  /** in place over all feasible nodes' raw scores, to 0..MAX_NODE_SCORE; omitted when score() already is */
  normalizeScore?(ctx: PluginContext, pod: PodInfo, scores: { node: string; score: number }[]): void;
}

export const MAX_NODE_SCORE = 100;

/** Plugin arguments from the configuration file, e.g. NodeResourcesFit's scoring strategy. */
export type PluginArgs = Record<string, unknown>;

export interface PluginFactory<P> {
  (args: PluginArgs): P;
}
