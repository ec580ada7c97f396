import { MAX_NODE_SCORE, type CycleState, type FilterPlugin, type NodeInfo, type PluginContext, type PodInfo, type ScorePlugin, type Snapshot, type Status } from '../framework/types';
import { numFeasibleNodesToFind } from './num-feasible-nodes';
import { SchedulingError, type Diagnosis, type Profile, type ScheduleResult } from './types';

// One scheduling cycle for one pod (schedule_one.go schedulePod), synchronously:
//   PreFilter → Filter over nodes from a rotating start until enough fit → PreScore → Score →
//   NormalizeScore → × weight → sum → highest total wins, ties broken uniformly at random.
// The loops run over thousands of nodes per pod, so they allocate nothing per node on success:
// feasible nodes and scores live in module-level arrays reused from cycle to cycle (a cycle
// runs to completion before the next starts).

const feasible: NodeInfo[] = [];
// feasible[i]'s position in the snapshot's node list, for plugins reading the node table (numbersAt)
const feasibleAt: number[] = [];

/**
 * A score list entry naming its node only when asked (PodTopologySpread's normalisation does):
 * reading the name means reading the NodeInfo, which the score loop otherwise need not touch.
 */
class NodeScore {
  score = 0;
  i = 0;
  get node(): string {
    return feasible[this.i].name;
  }
}

// Nodes the filters rejected this cycle and why. The diagnosis (a Map over them) matters only
// when the pod fits nowhere, so it is built then; a pod that finds a node costs two array
// writes per rejected node — with node affinity to 2 zones of 10 that is ~4,000 nodes a pod.
const rejected: NodeInfo[] = [];
const rejections: Status[] = [];
const rejectedBy: string[] = [];
let totals = new Float64Array(1024);
const scoreLists: NodeScore[][] = [];
const scorePools: NodeScore[][] = [];

// Plugins hand out the same Status object for the same verdict (e.g. one per taint), so the
// copy naming the plugin is made once per such object, not once per rejected node.
const named = new WeakMap<Status, Status>();

function withPlugin(status: Status, plugin: string): Status {
  if (status.plugin === plugin) return status;
  const cached = named.get(status);
  if (cached && cached.plugin === plugin) return cached;
  const copy = { ...status, plugin };
  named.set(status, copy);
  return copy;
}

const isRejection = (s: Status) => s.code === 'Unschedulable' || s.code === 'UnschedulableAndUnresolvable';

/**
 * `RunPreFilterPlugins`: Skip drops the plugin's Filter for this pod; UnschedulableAndUnresolvable
 * stops at once; Unschedulable lets the rest run (their state is needed by preemption) and the
 * last such status is the verdict; Error aborts the cycle.
 */
function runPreFilters(ctx: PluginContext, pod: PodInfo, filters: readonly FilterPlugin[]): { active: FilterPlugin[]; rejection?: Status } {
  const active: FilterPlugin[] = [];
  let rejection: Status | undefined;
  for (const pl of filters) {
    const s = pl.preFilter ? pl.preFilter(ctx, pod) : undefined;
    if (!s || s.code === 'Success') {
      active.push(pl);
      continue;
    }
    if (s.code === 'Skip') continue;
    if (s.code === 'Error') throw new SchedulingError(pl.name, s);
    rejection = withPlugin(s, pl.name);
    if (s.code === 'UnschedulableAndUnresolvable') return { active, rejection };
  }
  return { active, rejection };
}

/** `RunFilterPlugins`: the first plugin that says no decides for the node; returns its index in `filters`, or -1 when all pass. */
function runFilters(ctx: PluginContext, pod: PodInfo, node: NodeInfo, at: number, filters: readonly FilterPlugin[]): number {
  for (let i = 0; i < filters.length; i++) {
    const s = filters[i].filter(ctx, pod, node, at);
    if (s.code === 'Success') continue;
    if (s.code === 'Error') throw new SchedulingError(filters[i].name, s);
    rejections.push(s);
    return i;
  }
  return -1;
}

// Verdicts of the byNodeClass filters (TaintToleration, NodeUnschedulable) per node class for
// the pod of this cycle: nodes with the same taints and unschedulable flag get the same answer, so
// it is computed on the first node of each class met and the rest of the class are not read — a
// rejected class's nodes are never dereferenced. `classBy[c]` is the index in the active filters
// of the first such filter rejecting class c (-1: none does), valid when `classCycle[c]` is this
// cycle's number.
let classCycle = new Int32Array(64);
let classBy = new Int32Array(64);
const classStatus: Status[] = [];
let cycleNumber = 0;

