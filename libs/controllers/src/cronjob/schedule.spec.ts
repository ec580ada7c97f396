import { isScheduleError, mostRecentScheduleTime, parseSchedule, Schedule, secondsToNextSchedule } from './schedule';
import { jobNameFor, rfc3339In } from './job-template';
import { cronJob } from './testing';

const at = (iso: string) => new Date(iso);
const parsed = (s: string, tz?: string): Schedule => {
  const r = parseSchedule(s, tz);
  if (isScheduleError(r)) throw new Error(r.message);
  return r;
};

describe('cron schedules', () => {
  it.each`
    schedule           | timeZone        | after                     | next
    ${'*/1 * * * *'}   | ${undefined}    | ${'2025-01-01T12:00:00Z'} | ${'2025-01-01T12:01:00.000Z'}
    ${'*/1 * * * *'}   | ${undefined}    | ${'2025-01-01T12:00:59.5Z'} | ${'2025-01-01T12:01:00.000Z'}
    ${'*/5 * * * *'}   | ${'Etc/UTC'}    | ${'2025-01-01T12:03:00Z'} | ${'2025-01-01T12:05:00.000Z'}
    ${'@hourly'}       | ${undefined}    | ${'2025-01-01T12:00:00Z'} | ${'2025-01-01T13:00:00.000Z'}
    ${'@daily'}        | ${'Asia/Tokyo'} | ${'2025-01-01T12:00:00Z'} | ${'2025-01-01T15:00:00.000Z'}
    ${'0 9 * * MON'}   | ${undefined}    | ${'2025-01-01T12:00:00Z'} | ${'2025-01-06T09:00:00.000Z'}
    ${'0 0 13 * 5'}    | ${undefined}    | ${'2025-01-01T12:00:00Z'} | ${'2025-01-03T00:00:00.000Z'}
  `('given "$schedule" in $timeZone, when asked for the time after $after, then $next', ({ schedule, timeZone, after, next }) => {
    expect(parsed(schedule, timeZone).next(at(after)).toISOString()).toBe(next);
  });

  it.each`
    schedule                       | timeZone         | reason
    ${'CRON_TZ=UTC */1 * * * *'}   | ${undefined}     | ${'UnsupportedSchedule'}
    ${'TZ=Europe/Paris 0 * * * *'} | ${undefined}     | ${'UnsupportedSchedule'}
    ${'* * * *'}                   | ${undefined}     | ${'UnparseableSchedule'}
    ${'0 * * * * *'}               | ${undefined}     | ${'UnparseableSchedule'}
    ${'61 * * * *'}                | ${undefined}     | ${'UnparseableSchedule'}
    ${'0 0 L * *'}                 | ${undefined}     | ${'UnparseableSchedule'}
    ${'@minutely'}                 | ${undefined}     | ${'UnparseableSchedule'}
    ${'0 * * * *'}                 | ${'Nowhere/Land'} | ${'UnknownTimeZone'}
  `('given "$schedule" (timeZone $timeZone), when parsed, then it is refused as $reason', ({ schedule, timeZone, reason }) => {
    expect(parseSchedule(schedule, timeZone)).toMatchObject({ reason });
  });

  it.each`
    case                                        | schedule         | since                     | now                       | deadline     | mostRecent                    | missed
    ${'nothing due yet'}                        | ${'*/5 * * * *'} | ${'2025-01-01T10:00:00Z'} | ${'2025-01-01T10:04:59Z'} | ${undefined} | ${undefined}                  | ${'none'}
    ${'exactly one due'}                        | ${'*/5 * * * *'} | ${'2025-01-01T10:00:00Z'} | ${'2025-01-01T10:05:00Z'} | ${undefined} | ${'2025-01-01T10:05:00.000Z'} | ${'none'}
    ${'three missed: only the latest'}          | ${'*/5 * * * *'} | ${'2025-01-01T10:00:00Z'} | ${'2025-01-01T10:17:30Z'} | ${undefined} | ${'2025-01-01T10:15:00.000Z'} | ${'few'}
    ${'a weekend outage of an hourly job'}      | ${'0 * * * *'}   | ${'2025-01-03T17:00:00Z'} | ${'2025-01-06T09:30:00Z'} | ${undefined} | ${'2025-01-06T09:00:00.000Z'} | ${'few'}
    ${'more than 100 missed'}                   | ${'* * * * *'}   | ${'2025-01-01T00:00:00Z'} | ${'2025-01-01T12:00:30Z'} | ${undefined} | ${'2025-01-01T12:00:00.000Z'} | ${'many'}
    ${'startingDeadlineSeconds bounds the look-back'} | ${'* * * * *'} | ${'2025-01-01T00:00:00Z'} | ${'2025-01-01T12:00:30Z'} | ${200} | ${'2025-01-01T12:00:00.000Z'} | ${'few'}
  `('given $case, when the most recent schedule time is computed, then $mostRecent ($missed missed)', ({ schedule, since, now, deadline, mostRecent, missed }) => {
    const r = mostRecentScheduleTime(at(since), at(now), parsed(schedule), deadline);
    expect(r.mostRecent?.toISOString()).toBe(mostRecent);
    expect(r.missed).toBe(missed);
  });

  it('given an every-minute schedule last run at 12:00, when it is 12:00:20, then the next look is at 12:01:00 plus 100 ms', () => {
    expect(secondsToNextSchedule(at('2025-01-01T12:00:00Z'), at('2025-01-01T12:00:20Z'), parsed('*/1 * * * *'))).toBeCloseTo(40.1, 6);
  });

  it('given a scheduled time, when the Job is named, then the name carries minutes since the epoch and the annotation the zone\'s RFC 3339', () => {
    expect(jobNameFor(cronJob(), at('2025-01-01T12:00:00Z'))).toBe('hello-28928880');
    expect(rfc3339In(at('2025-01-01T12:00:00Z'), 'UTC')).toBe('2025-01-01T12:00:00Z');
    expect(rfc3339In(at('2025-01-01T12:00:00Z'), 'Asia/Tokyo')).toBe('2025-01-01T21:00:00+09:00');
    expect(rfc3339In(at('2025-07-01T12:00:00Z'), 'America/New_York')).toBe('2025-07-01T08:00:00-04:00');
  });
});
