// One HorizontalPodAutoscaler's sync, as horizontal.go's reconcileAutoscaler: read the target's
// scale, propose a replica count per metric (the largest wins), normalize it (stabilization,
// rate limits, min/max), and if it differs scale the target through its /scale subresource,
// then write status (current and desired replicas, current metrics, conditions, lastScaleTime).
// What the controller remembers between syncs — recent recommendations and rescales — comes in
// and goes out as `memory`; the shell keeps it, as the upstream controller keeps it in memory.
import { milliValue } from '@keelson/admission';
import type { Pod } from '../common/types';
import { wireTime } from '../common/types';
import { normalizeDesiredReplicas } from './behavior';
import { replicasForAverageValue, replicasForUtilization, type ReplicaProposal } from './replica-calculator';
import type { HorizontalPodAutoscaler, HpaCondition, HpaStatus, MetricSpec, MetricStatus, PodMetric, ScaleEvent, TimestampedRecommendation } from './types';

export interface HpaMemory {
  readonly recommendations: readonly TimestampedRecommendation[];
  readonly scaleUpEvents: readonly ScaleEvent[];
  readonly scaleDownEvents: readonly ScaleEvent[];
}

export const EMPTY_MEMORY: HpaMemory = { recommendations: [], scaleUpEvents: [], scaleDownEvents: [] };

export interface HpaObserved {
  /** the target's scale subresource, or why it could not be read */
  readonly scale: { readonly replicas: number; readonly selector?: string } | { readonly error: string };
  /** the pods the scale's selector selects */
  readonly pods: readonly Pod[];
  /** per resource name ("cpu"), each pod's usage, or why metrics.k8s.io did not answer */
  readonly metrics: (resource: string) => ReadonlyMap<string, PodMetric> | { readonly error: string };
  readonly memory: HpaMemory;
}

export type HpaAction =
  | { readonly type: 'scale'; readonly replicas: number }
  | { readonly type: 'updateStatus'; readonly status: HpaStatus }
  | { readonly type: 'recordEvent'; readonly eventType: 'Normal' | 'Warning'; readonly reason: string; readonly message: string };

export interface HpaDecision {
  readonly actions: HpaAction[];
  /** the memory to keep once the actions are done */
  readonly memory: HpaMemory;
}

/** What autoscaling/v2 defaults an HPA without metrics to: 80 % CPU utilization. */
export const DEFAULT_METRICS: MetricSpec[] = [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }];

/** How often each HPA is looked at (--horizontal-pod-autoscaler-sync-period). */
export const HPA_SYNC_SECONDS = 15;

type Proposal = { replicas: number; name: string; status: MetricStatus } | { error: string; reason: string };

