// How many replicas a Resource metric asks for, as pkg/controller/podautoscaler's
// replica_calculator.go decides: the ratio of current to target usage, times the pods that
// were measured, rounded up — unless the ratio is within the 10 % tolerance of 1. Pods that are
// being deleted or failed are ignored; pending or (for CPU) not-yet-ready pods and pods without
// a metric are left out of the first estimate and then, if they could change its direction,
// added back pessimistically (missing pods as if at 100 % of their request when scaling down,
// at 0 when scaling up; unready pods at 0 when scaling up), and the decision is kept only if it
// still points the same way.
import { milliValue } from '@keelson/admission';
import { podReadyCondition } from '../common/pods';
import { timeOf, type Pod } from '../common/types';
import type { PodMetric } from './types';

export const TOLERANCE = 0.1;
/** --horizontal-pod-autoscaler-cpu-initialization-period */
export const CPU_INITIALIZATION_PERIOD_MS = 5 * 60_000;
/** --horizontal-pod-autoscaler-initial-readiness-delay */
export const INITIAL_READINESS_DELAY_MS = 30_000;

export interface PodGroups {
  readyCount: number;
  unready: Set<string>;
  missing: Set<string>;
  ignored: Set<string>;
}

interface PodWithStatus extends Pod {
  spec?: Pod['spec'] & { containers?: { name: string; resources?: { requests?: Record<string, string | number> } }[] };
  status?: Pod['status'] & { startTime?: string };
}

/** groupPods: which pods count, which are unready, which have no metric, which are ignored. */
export function groupPods(pods: readonly Pod[], metrics: ReadonlyMap<string, PodMetric>, resource: string, now: number): PodGroups {
  const g: PodGroups = { readyCount: 0, unready: new Set(), missing: new Set(), ignored: new Set() };
  for (const pod of pods as PodWithStatus[]) {
    const name = pod.metadata.name!;
    if (pod.metadata.deletionTimestamp || pod.status?.phase === 'Failed') {
      g.ignored.add(name);
      continue;
    }
    if (pod.status?.phase === 'Pending') {
      g.unready.add(name);
      continue;
    }
    const metric = metrics.get(name);
    if (!metric) {
      g.missing.add(name);
      continue;
    }
    if (resource === 'cpu' && cpuSampleUnready(pod, metric, now)) {
      g.unready.add(name);
      continue;
    }
    g.readyCount++;
  }
  return g;
}

/**
 * A CPU sample is not trusted while the pod may still be starting up (its first 5 minutes):
 * unless the pod is ready and the sample's whole window lies after it became so. Later, only a
 * pod that has never been ready (its readiness still from its first 30 s) is unready.
 */
function cpuSampleUnready(pod: PodWithStatus, metric: PodMetric, now: number): boolean {
  const ready = podReadyCondition(pod);
  const start = timeOf(pod.status?.startTime);
  if (!ready || start === undefined) return true;
  const transition = timeOf(ready.lastTransitionTime) ?? 0;
  if (start + CPU_INITIALIZATION_PERIOD_MS > now) return ready.status === 'False' || metric.timestamp < transition + metric.window;
  return ready.status === 'False' && start + INITIAL_READINESS_DELAY_MS > transition;
}

/** The sum of each pod's containers' requests of `resource`, in milli-units; a container without one is an error. */
export function podRequests(pods: readonly Pod[], resource: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const pod of pods as PodWithStatus[]) {
    let sum = 0;
    for (const c of pod.spec?.containers ?? []) {
      const request = c.resources?.requests?.[resource];
      if (request === undefined) throw new Error(`missing request for ${resource} in container ${c.name} of Pod ${pod.metadata.name}`);
      sum += milliValue(request);
    }
    out.set(pod.metadata.name!, sum);
  }
  return out;
}

export interface ReplicaProposal {
  readonly replicas: number;
  /** Utilization targets: the current average utilization, whole percent of requests */
  readonly utilization?: number;
  /** the current average usage per pod, milli-units */
  readonly averageMilli: number;
}

