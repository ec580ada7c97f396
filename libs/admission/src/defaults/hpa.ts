// autoscaling/v2 SetDefaults_HorizontalPodAutoscaler: one replica at least, 80% CPU when no
// metric is given, and a behavior whose missing parts are Kubernetes' scaling rules.
import { Json, arr, obj } from '../causes';

const SCALE_UP = { stabilizationWindowSeconds: 0, selectPolicy: 'Max', policies: [{ type: 'Pods', value: 4, periodSeconds: 15 }, { type: 'Percent', value: 100, periodSeconds: 15 }] };
// scaleDown's window is left unset: the controller applies its flag (300s) at run time.
const SCALE_DOWN = { selectPolicy: 'Max', policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }] };

function fill(rules: unknown, defaults: Json): Json {
  const r = obj(rules);
  if (!r) return structuredClone(defaults);
  const out: Json = { ...r };
  for (const [k, v] of Object.entries(defaults)) if (out[k] === undefined) out[k] = structuredClone(v);
  return out;
}

export function defaultHpaBehavior(spec: Json) {
  if (spec.minReplicas === undefined) spec.minReplicas = 1;
  if (arr(spec.metrics).length === 0) {
    spec.metrics = [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }];
  }
  // Only an explicit behavior is completed; none given means the controller's built-in rules.
  const behavior = obj(spec.behavior);
  if (!behavior) return;
  behavior.scaleUp = fill(behavior.scaleUp, SCALE_UP);
  behavior.scaleDown = fill(behavior.scaleDown, SCALE_DOWN);
}