/** Starts a cycle's class verdicts: those of earlier cycles go stale. */
function newClassCycle(): void {
  cycleNumber = (cycleNumber + 1) | 0;
  if (cycleNumber === 0) {
    classCycle.fill(0);
    cycleNumber = 1;
  }
}

/** The index in `filters` of the first byNodeClass filter rejecting class `c` (its Status in classStatus), asked of `node` the first time this cycle. */
function classVerdict(ctx: PluginContext, pod: PodInfo, node: NodeInfo, at: number, c: number, filters: readonly FilterPlugin[]): number {
  if (c >= classCycle.length) {
    const size = Math.max(c + 1, classCycle.length * 2);
    classCycle = grown(classCycle, size);
    classBy = grown(classBy, size);
  }
  if (classCycle[c] === cycleNumber) return classBy[c];
  let by = -1;
  for (let i = 0; i < filters.length && by < 0; i++) {
    if (!filters[i].byNodeClass) continue;
    const s = filters[i].filter(ctx, pod, node, at);
    if (s.code === 'Success') continue;
    if (s.code === 'Error') throw new SchedulingError(filters[i].name, s);
    classStatus[c] = s;
    by = i;
  }
  classCycle[c] = cycleNumber;
  classBy[c] = by;
  return by;
}

function grown(from: Int32Array, size: number) {
  const to = new Int32Array(size);
  to.set(from);
  return to;
}

/**
 * runFilters for a node of class `c`: the class's verdict stands in for the byNodeClass filters,
 * and the other filters ahead of the class's rejecting one still run on the node, so the first
 * rejection in profile order decides as before.
 */
function runFiltersByClass(ctx: PluginContext, pod: PodInfo, node: NodeInfo, at: number, c: number, filters: readonly FilterPlugin[]): number {
  const by = classVerdict(ctx, pod, node, at, c, filters);
  const end = by < 0 ? filters.length : by;
  for (let i = 0; i < end; i++) {
    if (filters[i].byNodeClass) continue;
    const s = filters[i].filter(ctx, pod, node, at);
    if (s.code === 'Success') continue;
    if (s.code === 'Error') throw new SchedulingError(filters[i].name, s);
    rejections.push(s);
    return i;
  }
  if (by >= 0) rejections.push(classStatus[c]);
  return by;
}

/** The diagnosis of the nodes rejected this cycle (Kubernetes' NodeToStatus). */
function diagnose(diagnosis: Diagnosis): void {
  for (let i = 0; i < rejected.length; i++) {
    const status = withPlugin(rejections[i], rejectedBy[i]);
    diagnosis.nodeToStatus.set(rejected[i].name, status);
    if (isRejection(status)) diagnosis.unschedulablePlugins.add(rejectedBy[i]);
  }
}

/** The score list for the index-th scoring plugin, its entries reused from earlier cycles. */
function scoreList(index: number, count: number): NodeScore[] {
  const pool = (scorePools[index] ??= []);
  const list = (scoreLists[index] ??= []);
  list.length = count;
  for (let i = 0; i < count; i++) {
    const entry = (pool[i] ??= new NodeScore());
    entry.i = i;
    entry.score = 0;
    list[i] = entry;
  }
  return list;
}

/**
 * PreScore, Score, NormalizeScore and weights over the feasible nodes; leaves Σ weight·score per
 * node in `totals`. A plugin whose PreScore says Skip does not score this pod.
 */
function prioritize(ctx: PluginContext, pod: PodInfo, scores: Profile['scores']): void {
  const nodes = feasible;
  if (totals.length < nodes.length) totals = new Float64Array(nodes.length * 2);
  totals.fill(0, 0, nodes.length);
  let listIndex = 0;
  for (const { plugin, weight } of scores) {
    if (plugin.preScore) {
      const s = plugin.preScore(ctx, pod, nodes);
      if (s.code === 'Skip') continue;
      if (s.code !== 'Success') throw new SchedulingError(plugin.name, s);
    }
    if (!plugin.normalizeScore) {
      // scores final as they come: no list to fill and read back
      for (let i = 0; i < nodes.length; i++) totals[i] += checked(plugin, plugin.score(ctx, pod, nodes[i], feasibleAt[i])) * weight;
      continue;
    }
    const list = scoreList(listIndex++, nodes.length);
    for (let i = 0; i < nodes.length; i++) list[i].score = plugin.score(ctx, pod, nodes[i], feasibleAt[i]);
    plugin.normalizeScore(ctx, pod, list);
    for (let i = 0; i < nodes.length; i++) totals[i] += checked(plugin, list[i].score) * weight;
  }
}

