// Pod QoS class (pkg/apis/core/helper/qos), as the seed states it: Guaranteed when every
// container sets cpu and memory limits and its requests equal them (a request left out
// defaults to the limit); BestEffort when no container sets any request or limit;
// Burstable otherwise. Init containers count like app containers.
import { parseQuantity } from '@keelson/admission/quantity';
import type { Container, Pod } from './types';

export type QOSClass = 'Guaranteed' | 'Burstable' | 'BestEffort';

const COMPUTE = ['cpu', 'memory'] as const;

export function qosClass(pod: Pod): QOSClass {
  const containers: Container[] = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])];
  let anySet = false;
  let guaranteed = containers.length > 0;
  for (const c of containers) {
    const requests = c.resources?.requests ?? {};
    const limits = c.resources?.limits ?? {};
    if (COMPUTE.some((r) => nonZero(requests[r]) || nonZero(limits[r]))) anySet = true;
    for (const r of COMPUTE) {
      const limit = limits[r];
      const request = requests[r] ?? limit;
      if (limit === undefined || request === undefined || parseQuantity(request) !== parseQuantity(limit)) guaranteed = false;
    }
  }
  if (!anySet) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

// A zero quantity ("0") counts as not set, as Kubernetes' QoS helper ignores zero values.
const nonZero = (q: string | number | undefined) => q !== undefined && parseQuantity(q) !== 0;