export function reconcileHpa(hpa: HorizontalPodAutoscaler, observed: HpaObserved, nowDate: Date): HpaDecision {
  const now = nowDate.getTime();
  const actions: HpaAction[] = [];
  const event = (eventType: 'Normal' | 'Warning', reason: string, message: string) => actions.push({ type: 'recordEvent', eventType, reason, message });
  const old = hpa.status;
  const conditions = new Conditions(old?.conditions, nowDate);
  const min = hpa.spec.minReplicas ?? 1;
  const max = hpa.spec.maxReplicas;
  const { scale } = observed;
  let memory = observed.memory;

  if ('error' in scale) {
    const message = `the HPA controller was unable to get the target's current scale: ${scale.error}`;
    event('Warning', 'FailedGetScale', message);
    conditions.set('AbleToScale', 'False', 'FailedGetScale', message);
    return { actions: withStatus(actions, hpa, { ...baseStatus(hpa, old?.currentReplicas ?? 0, old?.desiredReplicas ?? 0), currentMetrics: old?.currentMetrics, conditions: conditions.list }), memory };
  }

  const current = scale.replicas;
  let desired: number;
  let reason = '';
  let metricStatuses: MetricStatus[] | undefined = old?.currentMetrics;
  if (current === 0 && min !== 0) {
    desired = 0;
    conditions.set('ScalingActive', 'False', 'ScalingDisabled', 'scaling is disabled since the replica count of the target is zero');
  } else if (current > max) {
    [desired, reason] = [max, 'Current number of replicas above Spec.MaxReplicas'];
  } else if (current < min) {
    [desired, reason] = [min, 'Current number of replicas below Spec.MinReplicas'];
  } else {
    const specs = hpa.spec.metrics?.length ? hpa.spec.metrics : DEFAULT_METRICS;
    const proposals = specs.map((m) => proposeFor(m, current, observed, now));
    const valid = proposals.filter((p): p is Extract<Proposal, { replicas: number }> => 'replicas' in p);
    for (const p of proposals) {
      if ('error' in p) {
        event('Warning', p.reason, p.error);
        conditions.set('ScalingActive', 'False', p.reason, `the HPA was unable to compute the replica count: ${p.error}`);
      }
    }
    metricStatuses = valid.map((p) => p.status);
    // Every metric failed, or some did and the rest would scale down: do nothing on half the facts.
    const invalid = proposals.length - valid.length;
    const best = valid.reduce<(typeof valid)[number] | undefined>((a, p) => (!a || p.replicas > a.replicas ? p : a), undefined);
    if (!best || (invalid > 0 && best.replicas < current)) {
      return { actions: withStatus(actions, hpa, { ...baseStatus(hpa, current, current), currentMetrics: metricStatuses, conditions: conditions.list }), memory };
    }
    conditions.set('ScalingActive', 'True', 'ValidMetricFound', `the HPA was able to successfully calculate a replica count from ${best.name}`);
    const n = normalizeDesiredReplicas({ current, proposed: best.replicas, min, max, behavior: hpa.spec.behavior, now, ...memory });
    memory = { ...memory, recommendations: n.recommendations };
    conditions.set('AbleToScale', 'True', n.ableToScale.reason, n.ableToScale.message);
    conditions.set('ScalingLimited', n.limited.status, n.limited.reason, n.limited.message);
    desired = n.desired;
    reason = desired > current ? `${best.name} above target` : 'All metrics below target';
  }

  const rescale = desired !== current;
  if (rescale) {
    actions.push({ type: 'scale', replicas: desired });
    event('Normal', 'SuccessfulRescale', `New size: ${desired}; reason: ${reason}`);
    conditions.set('AbleToScale', 'True', 'SucceededRescale', `the HPA controller was able to update the target scale to ${desired}`);
    const change = { replicaChange: Math.abs(desired - current), timestamp: now };
    memory = desired > current ? { ...memory, scaleUpEvents: keepRecent([...memory.scaleUpEvents, change], now) } : { ...memory, scaleDownEvents: keepRecent([...memory.scaleDownEvents, change], now) };
  }
  const status: HpaStatus = {
    ...baseStatus(hpa, current, desired),
    ...(rescale ? { lastScaleTime: wireTime(nowDate) } : old?.lastScaleTime ? { lastScaleTime: old.lastScaleTime } : {}),
    ...(metricStatuses?.length ? { currentMetrics: metricStatuses } : {}),
    conditions: conditions.list,
  };
  return { actions: withStatus(actions, hpa, status), memory };
}

/** A failed scale write, as horizontal.go reports it: a Warning event and AbleToScale=False. */
export function failedRescale(hpa: HorizontalPodAutoscaler, status: HpaStatus, error: string, now: Date): { status: HpaStatus; event: HpaAction } {
  const conditions = new Conditions(status.conditions, now);
  const message = `the HPA controller was unable to update the target scale: ${error}`;
  conditions.set('AbleToScale', 'False', 'FailedUpdateScale', message);
  return {
    status: { ...status, desiredReplicas: status.currentReplicas, lastScaleTime: hpa.status?.lastScaleTime, conditions: conditions.list },
    event: { type: 'recordEvent', eventType: 'Warning', reason: 'FailedRescale', message: `New size: ${status.desiredReplicas}; error: ${error}` },
  };
}

