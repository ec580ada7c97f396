// Events, from either API: core/v1 (`involvedObject`, `firstTimestamp`…) or events.k8s.io/v1
// (`regarding`, `deprecatedFirstTimestamp`…). Both are read into the core shape first, as the
// API server prints both from its one internal type.

import { col, NAME_DESCRIPTION, Printer } from '../columns';
import { since } from '../duration';
import { Meta } from '../format';

export interface Event {
  readonly metadata: Meta;
  readonly involvedObject?: { kind?: string; name?: string; fieldPath?: string };
  readonly regarding?: { kind?: string; name?: string; fieldPath?: string };
  readonly reason?: string;
  readonly message?: string;
  readonly note?: string;
  readonly type?: string;
  readonly count?: number;
  readonly deprecatedCount?: number;
  readonly firstTimestamp?: string;
  readonly deprecatedFirstTimestamp?: string;
  readonly lastTimestamp?: string;
  readonly deprecatedLastTimestamp?: string;
  readonly eventTime?: string;
  readonly series?: { count?: number; lastObservedTime?: string };
  readonly source?: { component?: string; host?: string };
  readonly deprecatedSource?: { component?: string; host?: string };
  readonly reportingController?: string;
  readonly reportingComponent?: string;
  readonly reportingInstance?: string;
}

export const eventPrinter: Printer<Event> = {
  columns: [
    col('Last Seen', 'string', 'The time at which the most recent occurrence of this event was recorded.'),
    col('Type', 'string', 'Type of this event (Normal, Warning), new types could be added in the future'),
    col('Reason', 'string', "This should be a short, machine understandable string that gives the reason for the transition into the object's current status."),
    col('Object', 'string', 'The object that this event is about.'),
    col('Subobject', 'string', 'If referring to a piece of an object instead of an entire object, this string should contain a valid JSON/Go field access statement, such as desiredState.manifest.containers[2].', 1),
    col('Source', 'string', 'The component reporting this event. Should be a short machine understandable string.', 1),
    col('Message', 'string', 'A human-readable description of the status of this operation.'),
    col('First Seen', 'string', 'The time at which the event was first recorded. (Time of server receipt is in TypeMeta.)', 1),
    col('Count', 'string', 'The number of times this event has occurred.', 1),
    col('Name', 'string', NAME_DESCRIPTION, 1, 'name'),
  ],
  print: (e, now) => {
    const involved = e.involvedObject ?? e.regarding ?? {};
    const firstSeen = e.firstTimestamp ?? e.deprecatedFirstTimestamp;
    const lastSeen = e.lastTimestamp ?? e.deprecatedLastTimestamp;
    const first = firstSeen ? since(firstSeen, now) : since(e.eventTime, now);
    let last = lastSeen ? since(lastSeen, now) : first;
    // Singleton events of the new API carry no count; a series carries its own.
    let count = e.count ?? e.deprecatedCount ?? 0;
    if (e.series) {
      last = since(e.series.lastObservedTime, now);
      count = e.series.count ?? 0;
    } else if (count === 0) count = 1;
    const kind = (involved.kind ?? '').toLowerCase();
    const source = e.source ?? e.deprecatedSource ?? {};
    const component = source.component || e.reportingController || e.reportingComponent || '';
    const instance = source.host || e.reportingInstance || '';
    return {
      cells: [
        last,
        e.type ?? '',
        e.reason ?? '',
        involved.name ? `${kind}/${involved.name}` : kind,
        involved.fieldPath ?? '',
        instance ? `${component}, ${instance}` : component,
        (e.message ?? e.note ?? '').trim(),
        first,
        count,
        e.metadata.name ?? '',
      ],
    };
  },
};