/**
 * A Utilization target. Worked example: 2 ready pods requesting 50m each use 90m and 60m,
 * target 50 % → utilization (150·100)/100 = 150 %, ratio 3.0 → ceil(3.0 × 2) = 6 replicas.
 */
export function replicasForUtilization(currentReplicas: number, targetUtilization: number, resource: string, pods: readonly Pod[], metrics: ReadonlyMap<string, PodMetric>, now: number): ReplicaProposal {
  if (pods.length === 0) throw new Error('no pods returned by selector while calculating replica count');
  const usage = new Map([...metrics].map(([k, m]) => [k, m.milliValue]));
  const groups = groupPods(pods, metrics, resource, now);
  for (const name of [...groups.ignored, ...groups.unready]) usage.delete(name);
  const requests = podRequests(pods, resource);
  if (usage.size === 0) throw new Error('did not receive metrics for targeted pods (pods might be unready)');
  const ratio = (m: Map<string, number>) => {
    let used = 0;
    let requested = 0;
    let n = 0;
    for (const [name, value] of m) {
      const request = requests.get(name);
      if (request === undefined) continue;
      used += value;
      requested += request;
      n++;
    }
    if (requested === 0) throw new Error(`no metrics returned matched known pods`);
    const utilization = Math.trunc((used * 100) / requested);
    return { ratio: utilization / targetUtilization, utilization, average: Math.trunc(used / n) };
  };
  const first = ratio(usage);
  const replicas = decide(currentReplicas, first.ratio, groups, usage, ratio, (name) => ((requests.get(name) ?? 0) * Math.max(100, targetUtilization)) / 100);
  return { replicas, utilization: first.utilization, averageMilli: first.average };
}

/** An AverageValue target (milli-units per pod): the same decision over plain usage. */
export function replicasForAverageValue(currentReplicas: number, targetMilli: number, resource: string, pods: readonly Pod[], metrics: ReadonlyMap<string, PodMetric>, now: number): ReplicaProposal {
  if (pods.length === 0) throw new Error('no pods returned by selector while calculating replica count');
  const usage = new Map([...metrics].map(([k, m]) => [k, m.milliValue]));
  const groups = groupPods(pods, metrics, resource, now);
  for (const name of [...groups.ignored, ...groups.unready]) usage.delete(name);
  if (usage.size === 0) throw new Error('did not receive metrics for targeted pods (pods might be unready)');
  const ratio = (m: Map<string, number>) => {
    const average = Math.trunc([...m.values()].reduce((a, b) => a + b, 0) / m.size);
    return { ratio: average / targetMilli, average };
  };
  const first = ratio(usage);
  const replicas = decide(currentReplicas, first.ratio, groups, usage, ratio, () => targetMilli);
  return { replicas, averageMilli: first.average };
}

/** The shared second half of both calculations: tolerance, then the pessimistic re-estimate. */
function decide(current: number, usageRatio: number, groups: PodGroups, usage: Map<string, number>, ratioOf: (m: Map<string, number>) => { ratio: number }, scaleDownFallback: (pod: string) => number): number {
  const scaleUpWithUnready = groups.unready.size > 0 && usageRatio > 1;
  if (!scaleUpWithUnready && groups.missing.size === 0) {
    if (Math.abs(1 - usageRatio) <= TOLERANCE) return current;
    return Math.ceil(usageRatio * groups.readyCount);
  }
  for (const name of groups.missing) {
    if (usageRatio < 1) usage.set(name, scaleDownFallback(name));
    else if (usageRatio > 1) usage.set(name, 0);
  }
  if (scaleUpWithUnready) for (const name of groups.unready) usage.set(name, 0);
  const newRatio = ratioOf(usage).ratio;
  if (Math.abs(1 - newRatio) <= TOLERANCE || (usageRatio < 1 && newRatio > 1) || (usageRatio > 1 && newRatio < 1)) return current;
  const replicas = Math.ceil(newRatio * usage.size);
  if ((newRatio < 1 && replicas > current) || (newRatio > 1 && replicas < current)) return current;
  return replicas;
}
