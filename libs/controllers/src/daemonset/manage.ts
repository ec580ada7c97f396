import { createdAt, isPodAvailable, isPodReady, isTerminating, phaseOf } from '../history';
import { nodeShouldRunDaemonPod } from './eligibility';
import { targetNodeName } from './pod-template';
import type { DaemonSet, DaemonSetAction, Node, Pod } from './types';
import { surgeCount } from './rolling-update';

// manage(): exactly one daemon pod per eligible node (daemon_controller.go podsShouldBeOnNode).

/** Kubernetes' burstReplicas: at most this many creations and deletions per sync. */
export const BURST_REPLICAS = 250;

/** podByCreationTimestampAndPhase: bound pods before unbound, then oldest, then by name. */
export function byAgeBoundFirst(a: Pod, b: Pod): number {
  const bound = (p: Pod) => (p.spec?.nodeName ? 0 : 1);
  return bound(a) - bound(b) || createdAt(a) - createdAt(b) || ((a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : 1);
}

/** getNodesToDaemonPods: pods by the node they are on or meant for; terminal pods already being deleted are done with. */
export function podsByNode(pods: readonly Pod[], includeDeletedTerminal = false): Map<string, Pod[]> {
  const byNode = new Map<string, Pod[]>();
  for (const pod of pods) {
    const terminal = phaseOf(pod) === 'Failed' || phaseOf(pod) === 'Succeeded';
    if (!includeDeletedTerminal && terminal && isTerminating(pod)) continue;
    const node = targetNodeName(pod);
    if (node === undefined) continue;
    byNode.set(node, [...(byNode.get(node) ?? []), pod]);
  }
  return byNode;
}

export interface NodeDecision {
  create: string[];
  delete: { name: string; reason: Extract<DaemonSetAction, { type: 'deletePod' }>['reason']; gracePeriodSeconds?: number }[];
}

/** What one node needs: a pod created, failed/finished/excess/misplaced pods deleted. */
export function podsShouldBeOnNode(ds: DaemonSet, node: Node, pods: readonly Pod[], hash: string, now: Date): NodeDecision {
  const { shouldRun, shouldContinueRunning } = nodeShouldRunDaemonPod(node, ds);
  const decision: NodeDecision = { create: [], delete: [] };
  const name = node.metadata.name;
  if (shouldRun && pods.length === 0) {
    decision.create.push(name);
  } else if (shouldContinueRunning) {
    const running: Pod[] = [];
    for (const pod of pods) {
      if (isTerminating(pod)) continue;
      const phase = phaseOf(pod);
      if (phase === 'Failed' || phase === 'Succeeded') decision.delete.push({ name: pod.metadata.name ?? '', reason: phase });
      else running.push(pod);
    }
    running.sort(byAgeBoundFirst);
    if (surgeCount(ds, 1) === 0) {
      // Without surge, more than one pod is a mistake: keep the oldest.
      for (const extra of running.slice(1)) decision.delete.push({ name: extra.metadata.name ?? '', reason: 'Excess' });
    } else if (running.length === 0) {
      if (shouldRun) decision.create.push(name);
    } else if (running.length > 1) {
      // With surge two may overlap: the oldest new pod and the oldest old one, the old one
      // until the new one is available (or at once if the old one is not even ready).
      let oldestNew: Pod | undefined;
      let oldestOld: Pod | undefined;
      for (const pod of running) {
        const isNew = pod.metadata.labels?.['controller-revision-hash'] === hash;
        if (isNew && !oldestNew) oldestNew = pod;
        else if (!isNew && !oldestOld) oldestOld = pod;
        else decision.delete.push({ name: pod.metadata.name ?? '', reason: 'Excess' });
      }
      if (oldestNew && oldestOld && (!isPodReady(oldestOld) || isPodAvailable(oldestNew, ds.spec.minReadySeconds ?? 0, now))) {
        decision.delete.push({ name: oldestOld.metadata.name ?? '', reason: 'Update' });
      }
    }
  } else {
    for (const pod of pods) if (!isTerminating(pod)) decision.delete.push({ name: pod.metadata.name ?? '', reason: 'NotEligible' });
  }
  return decision;
}

/**
 * The whole of manage(): every node's decision, then pods meant for nodes that no longer exist.
 * Those are deleted here (Kubernetes deletes only the unbound ones and leaves bound ones to the
 * pod garbage collector); a bound one is deleted with grace 0, since no kubelet will finish it.
 */
export function manage(ds: DaemonSet, nodes: readonly Node[], byNode: ReadonlyMap<string, Pod[]>, hash: string, now: Date): NodeDecision {
  const all: NodeDecision = { create: [], delete: [] };
  const known = new Set<string>();
  for (const node of [...nodes].sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : 1))) {
    known.add(node.metadata.name);
    const d = podsShouldBeOnNode(ds, node, byNode.get(node.metadata.name) ?? [], hash, now);
    all.create.push(...d.create);
    all.delete.push(...d.delete);
  }
  for (const [nodeName, pods] of byNode) {
    if (known.has(nodeName)) continue;
    for (const pod of pods) {
      if (isTerminating(pod) && !pod.spec?.nodeName) continue;
      all.delete.push({ name: pod.metadata.name ?? '', reason: 'NodeGone', ...(pod.spec?.nodeName ? { gracePeriodSeconds: 0 } : {}) });
    }
  }
  return all;
}
