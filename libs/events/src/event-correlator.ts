import type { CoreEvent } from './event';
import { EventSpamFilter } from './event-spam-filter';
import { Lru } from './lru';

// client-go's EventCorrelator (tools/record/events_cache.go): what every Event goes through
// before it is written, so that a container crash-looping or a probe failing every few seconds
// costs one Event whose count grows, not a flood.
//  1. aggregate: events alike but for the message (same source, object, type and reason) with
//     10 different messages within 10 minutes become one "(combined from similar events): …";
//  2. observe: an event seen before (same source, object with its fieldPath, type, reason and
//     message) is not created again; the existing one is patched with count+1, lastTimestamp and
//     message. E.g. a readiness probe failing every 5 s for a minute: one Event, count 12,
//     firstTimestamp t, lastTimestamp t+55 s — `kubectl describe` shows "(x12 over 55s)";
//  3. spam filter: per source and object, a burst of 25, then one per 5 minutes (counts still
//     grow in step 2, so the next write that passes carries the true count).

export const AGGREGATE_MAX_EVENTS = 10;
export const AGGREGATE_INTERVAL_MS = 600_000;
const CACHE_ENTRIES = 4096;
export const COMBINED_PREFIX = '(combined from similar events): ';

export type EventPatch = Pick<CoreEvent, 'count' | 'lastTimestamp' | 'message'>;

/** skip: dropped by the spam filter; else create `event`, or patch it by name when `patch` is set. */
export type Correlation = { readonly skip: true } | { readonly skip: false; readonly event: CoreEvent; readonly patch?: EventPatch };

const objectKey = (e: CoreEvent): string[] => {
  const o = e.involvedObject;
  return [e.source.component, e.source.host ?? '', o.kind, o.namespace ?? '', o.name, o.uid ?? '', o.apiVersion];
};
/** getEventKey: everything that makes two events the same occurrence. */
export const eventKey = (e: CoreEvent): string => [...objectKey(e), e.involvedObject.fieldPath ?? '', e.type, e.reason, e.message].join('\u0000');
/** EventAggregatorByReasonFunc: events that differ only in their message. */
export const aggregateKey = (e: CoreEvent): string => [...objectKey(e), e.type, e.reason, e.reportingComponent, e.reportingInstance].join('\u0000');
/** getSpamKey: the source and the object. */
export const spamKey = (e: CoreEvent): string => objectKey(e).join('\u0000');

export class EventCorrelator {
  private readonly aggregates = new Lru<{ messages: Set<string>; lastMs: number }>(CACHE_ENTRIES);
  private readonly seen = new Lru<{ count: number; firstTimestamp: string; name: string }>(CACHE_ENTRIES);

  constructor(private readonly spam = new EventSpamFilter()) {}

  correlate(event: CoreEvent, nowMs: number): Correlation {
    const { event: aggregated, key } = this.aggregate(event, nowMs);
    const observed = this.observe(aggregated, key);
    if (!this.spam.allow(spamKey(event), nowMs)) return { skip: true };
    return { skip: false, ...observed };
  }

  private aggregate(event: CoreEvent, nowMs: number): { event: CoreEvent; key: string } {
    const key = aggregateKey(event);
    const prev = this.aggregates.get(key);
    const record = prev && nowMs - prev.lastMs <= AGGREGATE_INTERVAL_MS ? prev : { messages: new Set<string>(), lastMs: nowMs };
    record.messages.add(event.message);
    record.lastMs = nowMs;
    this.aggregates.set(key, record);
    if (record.messages.size < AGGREGATE_MAX_EVENTS) return { event, key: eventKey(event) };
    // Keep the set at the maximum: one message out, so the next distinct one is combined too.
    record.messages.delete(record.messages.values().next().value!);
    return { event: { ...event, message: COMBINED_PREFIX + event.message }, key };
  }

  private observe(event: CoreEvent, key: string): { event: CoreEvent; patch?: EventPatch } {
    const last = this.seen.get(key);
    const out = last ? { ...event, metadata: { ...event.metadata, name: last.name }, firstTimestamp: last.firstTimestamp, count: last.count + 1 } : event;
    this.seen.set(key, { count: out.count, firstTimestamp: out.firstTimestamp, name: out.metadata.name });
    return last ? { event: out, patch: { count: out.count, lastTimestamp: out.lastTimestamp, message: out.message } } : { event: out };
  }
}
