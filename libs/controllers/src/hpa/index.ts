export * from './types';
export { reconcileHpa, failedRescale, EMPTY_MEMORY, DEFAULT_METRICS, HPA_SYNC_SECONDS } from './reconcile';
export type { HpaObserved, HpaAction, HpaDecision, HpaMemory } from './reconcile';
export { replicasForUtilization, replicasForAverageValue, groupPods, podRequests, TOLERANCE, CPU_INITIALIZATION_PERIOD_MS, INITIAL_READINESS_DELAY_MS } from './replica-calculator';
export { normalizeDesiredReplicas, resolveBehavior, stabilize, limitWithRules, limitWithBehavior, scaleUpLimit, scaleDownLimit, DOWNSCALE_STABILIZATION_SECONDS } from './behavior';
export { podMetricsByName, goDurationMs } from './pod-metrics';
