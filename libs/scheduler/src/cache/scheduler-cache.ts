import type { KubeObject } from '@keelson/apimachinery';
import { nodeClassOf, nodeInfoOf, nodeNumbers } from '../framework/info';
import { writeRow } from '../framework/node-table';
import type { NodeInfo, PodInfo } from '../framework/types';
import { AffinityIndex } from './affinity-index';
import { ClusterObjectStore } from './cluster-objects';
import { FrozenSnapshot, indexNodes, podsWithAffinityOf, podsWithRequiredAntiAffinityOf, type AffinityPositions } from './snapshot';

// Kubernetes' scheduler cache (pkg/scheduler/internal/cache/cache.go): what is on each node,
// including pods the scheduler has decided on but whose binding the log does not show yet.
//
// The assume protocol: right after a cycle picks a node, `assumePod` counts the pod there so
// the next cycle already sees the space taken; `finishBinding` starts the TTL; the pod's Add
// (or Update) with spec.nodeName from the log confirms it and replaces the assumed entry
// (the pod is counted once, on the node the log says); `forgetPod` undoes a failed binding;
// an assumed pod never confirmed expires TTL after its binding finished.
//
// Copy-on-write: a node's NodeInfo is rebuilt (a new object) only when a snapshot is taken
// after the node changed; NodeInfos already handed out are never touched. As UpdateSnapshot,
// the lists of nodes holding pods with affinity are redone only when a changed node joins or
// leaves one, and image counts only when a Node object (hence its images) changed.

export const ASSUMED_POD_TTL_MS = 30_000;

const hasAffinity = (n: NodeInfo) => podsWithAffinityOf(n).length > 0;
const hasAntiAffinity = (n: NodeInfo) => podsWithRequiredAntiAffinityOf(n).length > 0;

interface PodState {
  podInfo: PodInfo;
  nodeName: string;
  assumed: boolean;
  /** set by finishBinding; an assumed pod expires after it */
  deadline?: number;
}

interface NodeState {
  /** undefined while pods still point at a node that was removed (or not seen yet) */
  node?: KubeObject;
  readonly pods: Map<string, PodInfo>;
  generation: number;
  info?: NodeInfo;
  infoGeneration: number;
}

const TERMINAL = new Set(['Succeeded', 'Failed']);
const sameLabels = (a: KubeObject, b: KubeObject) => JSON.stringify(a.metadata.labels ?? {}) === JSON.stringify(b.metadata.labels ?? {});
const isTerminal = (p: PodInfo) => TERMINAL.has((p.pod.status as { phase?: string } | undefined)?.phase ?? '');

export interface SchedulerCacheOptions {
  now: () => number;
  assumedPodTtlMs?: number;
}

export class SchedulerCache extends ClusterObjectStore {
  private readonly clock: () => number;
  private readonly ttl: number;
  private readonly nodes = new Map<string, NodeState>();
  private readonly pods = new Map<string, PodState>();
  private generation = 0;
  /** nodes changed since the last snapshot */
  private readonly dirty = new Set<string>();
  private nodeSetChanged = true;
  private last?: FrozenSnapshot;
  /** the ClusterObjects the last snapshot holds; a new one means namespaces/PVCs/… changed */
  private lastObjects?: unknown;
  private lastImageCounts?: Map<string, number>;
  private readonly affinityIndex = new AffinityIndex((name) => this.nodes.get(name)?.node?.metadata.labels ?? (this.nodes.get(name)?.node ? {} : undefined));

  constructor(options: SchedulerCacheOptions) {
    super();
    this.clock = options.now;
    this.ttl = options.assumedPodTtlMs ?? ASSUMED_POD_TTL_MS;
  }

  // ---- nodes ----

  addNode(node: KubeObject): void {
    const name = node.metadata.name ?? '';
    const state = this.nodeState(name);
    if (!state.node) this.nodeSetChanged = true;
    if (!state.node || !sameLabels(state.node, node)) this.affinityIndex.labelsVersion++;
    state.node = node;
    this.touch(name, state);
  }

  updateNode(node: KubeObject): void {
    this.addNode(node);
  }

  /** Pods still on a removed node keep being tracked until their own removal arrives. */
  removeNode(name: string): void {
    const state = this.nodes.get(name);
    if (!state?.node) return;
    state.node = undefined;
    this.nodeSetChanged = true;
    this.affinityIndex.labelsVersion++;
    if (state.pods.size === 0) this.nodes.delete(name);
    else this.touch(name, state);
  }

  // ---- pods seen in the log ----

  /** A pod bound to a node (spec.nodeName set); confirms it if it was assumed. Unbound pods are not the cache's. */
  addPod(podInfo: PodInfo): void {
    if (!podInfo.nodeName) return;
    if (isTerminal(podInfo)) return this.removePod(podInfo.key);
    const existing = this.pods.get(podInfo.key);
    if (existing) this.detach(existing);
    this.attach({ podInfo, nodeName: podInfo.nodeName, assumed: false });
  }

  updatePod(podInfo: PodInfo): void {
    this.addPod(podInfo);
  }

  removePod(key: string): void {
    const existing = this.pods.get(key);
    if (existing) this.detach(existing);
  }

  // ---- the assume protocol ----

