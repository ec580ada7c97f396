// From the metrics' proposal to the replica count the controller sets, as horizontal.go's
// normalizeDesiredReplicas(WithBehaviors) does: first stabilization (the highest recommendation
// of the scale-down window, the lowest of the scale-up window), then the rate limits of the
// scaling policies and min/max replicas. Without spec.behavior the older fixed rules apply:
// scale-down stabilized over 5 minutes, scale-up at most to max(2 × current, 4).
import type { Behavior, HpaCondition, ScaleEvent, ScalingPolicy, ScalingRules, SelectPolicy, TimestampedRecommendation } from './types';

/** --horizontal-pod-autoscaler-downscale-stabilization */
export const DOWNSCALE_STABILIZATION_SECONDS = 300;

export interface ResolvedRules {
  readonly stabilizationWindowSeconds: number;
  readonly selectPolicy: SelectPolicy;
  readonly policies: readonly ScalingPolicy[];
}

/** autoscaling/v2's defaults (GenerateHPAScaleUpRules / ScaleDownRules) filled into what the user gave. */
export function resolveBehavior(b: Behavior): { scaleUp: ResolvedRules; scaleDown: ResolvedRules } {
  return {
    scaleUp: fill(b.scaleUp, 0, [{ type: 'Pods', value: 4, periodSeconds: 15 }, { type: 'Percent', value: 100, periodSeconds: 15 }]),
    scaleDown: fill(b.scaleDown, DOWNSCALE_STABILIZATION_SECONDS, [{ type: 'Percent', value: 100, periodSeconds: 15 }]),
  };
}

function fill(r: ScalingRules | undefined, window: number, policies: ScalingPolicy[]): ResolvedRules {
  return { stabilizationWindowSeconds: r?.stabilizationWindowSeconds ?? window, selectPolicy: r?.selectPolicy ?? 'Max', policies: r?.policies?.length ? r.policies : policies };
}

export interface NormalizeInput {
  readonly current: number;
  /** what the metrics proposed */
  readonly proposed: number;
  readonly min: number;
  readonly max: number;
  readonly behavior?: Behavior;
  /** earlier recommendations for this HPA (the controller's memory) */
  readonly recommendations: readonly TimestampedRecommendation[];
  readonly scaleUpEvents: readonly ScaleEvent[];
  readonly scaleDownEvents: readonly ScaleEvent[];
  readonly now: number;
}

export interface Normalized {
  readonly desired: number;
  readonly recommendations: TimestampedRecommendation[];
  readonly ableToScale: Pick<HpaCondition, 'reason' | 'message'>;
  readonly limited: { readonly status: 'True' | 'False'; readonly reason: string; readonly message: string };
}

const READY = { reason: 'ReadyForNewScale', message: 'recommended size matches current size' };
const DOWN_STABILIZED = { reason: 'ScaleDownStabilized', message: 'recent recommendations were higher than current one, applying the highest recent recommendation' };
const UP_STABILIZED = { reason: 'ScaleUpStabilized', message: 'recent recommendations were lower than current one, applying the lowest recent recommendation' };

export function normalizeDesiredReplicas(a: NormalizeInput): Normalized {
  // A first recommendation: the current size, so that a fresh controller does not scale down at once.
  const history = a.recommendations.length ? a.recommendations : [{ recommendation: a.current, timestamp: a.now }];
  if (!a.behavior) {
    const { recommendation, recommendations } = stabilize(history, a.proposed, a.now, DOWNSCALE_STABILIZATION_SECONDS, DOWNSCALE_STABILIZATION_SECONDS, Math.max);
    const limited = limitWithRules(a.current, recommendation, a.min, a.max);
    return { desired: limited.desired, recommendations, ableToScale: recommendation !== a.proposed ? DOWN_STABILIZED : READY, limited: limitCondition(limited, recommendation) };
  }
  const rules = resolveBehavior(a.behavior);
  const up = a.proposed >= a.current;
  const window = up ? rules.scaleUp.stabilizationWindowSeconds : rules.scaleDown.stabilizationWindowSeconds;
  const keep = Math.max(rules.scaleUp.stabilizationWindowSeconds, rules.scaleDown.stabilizationWindowSeconds);
  const { recommendation, recommendations } = stabilize(history, a.proposed, a.now, window, keep, up ? Math.min : Math.max);
  const limited = limitWithBehavior(a.current, recommendation, a.min, a.max, rules, a.scaleUpEvents, a.scaleDownEvents, a.now);
  return { desired: limited.desired, recommendations, ableToScale: recommendation !== a.proposed ? (up ? UP_STABILIZED : DOWN_STABILIZED) : READY, limited: limitCondition(limited, recommendation) };
}

/**
 * The best recommendation within the window (`better` = max when scaling down: the highest
 * recent one wins, so a dip does not shrink the target at once), and the history with this
 * one recorded, dropping one entry older than every window as horizontal.go does.
 */
