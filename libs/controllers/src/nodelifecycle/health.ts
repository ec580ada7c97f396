// monitorNodeHealth and the tainting passes of pkg/controller/nodelifecycle: a node whose
// Lease (or Ready heartbeat) has not been renewed for the grace period gets its conditions set
// to Unknown; its taints then follow the Ready condition:
//
//   Ready True     no not-ready / unreachable taints
//   Ready False    node.kubernetes.io/not-ready     NoSchedule + NoExecute
//   Ready Unknown  node.kubernetes.io/unreachable   NoSchedule + NoExecute
//
// plus the NoSchedule taints for cordoned nodes and pressure conditions. Kubernetes measures the
// grace period from when the controller saw the heartbeat change (clock skew between machines);
// here the renew times are compared with the controller's clock directly, all on one host.

import { wireTime, timeOf } from '../common/types';
import {
  Lease,
  Node,
  NodeCondition,
  Taint,
  TAINT_DISK_PRESSURE,
  TAINT_MEMORY_PRESSURE,
  TAINT_NETWORK_UNAVAILABLE,
  TAINT_NOT_READY,
  TAINT_PID_PRESSURE,
  TAINT_UNREACHABLE,
  TAINT_UNSCHEDULABLE,
} from './types';

export const DEFAULT_NODE_MONITOR_GRACE_PERIOD_SECONDS = 40;

/** Conditions the controller marks Unknown when the node agent goes silent. */
const WATCHED_CONDITIONS = ['Ready', 'MemoryPressure', 'DiskPressure', 'PIDPressure'];

/** Latest sign of life: the Lease renewal, the Ready heartbeat, or (never heard from) the node's creation. */
export function lastHeartbeat(node: Node, lease: Lease | undefined): number {
  const ready = node.status?.conditions?.find((c) => c.type === 'Ready');
  const times = [timeOf(lease?.spec?.renewTime), timeOf(ready?.lastHeartbeatTime), timeOf(node.metadata.creationTimestamp)];
  return Math.max(0, ...times.filter((t): t is number => t !== undefined));
}

/** The node's conditions after this pass: unchanged while it is heard from, Unknown once silent past the grace period. */
export function observedConditions(node: Node, lease: Lease | undefined, now: Date, graceSeconds: number): NodeCondition[] {
  const conditions = node.status?.conditions ?? [];
  if (now.getTime() <= lastHeartbeat(node, lease) + graceSeconds * 1000) return conditions;
  const at = wireTime(now);
  const out = conditions.map((c) =>
    WATCHED_CONDITIONS.includes(c.type) && c.status !== 'Unknown'
      ? { ...c, status: 'Unknown' as const, reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.', lastTransitionTime: at }
      : c,
  );
  for (const type of WATCHED_CONDITIONS) {
    if (!out.some((c) => c.type === type)) {
      out.push({ type, status: 'Unknown', reason: 'NodeStatusNeverUpdated', message: 'Kubelet never posted node status.', lastHeartbeatTime: node.metadata.creationTimestamp, lastTransitionTime: at });
    }
  }
  return out;
}

/** Every (key, effect) this controller owns; a taint with any other key or effect is left as it is. */
const MANAGED: readonly [string, Taint['effect']][] = [
  [TAINT_NOT_READY, 'NoSchedule'],
  [TAINT_NOT_READY, 'NoExecute'],
  [TAINT_UNREACHABLE, 'NoSchedule'],
  [TAINT_UNREACHABLE, 'NoExecute'],
  [TAINT_UNSCHEDULABLE, 'NoSchedule'],
  [TAINT_MEMORY_PRESSURE, 'NoSchedule'],
  [TAINT_DISK_PRESSURE, 'NoSchedule'],
  [TAINT_PID_PRESSURE, 'NoSchedule'],
  [TAINT_NETWORK_UNAVAILABLE, 'NoSchedule'],
];

function wantedTaints(node: Node, conditions: readonly NodeCondition[]): [string, Taint['effect']][] {
  const status = (type: string) => conditions.find((c) => c.type === type)?.status;
  const wanted: [string, Taint['effect']][] = [];
  const ready = status('Ready');
  if (ready === 'False') wanted.push([TAINT_NOT_READY, 'NoSchedule'], [TAINT_NOT_READY, 'NoExecute']);
  if (ready === 'Unknown') wanted.push([TAINT_UNREACHABLE, 'NoSchedule'], [TAINT_UNREACHABLE, 'NoExecute']);
  if (node.spec?.unschedulable) wanted.push([TAINT_UNSCHEDULABLE, 'NoSchedule']);
  if (status('MemoryPressure') === 'True') wanted.push([TAINT_MEMORY_PRESSURE, 'NoSchedule']);
  if (status('DiskPressure') === 'True') wanted.push([TAINT_DISK_PRESSURE, 'NoSchedule']);
  if (status('PIDPressure') === 'True') wanted.push([TAINT_PID_PRESSURE, 'NoSchedule']);
  if (status('NetworkUnavailable') === 'True') wanted.push([TAINT_NETWORK_UNAVAILABLE, 'NoSchedule']);
  return wanted;
}

/**
 * The node's taints after this pass: foreign taints kept in place, managed ones added or
 * removed. A NoExecute taint already there keeps its timeAdded, so eviction deadlines do not move.
 */
export function desiredTaints(node: Node, conditions: readonly NodeCondition[], now: Date): Taint[] {
  const wanted = wantedTaints(node, conditions);
  const isManaged = (t: Taint) => MANAGED.some(([k, e]) => k === t.key && e === t.effect);
  const isWanted = (t: Taint) => wanted.some(([k, e]) => k === t.key && e === t.effect);
  const existing = node.spec?.taints ?? [];
  const kept = existing.filter((t) => !isManaged(t) || isWanted(t));
  for (const [key, effect] of wanted) {
    if (kept.some((t) => t.key === key && t.effect === effect)) continue;
    kept.push(effect === 'NoExecute' ? { key, effect, timeAdded: wireTime(now) } : { key, effect });
  }
  return kept;
}

/** When a node heard from now goes silent for good, if nothing renews it: seconds from now, at least 1. */
export function secondsUntilSilent(node: Node, lease: Lease | undefined, now: Date, graceSeconds: number): number | undefined {
  const deadline = lastHeartbeat(node, lease) + graceSeconds * 1000;
  if (now.getTime() > deadline) return undefined;
  return Math.max(1, Math.ceil((deadline - now.getTime()) / 1000) + 1);
}