  /** Counts the pod on `nodeName` now, before the binding is in the log. */
  assumePod(podInfo: PodInfo, nodeName: string): void {
    if (this.pods.has(podInfo.key)) throw new Error(`pod ${podInfo.key} is in the cache, so can't be assumed`);
    const pod = { ...podInfo.pod, spec: { ...(podInfo.pod.spec as object), nodeName } };
    this.attach({ podInfo: { ...podInfo, pod, nodeName }, nodeName, assumed: true });
  }

  /** The binding was written; the assumed pod now expires if the log does not confirm it in time. */
  finishBinding(key: string, now: number = this.clock()): void {
    const state = this.pods.get(key);
    if (state?.assumed) state.deadline = now + this.ttl;
  }

  /** The binding failed: take the assumed pod off its node. Returns false when it was not assumed. */
  forgetPod(key: string): boolean {
    const state = this.pods.get(key);
    if (!state?.assumed) return false;
    this.detach(state);
    return true;
  }

  /** Drops assumed pods whose binding finished more than the TTL ago; returns their keys. */
  cleanupExpiredAssumedPods(now: number = this.clock()): string[] {
    const expired: string[] = [];
    for (const [key, state] of this.pods) {
      if (state.assumed && state.deadline !== undefined && now > state.deadline) {
        this.detach(state);
        expired.push(key);
      }
    }
    return expired;
  }

  isAssumed(key: string): boolean {
    return this.pods.get(key)?.assumed ?? false;
  }

  /** The node the cache counts the pod on, assumed or confirmed. */
  nodeOf(key: string): string | undefined {
    return this.pods.get(key)?.nodeName;
  }

  get podCount(): number {
    return this.pods.size;
  }

  // ---- snapshots ----

  /**
   * The state for one cycle, valid until the next call. Only nodes changed since the previous
   * snapshot get a new NodeInfo (as UpdateSnapshot walks nodes newer than the snapshot's
   * generation), written into the previous snapshot's node list in place — as UpdateSnapshot
   * updates nodeInfoList — so a cycle costs no copy of a 5,000-entry list; the list is rebuilt
   * only when nodes join or leave. Nothing changed → the same snapshot.
   */
  snapshot(): FrozenSnapshot {
    const objects = this.clusterObjects();
    if (this.last && this.dirty.size === 0 && !this.nodeSetChanged && objects === this.lastObjects) return this.last;
    let nodes: NodeInfo[];
    let index: ReadonlyMap<string, number>;
    let positions: AffinityPositions | undefined;
    let imageCounts: Map<string, number> | undefined;
    let classes: Int32Array | undefined;
    let table: Float64Array | undefined;
    if (!this.last || this.nodeSetChanged) {
      nodes = [];
      for (const [name, state] of this.nodes) if (state.node) nodes.push(this.materialize(name, state));
      index = indexNodes(nodes);
    } else {
      nodes = this.last.nodes as NodeInfo[];
      index = this.last.index;
      positions = this.last.computedPositions;
      imageCounts = this.lastImageCounts;
      classes = this.last.computedNodeClasses;
      table = this.last.computedNodeTable;
      for (const name of this.dirty) {
        const i = index.get(name);
        const state = this.nodes.get(name);
        if (i === undefined || !state) continue;
        const before = nodes[i];
        const after = this.materialize(name, state);
        nodes[i] = after;
        if (classes) classes[i] = nodeClassOf(after);
        if (table) writeRow(table, i, nodeNumbers(after));
        if (before.images !== after.images) imageCounts = undefined;
        if (hasAffinity(before) !== hasAffinity(after) || hasAntiAffinity(before) !== hasAntiAffinity(after)) positions = undefined;
      }
    }
    this.dirty.clear();
    this.nodeSetChanged = false;
    this.lastObjects = objects;
    this.lastImageCounts = imageCounts ??= new Map();
    this.last = new FrozenSnapshot(nodes, index, objects, this.generation, positions, imageCounts, this.affinityIndex, classes, table);
    return this.last;
  }

  private materialize(name: string, state: NodeState): NodeInfo {
    if (!state.info || state.infoGeneration !== state.generation) {
      state.info = nodeInfoOf(state.node as KubeObject, [...state.pods.values()], state.info);
      state.infoGeneration = state.generation;
    }
    return state.info;
  }

  private nodeState(name: string): NodeState {
    let state = this.nodes.get(name);
    if (!state) {
      state = { pods: new Map(), generation: 0, infoGeneration: -1 };
      this.nodes.set(name, state);
    }
    return state;
  }

  private touch(name: string, state: NodeState): void {
    state.generation = ++this.generation;
    this.affinityIndex.generation = this.generation;
    this.dirty.add(name);
  }

  private attach(pod: PodState): void {
    this.pods.set(pod.podInfo.key, pod);
    this.affinityIndex.add(pod.podInfo, pod.nodeName);
    const state = this.nodeState(pod.nodeName);
    state.pods.set(pod.podInfo.key, pod.podInfo);
    this.touch(pod.nodeName, state);
  }

  private detach(pod: PodState): void {
    this.pods.delete(pod.podInfo.key);
    this.affinityIndex.remove(pod.podInfo, pod.nodeName);
    const state = this.nodes.get(pod.nodeName);
    if (!state) return;
    state.pods.delete(pod.podInfo.key);
    if (!state.node && state.pods.size === 0) this.nodes.delete(pod.nodeName);
    else this.touch(pod.nodeName, state);
  }
}
