export { reconcileCronJob, withCronJobDefaults } from './reconcile';
export type { CronJobObserved } from './reconcile';
export { parseSchedule, isScheduleError, mostRecentScheduleTime, secondsToNextSchedule } from './schedule';
export type { Schedule, ScheduleError, MostRecent } from './schedule';
export { jobFromTemplate, jobNameFor, CRONJOB_SCHEDULED_TIMESTAMP } from './job-template';
export { cleanupFinishedJobs, jobsOverHistoryLimits } from './cleanup';
