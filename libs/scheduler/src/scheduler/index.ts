export { Scheduler, type SchedulerOptions, type SchedulerStats } from './scheduler';
export { InformerPath, nodeSchedulingPropertiesChanged } from './informer-path';
export { FailureRecorder, preemptionFailureMessage } from './failure';
export { resolvePriority, globalDefaultPriority, SYSTEM_PRIORITY_CLASSES } from './priority';
export * from './records';
export * from './client';
export { schedulerPodView } from './pod-fields';
