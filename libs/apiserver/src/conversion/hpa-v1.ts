// autoscaling/v1 ↔ v2 HorizontalPodAutoscaler, after pkg/apis/autoscaling/v1/conversion.go:
// v1 knows only a CPU utilization target (spec.targetCPUUtilizationPercentage) and its current
// value; what v2 has beyond that rides along in annotations so a round trip loses nothing —
// the other metrics, the behavior, and (read-only) the conditions.
import type { KubeObject } from '@keelson/apimachinery';

export const METRICS_ANNOTATION = 'autoscaling.alpha.kubernetes.io/metrics';
export const BEHAVIOR_ANNOTATION = 'autoscaling.alpha.kubernetes.io/behavior';
export const CONDITIONS_ANNOTATION = 'autoscaling.alpha.kubernetes.io/conditions';
export const CURRENT_METRICS_ANNOTATION = 'autoscaling.alpha.kubernetes.io/current-metrics';

type Json = Record<string, any>;

const isCpuUtilization = (m: Json) => m?.type === 'Resource' && m.resource?.name === 'cpu' && m.resource?.target?.type === 'Utilization';
const isCpuCurrent = (m: Json) => m?.type === 'Resource' && m.resource?.name === 'cpu' && m.resource?.current?.averageUtilization !== undefined;

export function hpaV2ToV1(obj: KubeObject): KubeObject {
  const { spec = {}, status, ...rest } = obj as Json;
  const { metrics = [], behavior, ...specRest } = spec as Json;
  const cpu = (metrics as Json[]).find(isCpuUtilization);
  const others = (metrics as Json[]).filter((m) => m !== cpu);
  const current = (status?.currentMetrics ?? []) as Json[];
  const cpuNow = current.find(isCpuCurrent);
  const otherNow = current.filter((m) => m !== cpuNow);
  const annotations: Record<string, string> = { ...(obj.metadata.annotations ?? {}) };
  if (others.length) annotations[METRICS_ANNOTATION] = JSON.stringify(others);
  if (behavior) annotations[BEHAVIOR_ANNOTATION] = JSON.stringify(behavior);
  if (status?.conditions?.length) annotations[CONDITIONS_ANNOTATION] = JSON.stringify(status.conditions);
  if (otherNow.length) annotations[CURRENT_METRICS_ANNOTATION] = JSON.stringify(otherNow);
  const out: Json = {
    ...rest,
    metadata: { ...obj.metadata, ...(Object.keys(annotations).length ? { annotations } : {}) },
    spec: { ...specRest, ...(cpu ? { targetCPUUtilizationPercentage: cpu.resource.target.averageUtilization } : {}) },
  };
  if (status) {
    const { currentMetrics: _m, conditions: _c, ...statusRest } = status as Json;
    out.status = { ...statusRest, ...(cpuNow ? { currentCPUUtilizationPercentage: cpuNow.resource.current.averageUtilization } : {}) };
  }
  return out as KubeObject;
}

export function hpaV1ToV2(obj: KubeObject): KubeObject {
  const { spec = {}, status, ...rest } = obj as Json;
  const { targetCPUUtilizationPercentage: target, ...specRest } = spec as Json;
  const annotations: Record<string, string> = { ...(obj.metadata?.annotations ?? {}) };
  const take = (key: string) => {
    const v = annotations[key];
    delete annotations[key];
    return v === undefined ? undefined : (JSON.parse(v) as unknown);
  };
  const others = (take(METRICS_ANNOTATION) as Json[] | undefined) ?? [];
  const behavior = take(BEHAVIOR_ANNOTATION);
  const conditions = take(CONDITIONS_ANNOTATION) as Json[] | undefined;
  const otherNow = (take(CURRENT_METRICS_ANNOTATION) as Json[] | undefined) ?? [];
  const metrics = [...(target !== undefined ? [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: target } } }] : []), ...others];
  const { annotations: _a, ...metaRest } = obj.metadata ?? {};
  const out: Json = {
    ...rest,
    metadata: { ...metaRest, ...(Object.keys(annotations).length ? { annotations } : {}) },
    spec: { ...specRest, ...(metrics.length ? { metrics } : {}), ...(behavior ? { behavior } : {}) },
  };
  if (status) {
    const { currentCPUUtilizationPercentage: cpuNow, ...statusRest } = status as Json;
    const currentMetrics = [...(cpuNow !== undefined ? [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: cpuNow } } }] : []), ...otherNow];
    out.status = { ...statusRest, ...(currentMetrics.length ? { currentMetrics } : {}), ...(conditions?.length ? { conditions } : {}) };
  }
  return out as KubeObject;
}
