export { schedulePod, selectHost, type ScheduleOptions } from './schedule-pod';
export { numFeasibleNodesToFind, MIN_FEASIBLE_NODES_TO_FIND, MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND } from './num-feasible-nodes';
export { failedSchedulingMessage, NO_NODES_AVAILABLE } from './fit-error';
export { SchedulingError, type Diagnosis, type Profile, type ScheduleResult } from './types';
