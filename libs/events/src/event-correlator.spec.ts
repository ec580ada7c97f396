import { newEvent, type CoreEvent, type ObjectReference } from './event';
import { COMBINED_PREFIX, EventCorrelator } from './event-correlator';
import { EventSpamFilter } from './event-spam-filter';

const T0 = Date.parse('2024-05-01T10:00:00Z');
const pod: ObjectReference = { apiVersion: 'v1', kind: 'Pod', namespace: 'default', name: 'web-0', uid: 'uid-1' };
let n = 0;
const ev = (over: { reason?: string; message?: string; fieldPath?: string; at?: number } = {}): CoreEvent =>
  newEvent({ involved: { ...pod, ...(over.fieldPath ? { fieldPath: over.fieldPath } : {}) }, type: 'Warning', reason: over.reason ?? 'BackOff', message: over.message ?? 'Back-off restarting failed container app', source: { component: 'kubelet', host: 'node-1' }, nowMs: over.at ?? T0, n: n++ });

describe('EventCorrelator', () => {
  it('creates an event the first time it is seen', () => {
    const c = new EventCorrelator().correlate(ev(), T0);
    expect(c).toMatchObject({ skip: false, event: { count: 1 } });
    expect(c).not.toHaveProperty('patch');
  });

  it('given the same event again, patches the first one: same name and firstTimestamp, count and lastTimestamp bumped', () => {
    const k = new EventCorrelator();
    const first = k.correlate(ev(), T0);
    const again = k.correlate(ev({ at: T0 + 10_000 }), T0 + 10_000);
    const third = k.correlate(ev({ at: T0 + 20_000 }), T0 + 20_000);
    if (first.skip || again.skip || third.skip) throw new Error('skipped');
    expect(third.event.metadata.name).toBe(first.event.metadata.name);
    expect(third.event.firstTimestamp).toBe('2024-05-01T10:00:00Z');
    expect(third.patch).toEqual({ count: 3, lastTimestamp: '2024-05-01T10:00:20Z', message: 'Back-off restarting failed container app' });
  });

  it.each([
    ['another message', { message: 'Back-off restarting failed container side' }],
    ['another reason', { reason: 'Failed' }],
    ['another container (fieldPath)', { fieldPath: 'spec.containers{side}' }],
  ])('given an event that differs by %s, creates a new one', (_what, over) => {
    const k = new EventCorrelator();
    k.correlate(ev(), T0);
    const other = k.correlate(ev(over), T0);
    expect(other).toMatchObject({ skip: false, event: { count: 1 } });
    expect(other).not.toHaveProperty('patch');
  });

  it('given 10 events that differ only by message within 10 minutes, combines the 10th and later ones into one counted event', () => {
    const k = new EventCorrelator();
    const results = Array.from({ length: 12 }, (_, i) => k.correlate(ev({ message: `probe output ${i}` }), T0 + i * 1000));
    const messages = results.map((r) => (r.skip ? 'skip' : r.event.message));
    expect(messages.slice(0, 9)).toEqual(Array.from({ length: 9 }, (_, i) => `probe output ${i}`));
    expect(messages.slice(9)).toEqual([`${COMBINED_PREFIX}probe output 9`, `${COMBINED_PREFIX}probe output 10`, `${COMBINED_PREFIX}probe output 11`]);
    expect(results.slice(9).map((r) => !r.skip && r.event.count)).toEqual([1, 2, 3]);
  });

  it('given similar events more than 10 minutes apart, does not combine them', () => {
    const k = new EventCorrelator();
    const results = Array.from({ length: 12 }, (_, i) => k.correlate(ev({ message: `m${i}` }), T0 + i * 11 * 60_000));
    expect(results.every((r) => !r.skip && !r.event.message.startsWith(COMBINED_PREFIX))).toBe(true);
  });

  it('given an object past its burst, skips its events until the bucket refills, and the next write carries the true count', () => {
    const k = new EventCorrelator(new EventSpamFilter(3, 60_000));
    const results = Array.from({ length: 5 }, () => k.correlate(ev(), T0));
    expect(results.map((r) => r.skip)).toEqual([false, false, false, true, true]);
    const later = k.correlate(ev(), T0 + 60_000);
    expect(later).toMatchObject({ skip: false, patch: { count: 6 } });
  });
});