export function stabilize(history: readonly TimestampedRecommendation[], proposed: number, now: number, windowSeconds: number, keepSeconds: number, better: (a: number, b: number) => number) {
  let recommendation = proposed;
  let obsolete = -1;
  history.forEach((r, i) => {
    if (r.timestamp > now - windowSeconds * 1000) recommendation = better(r.recommendation, recommendation);
    if (r.timestamp < now - keepSeconds * 1000) obsolete = i;
  });
  const recommendations = [...history];
  if (obsolete >= 0) recommendations[obsolete] = { recommendation: proposed, timestamp: now };
  else recommendations.push({ recommendation: proposed, timestamp: now });
  return { recommendation, recommendations };
}

interface Limited {
  readonly desired: number;
  readonly reason: string;
  readonly message: string;
}

const WITHIN = { reason: 'DesiredWithinRange', message: 'the desired count is within the acceptable range' };
const TOO_MANY = { reason: 'TooManyReplicas', message: 'the desired replica count is more than the maximum replica count' };
const TOO_FEW = { reason: 'TooFewReplicas', message: 'the desired replica count is less than the minimum replica count' };
const UP_LIMIT = { reason: 'ScaleUpLimit', message: 'the desired replica count is increasing faster than the maximum scale rate' };
const DOWN_LIMIT = { reason: 'ScaleDownLimit', message: 'the desired replica count is decreasing faster than the maximum scale rate' };

function limitCondition(l: Limited, stabilized: number): Normalized['limited'] {
  return { status: l.desired === stabilized ? 'False' : 'True', reason: l.reason, message: l.message };
}

/** convertDesiredReplicasWithRules: no behavior, scale-up to at most max(2 × current, 4). */
export function limitWithRules(current: number, desired: number, min: number, max: number): Limited {
  const scaleUpLimit = Math.max(2 * current, 4);
  const [maximum, over] = max > scaleUpLimit ? [scaleUpLimit, UP_LIMIT] : [max, TOO_MANY];
  if (desired < min) return { desired: min, ...TOO_FEW };
  if (desired > maximum) return { desired: maximum, ...over };
  return { desired, ...WITHIN };
}

/** convertDesiredReplicasWithBehaviorRate: the policies' rate limits, then min and max. */
export function limitWithBehavior(current: number, desired: number, min: number, max: number, rules: ReturnType<typeof resolveBehavior>, ups: readonly ScaleEvent[], downs: readonly ScaleEvent[], now: number): Limited {
  if (desired > current) {
    const limit = Math.max(scaleUpLimit(current, ups, downs, rules.scaleUp, now), current);
    const [maximum, over] = max > limit ? [limit, UP_LIMIT] : [max, TOO_MANY];
    if (desired > maximum) return { desired: maximum, ...over };
  } else if (desired < current) {
    const limit = Math.min(scaleDownLimit(current, ups, downs, rules.scaleDown, now), current);
    const [minimum, under] = min < limit ? [limit, DOWN_LIMIT] : [min, TOO_FEW];
    if (desired < minimum) return { desired: minimum, ...under };
  }
  return { desired, ...WITHIN };
}

/** Replicas changed by the events within the last `periodSeconds`. */
export function changeInPeriod(events: readonly ScaleEvent[], periodSeconds: number, now: number): number {
  return events.filter((e) => e.timestamp > now - periodSeconds * 1000).reduce((sum, e) => sum + e.replicaChange, 0);
}

/**
 * The highest size the scale-up policies allow now, each counted from the size at the start of
 * its period. E.g. current 3 after +1 within the last 15 s, policies Pods 4/15 s and Percent
 * 100/15 s, selectPolicy Max → start 2 → max(2 + 4, ceil(2 × 2)) = 6.
 */
export function scaleUpLimit(current: number, ups: readonly ScaleEvent[], downs: readonly ScaleEvent[], rules: ResolvedRules, now: number): number {
  if (rules.selectPolicy === 'Disabled') return current;
  const pick = rules.selectPolicy === 'Min' ? Math.min : Math.max;
  let result = rules.selectPolicy === 'Min' ? Infinity : -Infinity;
  for (const p of rules.policies) {
    const start = current - changeInPeriod(ups, p.periodSeconds, now) + changeInPeriod(downs, p.periodSeconds, now);
    result = pick(result, p.type === 'Pods' ? start + p.value : Math.ceil(start * (1 + p.value / 100)));
  }
  return result;
}

/** The lowest size the scale-down policies allow now; selectPolicy Max means the largest change (the lowest limit). */
export function scaleDownLimit(current: number, ups: readonly ScaleEvent[], downs: readonly ScaleEvent[], rules: ResolvedRules, now: number): number {
  if (rules.selectPolicy === 'Disabled') return current;
  const pick = rules.selectPolicy === 'Min' ? Math.max : Math.min;
  let result = rules.selectPolicy === 'Min' ? -Infinity : Infinity;
  for (const p of rules.policies) {
    const start = current - changeInPeriod(ups, p.periodSeconds, now) + changeInPeriod(downs, p.periodSeconds, now);
    result = pick(result, p.type === 'Pods' ? start - p.value : Math.trunc(start * (1 - p.value / 100)));
  }
  return result;
}
