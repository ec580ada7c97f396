export { startScheduler, type RunningScheduler } from './server';
export { schedulerAppConfig, readSchedulingPolicy, type SchedulerAppConfig } from './config';
export { LEASE_NAME } from './scheduler.service';
