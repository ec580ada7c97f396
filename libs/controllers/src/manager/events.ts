import { RESOURCES, apiVersionOf } from '@keelson/resources';
import { apiEventSink, EventRecorder as Recorder, type EventType } from '@keelson/events';
import type { ControllerClient } from './client';

// core/v1 Events for one controller (`source.component` = e.g. "replicaset-controller"), through
// @keelson/events' recorder: queued, correlated (count bumps, spam filter) and written in the
// background, so a failed Event write never fails or slows a sync.

export interface InvolvedObject {
  kind: string;
  namespace?: string;
  name: string;
  uid?: string;
}

export function apiVersionOfKind(kind: string): string {
  const r = RESOURCES.find((x) => x.kind === kind);
  return r ? apiVersionOf(r.group, r.versions[0]) : 'v1';
}

export class EventRecorder {
  private readonly recorder: Recorder;

  constructor(client: ControllerClient, component: string, now: () => number = Date.now, warn: (m: string) => void = (m) => console.warn(m)) {
    this.recorder = new Recorder(apiEventSink(client), { component }, { now, warn });
  }

  record(involved: InvolvedObject, eventType: EventType, reason: string, message: string, cause?: number): void {
    this.recorder.record({ apiVersion: apiVersionOfKind(involved.kind), ...involved }, eventType, reason, message, { cause });
  }

  /** Resolves once the Events recorded so far are written (specs, shutdown). */
  flush(): Promise<void> {
    return this.recorder.flush();
  }
}
