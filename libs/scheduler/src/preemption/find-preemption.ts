import type { KubeObject } from '@keelson/apimachinery';
import type { FilterPlugin, PodInfo, Snapshot, Status } from '../framework/types';
import { nominatedNodeNameOf, runFiltersWithNominatedPods } from './nominated';
import { Candidate, VictimContext, pickOneNodeForPreemption, selectVictimsOnNode } from './victims';

// Kubernetes' DefaultPreemption PostFilter: when a pod fits nowhere, find the node where
// evicting the least important pods makes it fit. The caller then deletes the victims and
// sets the pod's status.nominatedNodeName; the pod retries once they are gone.

export interface PreemptionOptions {
  /** each node's Filter verdict from the failed cycle; computed again when absent */
  nodeStatuses?: ReadonlyMap<string, Status>;
  /** pending pods with status.nominatedNodeName, counted on their nodes (see addNominatedPods) */
  nominatedPods?: readonly PodInfo[];
  /** where the dry run starts among the nodes; Kubernetes picks it at random to spread preemptions */
  offset?: number;
  /** Kubernetes' DefaultPreemptionArgs: stop after max(10 % of nodes, 100) candidates */
  minCandidateNodesPercentage?: number;
  minCandidateNodesAbsolute?: number;
}

export interface Preemption {
  readonly node: string;
  readonly victims: PodInfo[];
  readonly pdbViolations: number;
}

/**
 * Kubernetes' PodEligibleToPreemptOthers: not with preemptionPolicy Never, and not while the
 * node it already preempted on still has lower-priority pods terminating (their room is coming).
 */
export function podEligibleToPreemptOthers(pod: PodInfo, snapshot: Snapshot): boolean {
  const spec = pod.pod.spec as { preemptionPolicy?: string } | undefined;
  if (spec?.preemptionPolicy === 'Never') return false;
  const nominated = nominatedNodeNameOf(pod);
  const node = nominated === undefined ? undefined : snapshot.nodeInfo(nominated);
  if (node) {
    const terminating = node.pods.some((p) => p.priority < pod.priority && p.pod.metadata.deletionTimestamp !== undefined);
    if (terminating) return false;
  }
  return true;
}

/**
 * How many candidates the dry run looks for: max(10 % of nodes, 100), capped at the node count.
 * Worked example: 5,000 nodes → max(500, 100) = 500; 300 nodes → max(30, 100) = 100; 40 → 40.
 */
export function candidatesToFind(nodes: number, percentage = 10, absolute = 100): number {
  return Math.min(nodes, Math.max(Math.floor((nodes * percentage) / 100), absolute));
}

export function findPreemption(pod: PodInfo, snapshot: Snapshot, filters: readonly FilterPlugin[], pdbs: readonly KubeObject[], options: PreemptionOptions = {}): Preemption | null {
  if (!podEligibleToPreemptOthers(pod, snapshot)) return null;
  const nominated = options.nominatedPods ?? [];
  const ctx: VictimContext = { snapshot, filters, pdbs, nominated };

  // nodesWherePreemptionMightHelp: a node that failed as UnschedulableAndUnresolvable (wrong
  // selector, untolerated taint, too small even empty) stays useless whatever we evict
  const mightHelp = snapshot.nodes.filter((node) => {
    const status = options.nodeStatuses?.get(node.name) ?? runFiltersWithNominatedPods(pod, node, snapshot, filters, nominated);
    return status.code !== 'UnschedulableAndUnresolvable';
  });
  if (mightHelp.length === 0) return null;

  const wanted = candidatesToFind(mightHelp.length, options.minCandidateNodesPercentage, options.minCandidateNodesAbsolute);
  const start = (options.offset ?? 0) % mightHelp.length;
  const candidates: Candidate[] = [];
  let nonViolating = 0;
  for (let i = 0; i < mightHelp.length; i++) {
    const c = selectVictimsOnNode(pod, mightHelp[(start + i) % mightHelp.length], ctx);
    if (!c) continue;
    candidates.push(c);
    if (c.pdbViolations === 0) nonViolating++;
    // as DryRunPreemption: enough candidates, and at least one breaking no budget
    if (nonViolating > 0 && candidates.length >= wanted) break;
  }
  const best = pickOneNodeForPreemption(candidates);
  return best ? { node: best.node, victims: best.victims, pdbViolations: best.pdbViolations } : null;
}
