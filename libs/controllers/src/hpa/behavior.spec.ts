import { limitWithRules, normalizeDesiredReplicas, resolveBehavior, scaleDownLimit, scaleUpLimit, stabilize, type NormalizeInput } from './behavior';
import type { Behavior, ScaleEvent } from './types';

const NOW = Date.parse('2026-11-26T12:00:00Z');
const ago = (s: number) => NOW - s * 1000;
const rec = (recommendation: number, secondsAgo: number) => ({ recommendation, timestamp: ago(secondsAgo) });
const ev = (replicaChange: number, secondsAgo: number): ScaleEvent => ({ replicaChange, timestamp: ago(secondsAgo) });
const input = (o: Partial<NormalizeInput>): NormalizeInput => ({ current: 2, proposed: 2, min: 1, max: 10, recommendations: [], scaleUpEvents: [], scaleDownEvents: [], now: NOW, ...o });

describe('stabilization', () => {
  it('given higher recommendations within the scale-down window, when the metrics ask for fewer, then the highest recent one wins', () => {
    const r = stabilize([rec(5, 200), rec(4, 100)], 2, NOW, 300, 300, Math.max);
    expect(r.recommendation).toBe(5);
    expect(r.recommendations).toHaveLength(3);
  });

  it('ignores recommendations older than the window and replaces one that is older than every window', () => {
    const r = stabilize([rec(5, 400), rec(3, 100)], 2, NOW, 300, 300, Math.max);
    expect(r.recommendation).toBe(3);
    expect(r.recommendations).toEqual([rec(2, 0), rec(3, 100)]);
  });

  it('without behavior, a fresh controller remembers the current size first, so it does not scale down at once', () => {
    const n = normalizeDesiredReplicas(input({ current: 4, proposed: 1 }));
    expect(n.desired).toBe(4);
    expect(n.ableToScale.reason).toBe('ScaleDownStabilized');
  });

  it('with a scale-down window of 10 s, the recommendation of 20 s ago no longer holds the size up', () => {
    const behavior: Behavior = { scaleDown: { stabilizationWindowSeconds: 10 } };
    expect(normalizeDesiredReplicas(input({ current: 3, proposed: 1, behavior, recommendations: [rec(3, 20)] })).desired).toBe(1);
    expect(normalizeDesiredReplicas(input({ current: 3, proposed: 1, behavior, recommendations: [rec(3, 5)] })).desired).toBe(3);
  });

  it('a scale-up window takes the lowest recent recommendation', () => {
    const behavior: Behavior = { scaleUp: { stabilizationWindowSeconds: 60 } };
    const n = normalizeDesiredReplicas(input({ current: 2, proposed: 6, behavior, recommendations: [rec(3, 30)] }));
    expect([n.desired, n.ableToScale.reason]).toEqual([3, 'ScaleUpStabilized']);
  });
});

describe('limits without behavior (convertDesiredReplicasWithRules)', () => {
  it.each([
    ['within range', 2, 3, 1, 10, 3, 'DesiredWithinRange'],
    ['below min', 2, 0, 1, 10, 1, 'TooFewReplicas'],
    ['above max (the rate would allow 12)', 6, 12, 1, 10, 10, 'TooManyReplicas'],
    ['faster than max(2 × 1, 4) = 4', 1, 9, 1, 10, 4, 'ScaleUpLimit'],
    ['faster than max(2 × 3, 4) = 6', 3, 9, 1, 10, 6, 'ScaleUpLimit'],
  ] as [string, number, number, number, number, number, string][])('%s', (_n, current, desired, min, max, expected, reason) => {
    expect(limitWithRules(current, desired, min, max)).toMatchObject({ desired: expected, reason });
  });
});

describe('scaling policies', () => {
  const defaults = resolveBehavior({});

  it('fills autoscaling/v2 defaults: up 4 pods or 100 % per 15 s (the larger), down 100 % per 15 s after 300 s', () => {
    expect(defaults.scaleUp).toEqual({ stabilizationWindowSeconds: 0, selectPolicy: 'Max', policies: [{ type: 'Pods', value: 4, periodSeconds: 15 }, { type: 'Percent', value: 100, periodSeconds: 15 }] });
    expect(defaults.scaleDown).toEqual({ stabilizationWindowSeconds: 300, selectPolicy: 'Max', policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }] });
  });

  it.each([
    ['no recent events, 1 replica: max(1 + 4, 2) = 5', 1, [], 5],
    ['no recent events, 10 replicas: max(14, 20) = 20', 10, [], 20],
    ['3 now after +1 within 15 s: counted from 2 → max(6, 4) = 6', 3, [ev(1, 10)], 6],
    ['an event older than the period does not count', 3, [ev(1, 20)], 7],
  ] as [string, number, ScaleEvent[], number][])('scale-up limit: %s', (_n, current, ups, expected) => {
    expect(scaleUpLimit(current, ups, [], defaults.scaleUp, NOW)).toBe(expected);
  });

  it.each([
    ['Percent 50 per 60 s from 10: 5', { selectPolicy: 'Max', policies: [{ type: 'Percent', value: 50, periodSeconds: 60 }] }, 10, [], 5],
    ['Pods 1 per 60 s, after −1 within it: from 10 (9 + 1) → 9, no further', { policies: [{ type: 'Pods', value: 1, periodSeconds: 60 }] }, 9, [ev(1, 30)], 9],
    ['Max of Pods 1 and Percent 50 picks the larger change: 5', { selectPolicy: 'Max', policies: [{ type: 'Pods', value: 1, periodSeconds: 60 }, { type: 'Percent', value: 50, periodSeconds: 60 }] }, 10, [], 5],
    ['Min picks the smaller change: 9', { selectPolicy: 'Min', policies: [{ type: 'Pods', value: 1, periodSeconds: 60 }, { type: 'Percent', value: 50, periodSeconds: 60 }] }, 10, [], 9],
    ['Percent rounds the limit down toward fewer pods: 3 × 0.5 = 1.5 → 1', { policies: [{ type: 'Percent', value: 50, periodSeconds: 60 }] }, 3, [], 1],
    ['Disabled: no scale-down', { selectPolicy: 'Disabled' }, 10, [], 10],
  ] as [string, Behavior['scaleDown'], number, ScaleEvent[], number][])('scale-down limit: %s', (_n, rules, current, downs, expected) => {
    expect(scaleDownLimit(current, [], downs, resolveBehavior({ scaleDown: rules }).scaleDown, NOW)).toBe(expected);
  });

  it('with behavior, the rate limit holds a scale-down back and says so', () => {
    const behavior: Behavior = { scaleDown: { stabilizationWindowSeconds: 0, policies: [{ type: 'Pods', value: 1, periodSeconds: 60 }] } };
    const n = normalizeDesiredReplicas(input({ current: 5, proposed: 1, behavior }));
    expect([n.desired, n.limited.status, n.limited.reason]).toEqual([4, 'True', 'ScaleDownLimit']);
  });

  it('with behavior, maxReplicas caps a scale-up that the rate would allow', () => {
    const n = normalizeDesiredReplicas(input({ current: 2, proposed: 8, max: 3, behavior: {} }));
    expect([n.desired, n.limited.status, n.limited.reason]).toEqual([3, 'True', 'TooManyReplicas']);
  });

  it('nothing to do: a proposal equal to the current size stays, unlimited', () => {
    const n = normalizeDesiredReplicas(input({ current: 2, proposed: 2, behavior: {} }));
    expect([n.desired, n.ableToScale.reason, n.limited.status, n.limited.reason]).toEqual([2, 'ReadyForNewScale', 'False', 'DesiredWithinRange']);
  });
});
