// @keelson/events: core/v1 Events as client-go's recorder writes them — construction and
// naming, the correlator (count bumps, aggregation, spam filter) and an asynchronous recorder.
// Pure but for the recorder's queue; shared by the controllers and the node agent.
export { newEvent, eventName, rfc3339 } from './event';
export type { CoreEvent, EventArgs, EventSource, EventType, ObjectReference } from './event';
export { EventSpamFilter, EVENT_SPAM_BURST, EVENT_SPAM_REFILL_MS } from './event-spam-filter';
export { EventCorrelator, eventKey, aggregateKey, spamKey, AGGREGATE_MAX_EVENTS, AGGREGATE_INTERVAL_MS, COMBINED_PREFIX } from './event-correlator';
export type { Correlation, EventPatch } from './event-correlator';
export { EventRecorder, apiEventSink } from './event-recorder';
export type { EventSink, EventApiClient, RecorderOptions } from './event-recorder';
