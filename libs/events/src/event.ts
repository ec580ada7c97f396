import type { KubeObject } from '@keelson/apimachinery';

// core/v1 Events as client-go's recorder (tools/record) makes them: named `<object>.<hex ns>`,
// in the object's namespace ("default" for a cluster-scoped one), `source` and
// `reportingController`/`reportingInstance` from the component and its host, count 1.
// `kubectl describe` lists them under the object; `kubectl get events` prints them.

export type EventType = 'Normal' | 'Warning';

/** core/v1 ObjectReference: what an Event is about; `fieldPath` names a part, e.g. `spec.containers{app}`. */
export interface ObjectReference {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
  uid?: string;
  resourceVersion?: string;
  fieldPath?: string;
}

/** Who reports: `component` ("kubelet", "replicaset-controller") and `host` (the node, for a kubelet). */
export interface EventSource {
  component: string;
  host?: string;
}

export interface CoreEvent extends KubeObject {
  metadata: { name: string; namespace: string; annotations?: Record<string, string>; resourceVersion?: string };
  involvedObject: ObjectReference;
  reason: string;
  message: string;
  type: EventType;
  source: EventSource;
  reportingComponent: string;
  reportingInstance: string;
  firstTimestamp: string;
  lastTimestamp: string;
  count: number;
}

/** RFC 3339 to the second, as metav1.Time marshals. */
export const rfc3339 = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** `<object>.<hex nanoseconds>`, as client-go names Events; `n` keeps two in one ms apart. */
export function eventName(objectName: string, nowMs: number, n: number): string {
  const ns = BigInt(nowMs) * 1_000_000n + BigInt(n % 1_000_000);
  return `${objectName}.${ns.toString(16).padStart(16, '0')}`;
}

export interface EventArgs {
  involved: ObjectReference;
  type: EventType;
  reason: string;
  message: string;
  source: EventSource;
  nowMs: number;
  /** A sequence number of the recorder, for the name. */
  n: number;
  annotations?: Record<string, string>;
}

/** The Event client-go's makeEvent builds: count 1, first and last timestamp now. */
export function newEvent(e: EventArgs): CoreEvent {
  const { involved: o } = e;
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: eventName(o.name, e.nowMs, e.n), namespace: o.namespace || 'default', ...(e.annotations ? { annotations: e.annotations } : {}) },
    involvedObject: withoutUndefined(o),
    reason: e.reason,
    message: e.message,
    type: e.type,
    source: withoutUndefined(e.source),
    reportingComponent: e.source.component,
    reportingInstance: e.source.host ?? '',
    firstTimestamp: rfc3339(e.nowMs),
    lastTimestamp: rfc3339(e.nowMs),
    count: 1,
  };
}

function withoutUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== '')) as T;
}
