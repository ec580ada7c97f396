import type { KubeObject } from '@keelson/apimachinery';
import { rfc3339 } from '@keelson/events';
import type { Diagnosis } from '../cycle/types';

// The objects the scheduler writes, as kube-scheduler writes them: the Binding, the pod's
// PodScheduled=False condition, Events (FailedScheduling, Preempted) and the victim's
// DisruptionTarget condition. Pure builders; the clock comes in.

export const SCHEDULER_COMPONENT = 'default-scheduler';
/** On a FailedScheduling Event: JSON {node: [reasons]} for a later "why pending" tool. */
export const NODE_REASONS_ANNOTATION = 'keelson.io/node-reasons';
/** Kubernetes caps annotations at 256 KiB in all; a huge cluster's reasons are cut here. */
export const MAX_NODE_REASONS = 1000;

// Event names and timestamps as every component writes them.
export { eventName, rfc3339 } from '@keelson/events';

/** The Scheduled Event's message, as schedule_one.go's bindingCycle writes it once the bind succeeded. */
export const scheduledMessage = (namespace: string, name: string, node: string) => `Successfully assigned ${namespace}/${name} to ${node}`;

export function bindingOf(pod: KubeObject, node: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Binding',
    metadata: { name: pod.metadata.name, namespace: pod.metadata.namespace },
    target: { apiVersion: 'v1', kind: 'Node', name: node },
  } as KubeObject;
}

/**
 * Strategic merge patch of the pod's status: conditions merge by `type`, so only PodScheduled is
 * touched. `nominatedNodeName` is set when preemption made room somewhere, and cleared with null.
 */
export function unschedulableStatusPatch(message: string, nowMs: number, nominatedNodeName?: string | null): Record<string, unknown> {
  const condition = { type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message, lastProbeTime: null, lastTransitionTime: rfc3339(nowMs) };
  return { status: { conditions: [condition], ...(nominatedNodeName !== undefined ? { nominatedNodeName } : {}) } };
}

export function disruptionTargetPatch(nowMs: number, schedulerName: string): Record<string, unknown> {
  const condition = { type: 'DisruptionTarget', status: 'True', reason: 'PreemptionByScheduler', message: `${schedulerName}: preempting to accommodate a higher priority pod`, lastTransitionTime: rfc3339(nowMs) };
  return { status: { conditions: [condition] } };
}

/** Per-node reasons of a failed cycle, `{node: [reasons]}`, at most MAX_NODE_REASONS nodes. */
export function nodeReasons(diagnosis: Diagnosis): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  let n = 0;
  for (const [node, status] of diagnosis.nodeToStatus) {
    if (n++ >= MAX_NODE_REASONS) break;
    out[node] = [...(status.reasons ?? [])];
  }
  return out;
}

export interface EventSpec {
  name: string;
  involved: KubeObject;
  reason: string;
  message: string;
  type: 'Normal' | 'Warning';
  action: string;
  nowMs: number;
  count?: number;
  firstMs?: number;
  annotations?: Record<string, string>;
  reportingInstance?: string;
}

/** A core/v1 Event about a pod, shown by `kubectl describe pod` and `kubectl get events`. */
export function podEvent(e: EventSpec): KubeObject {
  const m = e.involved.metadata;
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: e.name, namespace: m.namespace, ...(e.annotations ? { annotations: e.annotations } : {}) },
    involvedObject: { apiVersion: 'v1', kind: 'Pod', namespace: m.namespace, name: m.name, uid: m.uid, resourceVersion: m.resourceVersion },
    reason: e.reason,
    message: e.message,
    type: e.type,
    action: e.action,
    source: { component: SCHEDULER_COMPONENT },
    reportingComponent: SCHEDULER_COMPONENT,
    reportingInstance: e.reportingInstance ?? '',
    firstTimestamp: rfc3339(e.firstMs ?? e.nowMs),
    lastTimestamp: rfc3339(e.nowMs),
    count: e.count ?? 1,
  } as KubeObject;
}