/** A final score must lie in 0..MAX_NODE_SCORE. */
function checked(plugin: ScorePlugin, s: number): number {
  if (s >= 0 && s <= MAX_NODE_SCORE) return s;
  throw new SchedulingError(plugin.name, { code: 'Error', reasons: [`plugin "${plugin.name}" returns an invalid score ${s}, it should in the range of [0, ${MAX_NODE_SCORE}] after normalizing`] });
}

/** The highest total; among equals each is equally likely (reservoir sampling, one pass). */
export function selectHost(count: number, scoresOf: ArrayLike<number>, random: () => number): number {
  let best = 0;
  let ties = 1;
  for (let i = 1; i < count; i++) {
    if (scoresOf[i] > scoresOf[best]) {
      best = i;
      ties = 1;
    } else if (scoresOf[i] === scoresOf[best]) {
      ties++;
      if (Math.floor(random() * ties) === 0) best = i;
    }
  }
  return best;
}

export interface ScheduleOptions {
  /** [0, 1) source for tie-breaking; Math.random by default */
  readonly random?: () => number;
}

export function schedulePod(
  pod: PodInfo,
  snapshot: Snapshot,
  profile: Profile,
  state: { nextStartNodeIndex: number },
  options: ScheduleOptions = {},
): ScheduleResult {
  const nodes = snapshot.nodes;
  const diagnosis: Diagnosis = { nodeToStatus: new Map(), unschedulablePlugins: new Set() };
  if (nodes.length === 0) return { node: null, diagnosis };
  const cycleState: CycleState = new Map();
  const ctx: PluginContext = { state: cycleState, snapshot };

  const { active, rejection } = runPreFilters(ctx, pod, profile.filters);
  if (rejection) {
    // Every node shares the PreFilter verdict, so preemption sees them all as candidates (or none).
    diagnosis.preFilterStatus = rejection;
    for (const n of nodes) diagnosis.nodeToStatus.set(n.name, rejection);
    if (rejection.plugin) diagnosis.unschedulablePlugins.add(rejection.plugin);
    return { node: null, diagnosis };
  }

  // Without score plugins any feasible node will do, so one is enough.
  const numNodesToFind = profile.scores.length === 0 ? 1 : numFeasibleNodesToFind(profile.percentageOfNodesToScore, nodes.length);
  const start = state.nextStartNodeIndex % nodes.length;
  feasible.length = 0;
  feasibleAt.length = 0;
  rejected.length = 0;
  rejections.length = 0;
  rejectedBy.length = 0;
  let processed = 0;
  const classes = active.some((f) => f.byNodeClass) ? snapshot.nodeClasses : undefined;
  if (classes) newClassCycle();
  for (let i = 0; i < nodes.length && feasible.length < numNodesToFind; i++) {
    const at = (start + i) % nodes.length;
    const node = nodes[at];
    processed++;
    const by = !active.length ? -1 : classes ? runFiltersByClass(ctx, pod, node, at, classes[at], active) : runFilters(ctx, pod, node, at, active);
    if (by < 0) {
      feasible.push(node);
      feasibleAt.push(at);
      continue;
    }
    rejected.push(node);
    rejectedBy.push(active[by].name);
  }
  // Next pod starts where this one stopped, so every node gets its turn to be examined.
  state.nextStartNodeIndex = (start + processed) % nodes.length;

  if (feasible.length === 0) {
    diagnose(diagnosis);
    return { node: null, diagnosis };
  }
  // as nodeToStatus.size would be: a node is examined at most once per cycle
  const evaluated = feasible.length + rejected.length;
  if (feasible.length === 1) return { node: feasible[0].name, feasible: 1, evaluated };

  prioritize(ctx, pod, profile.scores);
  const best = selectHost(feasible.length, totals, options.random ?? Math.random);
  return { node: feasible[best].name, feasible: feasible.length, evaluated };
}
