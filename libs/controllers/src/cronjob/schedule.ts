// Cron schedules as Kubernetes reads them (robfig/cron `ParseStandard` + cronjob/utils.go),
// computed with the cron-parser package.
//
// Standard five-field expressions and the macros @yearly/@annually, @monthly, @weekly,
// @daily/@midnight, @hourly; spec.timeZone is an IANA name (absent = UTC here; Kubernetes
// uses the controller manager's zone). A `CRON_TZ=`/`TZ=` prefix is refused: Kubernetes'
// validation rejects it on new objects in favour of spec.timeZone. cron-parser's extras that
// robfig does not know (a seconds field, L, #, H, @minutely…) are refused too, so a schedule
// means the same thing here as in Kubernetes.

import { CronExpressionParser } from 'cron-parser';

export interface Schedule {
  /** The first scheduled time strictly after `t` (robfig's `Next`). */
  next(t: Date): Date;
}

export type ScheduleError = { readonly reason: 'UnsupportedSchedule' | 'UnparseableSchedule' | 'UnknownTimeZone'; readonly message: string };

const MACROS: Readonly<Record<string, string>> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

const NUMERIC_FIELD = /^[\d*?,\-/]+$/;
/** Month and day-of-week fields may also use three-letter names (JAN, MON). */
const NAMED_FIELD = /^(?:[\d*?,\-/]|[A-Za-z]{3})+$/;

export function isValidTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export function parseSchedule(schedule: string, timeZone?: string): Schedule | ScheduleError {
  if (schedule.includes('TZ')) {
    return { reason: 'UnsupportedSchedule', message: `CRON_TZ or TZ used in schedule "${schedule}" is not supported, use spec.timeZone instead` };
  }
  const tz = timeZone || 'UTC';
  if (!isValidTimeZone(tz)) return { reason: 'UnknownTimeZone', message: `invalid timeZone: "${timeZone}": unknown time zone ${timeZone}` };
  const trimmed = schedule.trim();
  const expression = MACROS[trimmed] ?? trimmed;
  const fields = expression.split(/\s+/);
  const bad = fields.length !== 5 || fields.some((f, i) => !(i >= 3 ? NAMED_FIELD : NUMERIC_FIELD).test(f));
  if (bad) return { reason: 'UnparseableSchedule', message: `unparseable schedule: "${schedule}" : expected exactly 5 fields or a descriptor` };
  try {
    CronExpressionParser.parse(expression, { tz, currentDate: new Date(0) }).next();
  } catch (e) {
    return { reason: 'UnparseableSchedule', message: `unparseable schedule: "${schedule}" : ${(e as Error).message}` };
  }
  return { next: (t: Date) => CronExpressionParser.parse(expression, { tz, currentDate: t }).next().toDate() };
}

export function isScheduleError(s: Schedule | ScheduleError): s is ScheduleError {
  return 'reason' in s;
}

export type MissedSchedules = 'none' | 'few' | 'many';

export interface MostRecent {
  /** lastScheduleTime, else creation (raised to now − startingDeadlineSeconds when asked). */
  readonly earliest: Date;
  /** The latest scheduled time not after now, if any is due. */
  readonly mostRecent?: Date;
  readonly missed: MissedSchedules;
}

/**
 * `mostRecentScheduleTime`. Only the latest missed time is ever run: after a restart an hourly
 * CronJob that missed 80 runs starts one Job, not 80. The count is estimated from the gap
 * between the next two times, so a long outage costs no CPU.
 *
 * Worked example: `*\/5 * * * *`, last scheduled 10:00, now 10:17:30 → t1 = 10:05, t2 = 10:10,
 * interval 300 s, elapsed since t1 750 s → 750 / 300 + 1 = 3 missed (10:05, 10:10, 10:15);
 * iterating from t1 + (3 − 2) · 300 s = 10:10 gives 10:15, the most recent.
 */
export function mostRecentScheduleTime(earliestIn: Date, now: Date, schedule: Schedule, startingDeadlineSeconds?: number): MostRecent {
  let earliest = earliestIn;
  if (startingDeadlineSeconds != null) {
    const deadline = new Date(now.getTime() - startingDeadlineSeconds * 1000);
    if (deadline > earliest) earliest = deadline;
  }
  const t1 = schedule.next(earliest);
  const t2 = schedule.next(t1);
  if (now < t1) return { earliest, missed: 'none' };
  if (now < t2) return { earliest, mostRecent: t1, missed: 'none' };
  const interval = Math.round((t2.getTime() - t1.getTime()) / 1000);
  // Kubernetes reports such a schedule as invalid; cron-parser refuses them at parse time.
  if (interval < 1) return { earliest, missed: 'none' };
  const missedCount = Math.trunc((now.getTime() - t1.getTime()) / 1000 / interval) + 1;
  let mostRecent: Date | undefined;
  for (let t = schedule.next(new Date(t1.getTime() + (missedCount - 2) * interval * 1000)); t <= now; t = schedule.next(t)) mostRecent = t;
  return { earliest, mostRecent, missed: missedCount > 100 ? 'many' : 'few' };
}

/** NTP-skew padding Kubernetes adds to every requeue (`nextScheduleDelta`). */
export const NEXT_SCHEDULE_DELTA_MS = 100;

/** `nextScheduleTimeDuration`, in seconds: when to look again for the next run. */
export function secondsToNextSchedule(earliestIn: Date, now: Date, schedule: Schedule): number {
  const { earliest, mostRecent, missed } = mostRecentScheduleTime(earliestIn, now, schedule);
  const from = mostRecent ?? (missed === 'none' ? earliest : now);
  return (schedule.next(from).getTime() + NEXT_SCHEDULE_DELTA_MS - now.getTime()) / 1000;
}
