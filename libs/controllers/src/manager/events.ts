import type { KubeObject } from '@keelson/apimachinery';
import { RESOURCES, apiVersionOf } from '@keelson/resources';
import { objectPath } from '@keelson/informer';
import type { ControllerClient } from './client';
import { EventSpamFilter } from './event-spam-filter';

// core/v1 Events, as client-go's recorder writes them for a controller (`source.component` =
// e.g. "replicaset-controller"): `kubectl describe` lists them under the object.

export interface InvolvedObject {
  kind: string;
  namespace?: string;
  name: string;
  uid?: string;
}

/** RFC 3339 to the second, as metav1.Time marshals. */
export const rfc3339 = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** `<object>.<hex nanoseconds>`, as client-go names Events; `n` keeps two in one ms apart. */
export function eventName(objectName: string, nowMs: number, n: number): string {
  const ns = BigInt(nowMs) * 1_000_000n + BigInt(n % 1_000_000);
  return `${objectName}.${ns.toString(16).padStart(16, '0')}`;
}

export function apiVersionOfKind(kind: string): string {
  const r = RESOURCES.find((x) => x.kind === kind);
  return r ? apiVersionOf(r.group, r.versions[0]) : 'v1';
}

export interface EventArgs {
  involved: InvolvedObject;
  eventType: 'Normal' | 'Warning';
  reason: string;
  message: string;
  component: string;
  nowMs: number;
  n: number;
}

export function controllerEvent(e: EventArgs): KubeObject {
  const { involved: o } = e;
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: eventName(o.name, e.nowMs, e.n), namespace: o.namespace || 'default' },
    involvedObject: { apiVersion: apiVersionOfKind(o.kind), kind: o.kind, namespace: o.namespace, name: o.name, uid: o.uid },
    reason: e.reason,
    message: e.message,
    type: e.eventType,
    source: { component: e.component },
    reportingComponent: e.component,
    reportingInstance: '',
    firstTimestamp: rfc3339(e.nowMs),
    lastTimestamp: rfc3339(e.nowMs),
    count: 1,
  } as KubeObject;
}

/**
 * Writes Events for one controller; a failed Event write is logged, never fails the sync. Past
 * the spam filter's burst, events about one object are dropped, as client-go's recorder does.
 */
export class EventRecorder {
  private n = 0;
  private readonly spam = new EventSpamFilter();

  constructor(
    private readonly client: ControllerClient,
    private readonly component: string,
    private readonly now: () => number = Date.now,
    private readonly warn: (m: string) => void = (m) => console.warn(m),
  ) {}

  async record(involved: InvolvedObject, eventType: 'Normal' | 'Warning', reason: string, message: string, cause?: number): Promise<void> {
    const nowMs = this.now();
    if (!this.spam.allow(`${involved.kind}/${involved.namespace ?? ''}/${involved.name}/${involved.uid ?? ''}`, nowMs)) return;
    const ev = controllerEvent({ involved, eventType, reason, message, component: this.component, nowMs, n: this.n++ });
    try {
      await this.client.create(objectPath('', 'v1', 'events', ev.metadata.namespace), ev, { cause });
    } catch (err) {
      this.warn(`${this.component}: event ${reason} on ${involved.kind} ${involved.name} not recorded: ${(err as Error).message}`);
    }
  }
}