function proposeFor(m: MetricSpec, current: number, observed: HpaObserved, now: number): Proposal {
  if (m.type !== 'Resource' || !m.resource) return { error: `metric type ${m.type} is not supported`, reason: 'InvalidMetricSourceType' };
  const { name, target } = m.resource;
  const metrics = observed.metrics(name);
  if ('error' in metrics) return { error: `failed to get ${name} utilization: unable to get metrics for resource ${name}: ${metrics.error}`, reason: 'FailedGetResourceMetric' };
  try {
    let p: ReplicaProposal;
    if (target.type === 'Utilization' && target.averageUtilization !== undefined) {
      p = replicasForUtilization(current, target.averageUtilization, name, observed.pods, metrics, now);
      return { replicas: p.replicas, name: `${name} resource utilization (percentage of request)`, status: { type: 'Resource', resource: { name, current: { averageUtilization: p.utilization, averageValue: formatMilli(name, p.averageMilli) } } } };
    }
    if (target.type === 'AverageValue' && target.averageValue !== undefined) {
      p = replicasForAverageValue(current, milliValue(target.averageValue), name, observed.pods, metrics, now);
      return { replicas: p.replicas, name: `${name} resource`, status: { type: 'Resource', resource: { name, current: { averageValue: formatMilli(name, p.averageMilli) } } } };
    }
    return { error: `invalid resource metric source: neither a utilization target nor a value target was set`, reason: 'InvalidMetricSourceType' };
  } catch (e) {
    return { error: `failed to get ${name} utilization: ${(e as Error).message}`, reason: 'FailedGetResourceMetric' };
  }
}

/** CPU as millicores ("48m"), anything else in whole units ("52428800"). */
function formatMilli(resource: string, milli: number): string {
  return resource === 'cpu' ? `${milli}m` : String(Math.trunc(milli / 1000));
}

/** Scale events matter only within the longest policy period; an hour bounds them. */
function keepRecent(events: ScaleEvent[], now: number): ScaleEvent[] {
  return events.filter((e) => e.timestamp > now - 3_600_000);
}

function baseStatus(hpa: HorizontalPodAutoscaler, current: number, desired: number): HpaStatus {
  return { ...(hpa.metadata.generation !== undefined ? { observedGeneration: hpa.metadata.generation } : {}), currentReplicas: current, desiredReplicas: desired };
}

/** The status write, only when something in it changed. */
function withStatus(actions: HpaAction[], hpa: HorizontalPodAutoscaler, status: HpaStatus): HpaAction[] {
  if (JSON.stringify(clean(status)) === JSON.stringify(clean(hpa.status))) return actions;
  // The scale first, then status, then events, as horizontal.go orders them; a failed scale
  // makes the shell write failedRescale's status instead.
  return [...actions.filter((a) => a.type === 'scale'), { type: 'updateStatus', status }, ...actions.filter((a) => a.type !== 'scale')];
}

const clean = (s: HpaStatus | undefined) => (s ? JSON.parse(JSON.stringify(s)) : undefined);

/** The three conditions, in Kubernetes' order; a transition time moves only when the status does. */
class Conditions {
  private readonly byType = new Map<HpaCondition['type'], HpaCondition>();

  constructor(
    private readonly old: readonly HpaCondition[] | undefined,
    private readonly now: Date,
  ) {
    for (const c of old ?? []) this.byType.set(c.type, c);
  }

  set(type: HpaCondition['type'], status: HpaCondition['status'], reason: string, message: string): void {
    const prev = this.old?.find((c) => c.type === type);
    const lastTransitionTime = prev && prev.status === status ? prev.lastTransitionTime : wireTime(this.now);
    this.byType.set(type, { type, status, lastTransitionTime, reason, message });
  }

  get list(): HpaCondition[] {
    return (['AbleToScale', 'ScalingActive', 'ScalingLimited'] as const).map((t) => this.byType.get(t)).filter((c): c is HpaCondition => !!c);
  }
}
