// One node, one pass: conditions (monitorNodeHealth), taints, pods marked not ready when their
// node goes silent (MarkPodsNotReady, so Services stop sending them traffic), and taint-based
// eviction, with the time at which to look again.

import { isDeepStrictEqual } from 'node:util';
import { keyOf, ObjectKey } from '../common/actions';
import { wireTime } from '../common/types';
import { disruptionTargetCondition, DEFAULT_TOLERATION_SECONDS, evictionDecision } from './eviction';
import { DEFAULT_NODE_MONITOR_GRACE_PERIOD_SECONDS, desiredTaints, observedConditions } from './health';
import { Lease, Node, NodeCondition, Pod, Taint } from './types';

/** `--node-monitor-period`: how often the shell runs reconcileNode for every node, events or not. */
export const NODE_MONITOR_PERIOD_SECONDS = 5;

export interface NodeLifecycleOptions {
  /** `--node-monitor-grace-period`; default 40 s. */
  readonly nodeMonitorGracePeriodSeconds?: number;
  /** tolerationSeconds for pods without their own not-ready/unreachable toleration; default 300 s. */
  readonly defaultTolerationSeconds?: number;
}

export interface NodeObserved {
  /** The node's Lease in kube-node-lease, if any. */
  readonly lease?: Lease;
  /** Pods with spec.nodeName = this node. */
  readonly pods: readonly Pod[];
}

export type NodeLifecycleAction =
  | { readonly type: 'updateNodeStatus'; readonly name: string; readonly uid: string; readonly conditions: readonly NodeCondition[] }
  /** Update of spec.taints (the whole list; other spec fields unchanged). */
  | { readonly type: 'updateNodeTaints'; readonly name: string; readonly uid: string; readonly taints: readonly Taint[] }
  /** Pod status update: condition Ready → False. */
  | { readonly type: 'markPodNotReady'; readonly key: ObjectKey; readonly lastTransitionTime: string }
  /** Patch the DisruptionTarget condition into the pod's status, then DELETE it (default grace, uid precondition). */
  | { readonly type: 'evictPod'; readonly key: ObjectKey; readonly condition: ReturnType<typeof disruptionTargetCondition> }
  | { readonly type: 'requeueAfter'; readonly seconds: number };

export function reconcileNode(node: Node, observed: NodeObserved, now: Date, options: NodeLifecycleOptions = {}): NodeLifecycleAction[] {
  const grace = options.nodeMonitorGracePeriodSeconds ?? DEFAULT_NODE_MONITOR_GRACE_PERIOD_SECONDS;
  const name = node.metadata.name ?? '';
  const uid = node.metadata.uid ?? '';
  const actions: NodeLifecycleAction[] = [];

  const conditions = observedConditions(node, observed.lease, now, grace);
  if (!isDeepStrictEqual(conditions, node.status?.conditions ?? [])) actions.push({ type: 'updateNodeStatus', name, uid, conditions });

  const taints = desiredTaints(node, conditions, now);
  if (!isDeepStrictEqual(taints, node.spec?.taints ?? [])) actions.push({ type: 'updateNodeTaints', name, uid, taints });

  const readyStatus = conditions.find((c) => c.type === 'Ready')?.status;
  // Silence is noticed by the shell's periodic pass (NODE_MONITOR_PERIOD_SECONDS), not by a
  // requeue: a healthy node has nothing to do. Requeues are only for evictions due later.
  const requeues: number[] = [];

  for (const pod of observed.pods) {
    if (pod.metadata.deletionTimestamp) continue;
    if (readyStatus === 'Unknown' && pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')) {
      actions.push({ type: 'markPodNotReady', key: keyOf(pod), lastTransitionTime: wireTime(now) });
    }
    const decision = evictionDecision(pod, taints, now, options.defaultTolerationSeconds ?? DEFAULT_TOLERATION_SECONDS);
    switch (decision.evict) {
      case 'now':
        actions.push({ type: 'evictPod', key: keyOf(pod), condition: disruptionTargetCondition(now) });
        break;
      case 'later':
        requeues.push(decision.inSeconds);
        break;
      case 'never':
        break;
      default: {
        const never: never = decision;
        throw new Error(`unexpected ${JSON.stringify(never)}`);
      }
    }
  }
  if (requeues.length) actions.push({ type: 'requeueAfter', seconds: Math.min(...requeues) });
  return actions;
}

export function nodeLifecycleActionType(a: NodeLifecycleAction): NodeLifecycleAction['type'] {
  switch (a.type) {
    case 'updateNodeStatus':
    case 'updateNodeTaints':
    case 'markPodNotReady':
    case 'evictPod':
    case 'requeueAfter':
      return a.type;
    default: {
      const never: never = a;
      throw new Error(`unexpected ${JSON.stringify(never)}`);
    }
  }
}
