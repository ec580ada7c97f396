import type { KubeObject } from '@keelson/apimachinery';

// What every entry of the log carries. `object` is the whole object after the change, so a
// replay needs nothing else; `cause` is the sequence of the event that led to this one.

export type EventType =
  | 'Created'
  | 'Updated'
  | 'StatusUpdated'
  | 'Scaled'
  | 'Bound'
  | 'DeletionRequested'
  | 'Deleted';

export interface Envelope {
  readonly type: EventType;
  readonly object: KubeObject;
  /** the user, controller or node that asked, e.g. "user:admin", "controller:replicaset", "node:keelson-node-1" */
  readonly actor: string;
  readonly cause?: number;
  readonly correlation?: string;
  /** RFC 3339 with milliseconds */
  readonly time: string;
}

/** A stored entry: the envelope plus where it sits in the log. */
export interface LogEntry extends Envelope {
  readonly seq: number;
  readonly subject: string;
}

/**
 * The envelope's JSON with its object already serialised as `objectJson`: a writer that needs
 * the object's JSON for its own answer as well serialises the object once, not twice.
 */
export function envelopeJson(e: Envelope, objectJson: string): string {
  // `object` first, then the envelope's own small members ("type" is always among them).
  return `{"object":${objectJson},${JSON.stringify({ ...e, object: undefined }).slice(1)}`;
}

export const isTombstone = (e: Pick<Envelope, 'type'>): boolean => e.type === 'Deleted';

/** Kubernetes watch event types, from the domain event types. */
export function watchEventType(type: EventType): 'ADDED' | 'MODIFIED' | 'DELETED' {
  switch (type) {
    case 'Created':
      return 'ADDED';
    case 'Deleted':
      return 'DELETED';
    case 'Updated':
    case 'StatusUpdated':
    case 'Scaled':
    case 'Bound':
    case 'DeletionRequested':
      return 'MODIFIED';
    default: {
      const never: never = type;
      throw new Error(`unknown event type ${never as string}`);
    }
  }
}
