// metrics.k8s.io PodMetrics → each pod's usage of one resource, as the HPA's REST metrics
// client reads them: the sum over the pod's containers, in milli-units (MilliValue rounds up).
import { milliValue } from '@keelson/admission';
import type { PodMetric } from './types';

export interface PodMetricsItem {
  metadata: { name?: string };
  timestamp?: string;
  window?: string;
  containers?: { name: string; usage?: Record<string, string> }[];
}

export function podMetricsByName(items: readonly PodMetricsItem[], resource: string): Map<string, PodMetric> {
  const out = new Map<string, PodMetric>();
  for (const item of items) {
    const containers = item.containers ?? [];
    // A pod with a container missing this resource has no usable figure, as upstream skips it.
    if (!containers.length || containers.some((c) => c.usage?.[resource] === undefined)) continue;
    const milli = containers.reduce((sum, c) => sum + milliValue(c.usage![resource]), 0);
    out.set(item.metadata.name!, { milliValue: milli, timestamp: Date.parse(item.timestamp ?? ''), window: goDurationMs(item.window ?? '0s') });
  }
  return out;
}

/** A Go duration ("5.123s", "1m0s", "500ms") in ms. */
export function goDurationMs(s: string): number {
  const units: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1, us: 0.001, 'µs': 0.001, ns: 1e-6 };
  let total = 0;
  for (const m of s.matchAll(/([\d.]+)(h|ms|m|s|us|µs|ns)/g)) total += Number(m[1]) * units[m[2]];
  return total;
}
