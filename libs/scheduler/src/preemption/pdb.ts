import { KubeObject, LabelRequirements, LabelSelector, labelSelectorToRequirements, matches } from '@keelson/apimachinery';
import type { PodInfo, Snapshot } from '../framework/types';

// PodDisruptionBudgets as preemption reads them (policy/v1): how many more matching pods may
// be disrupted now. Kubernetes trusts status.disruptionsAllowed, kept by the disruption
// controller; when a budget has no status yet we work it out from the spec, taking every
// matching pod on a node as healthy.

interface Budget {
  readonly namespace: string;
  readonly selector: LabelRequirements;
  allowed: number;
  readonly disrupted: ReadonlySet<string>;
}

type IntOrPercent = number | string | undefined;

/** "50%" of 5 → 3 (rounded up, as the disruption controller does); 2 → 2. */
export function scaledValue(v: IntOrPercent, total: number): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v !== 'string') return undefined;
  const m = /^(\d+)%$/.exec(v);
  if (m) return Math.ceil((Number(m[1]) * total) / 100);
  const n = Number(v);
  return Number.isInteger(n) ? n : undefined;
}

function selectorOf(pdb: KubeObject): LabelRequirements {
  try {
    const reqs = labelSelectorToRequirements((pdb.spec as { selector?: LabelSelector } | undefined)?.selector);
    // Kubernetes' preemption: an empty selector (like a missing one) protects nothing
    return reqs && reqs.length > 0 ? reqs : null;
  } catch {
    return null;
  }
}

/**
 * disruptionsAllowed from status, or from the spec when there is none.
 * Worked example, 5 matching pods: minAvailable 3 → 5 − 3 = 2; minAvailable "50%" → 5 − 3 = 2;
 * maxUnavailable 1 → 1 (none unhealthy); maxUnavailable "30%" → ceil(1.5) = 2.
 */
export function disruptionsAllowed(pdb: KubeObject, snapshot: Snapshot): number {
  const status = pdb.status as { disruptionsAllowed?: unknown } | undefined;
  if (typeof status?.disruptionsAllowed === 'number') return status.disruptionsAllowed;
  const spec = (pdb.spec ?? {}) as { minAvailable?: IntOrPercent; maxUnavailable?: IntOrPercent };
  const selector = selectorOf(pdb);
  const namespace = pdb.metadata.namespace ?? 'default';
  const healthy = snapshot.podsOnNodes.filter(({ pod }) => pod.namespace === namespace && matches(selector, pod.labels)).length;
  const maxUnavailable = scaledValue(spec.maxUnavailable, healthy);
  if (maxUnavailable !== undefined) return Math.max(0, maxUnavailable);
  const minAvailable = scaledValue(spec.minAvailable, healthy);
  return minAvailable === undefined ? 0 : Math.max(0, healthy - minAvailable);
}

/**
 * Kubernetes' filterPodsWithPDBViolation: walks `pods` in order, spending each matching
 * budget's allowance; a pod that drives any budget below zero would violate it.
 * Pods already listed in a budget's status.disruptedPods are being disrupted and cost nothing.
 */
export function splitByPdbViolation(pods: readonly PodInfo[], pdbs: readonly KubeObject[], snapshot: Snapshot): { violating: PodInfo[]; nonViolating: PodInfo[] } {
  const budgets: Budget[] = pdbs.map((pdb) => ({
    namespace: pdb.metadata.namespace ?? 'default',
    selector: selectorOf(pdb),
    allowed: disruptionsAllowed(pdb, snapshot),
    disrupted: new Set(Object.keys(((pdb.status as { disruptedPods?: object } | undefined)?.disruptedPods ?? {}) as object)),
  }));
  const violating: PodInfo[] = [];
  const nonViolating: PodInfo[] = [];
  for (const pod of pods) {
    let violated = false;
    const labelled = Object.keys(pod.labels).length > 0; // an unlabelled pod is in no budget
    const name = pod.pod.metadata.name ?? '';
    for (const b of budgets) {
      if (!labelled || b.namespace !== pod.namespace || !matches(b.selector, pod.labels) || b.disrupted.has(name)) continue;
      b.allowed--;
      if (b.allowed < 0) violated = true;
    }
    (violated ? violating : nonViolating).push(pod);
  }
  return { violating, nonViolating };
}
