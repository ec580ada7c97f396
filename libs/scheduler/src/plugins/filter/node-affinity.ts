import { success, unresolvable, type FilterPlugin, type Status } from '../../framework/types';
import { matchesRequiredNodeAffinity, requiredNodeAffinityOf } from './node-selector';

// NodeAffinity (filter half): spec.nodeSelector AND required node affinity must match the node.

export const ERR_REASON_POD = "node(s) didn't match Pod's node affinity/selector";
export const ERR_REASON_CONFLICT = 'pod affinity terms conflict';

// one object for every rejection, so the cycle's diagnosis does not copy it per node
const REJECTED = unresolvable(ERR_REASON_POD);

type Term = { matchFields?: { key: string; operator: string; values?: string[] }[] };

/**
 * When every term pins metadata.name with In, the pod can only go to the union of those names;
 * Kubernetes narrows the node list with them (PreFilterResult) and, when the intersection within
 * each term is empty for all terms, fails the pod up front: ["a"] ∩ ["b"] in one term → conflict.
 */
function pinnedNodeNames(terms: Term[]): Set<string> | undefined {
  let union: Set<string> | undefined;
  for (const t of terms) {
    let names: Set<string> | undefined;
    for (const f of t.matchFields ?? []) {
      if (f.key !== 'metadata.name' || f.operator !== 'In') continue;
      const values = new Set(f.values ?? []);
      names = names ? new Set([...names].filter((n) => values.has(n))) : values;
    }
    if (!names) return undefined; // this term allows any node name
    union = new Set([...(union ?? []), ...names]);
  }
  return union;
}

export const NodeAffinity = {
  name: 'NodeAffinity',
  preFilter(_ctx, pod): Status {
    const spec = (pod.pod.spec ?? {}) as { nodeSelector?: unknown; affinity?: { nodeAffinity?: { requiredDuringSchedulingIgnoredDuringExecution?: { nodeSelectorTerms?: Term[] } } } };
    const required = spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
    if (!required && !spec.nodeSelector) return { code: 'Skip' };
    const pinned = required ? pinnedNodeNames(required.nodeSelectorTerms ?? []) : undefined;
    if (pinned && pinned.size === 0) return unresolvable(ERR_REASON_CONFLICT);
    return success;
  },
  filter: (_ctx, pod, node) => (matchesRequiredNodeAffinity(requiredNodeAffinityOf(pod.pod), node) ? success : REJECTED),
} satisfies FilterPlugin;
