import { matches, type LabelRequirement } from '@keelson/apimachinery';
import type { NodeInfo, PodInfo } from '../../framework/types';
import { affinityOf, obj, specOf, type NodeSelectorRequirement, type NodeSelectorTerm } from './pod-spec';

// Node selector terms (k8s.io/component-helpers/scheduling/corev1/nodeaffinity): a term's
// requirements are ANDed, terms are ORed; matchFields knows only metadata.name. A term with no
// requirements at all matches nothing, and an invalid requirement fails its term.

const OPERATORS: Record<string, LabelRequirement['operator']> = { In: 'in', NotIn: 'notin', Exists: 'exists', DoesNotExist: '!', Gt: 'gt', Lt: 'lt' };

/** A term turned into label requirements once, or null when it can never match. */
export interface CompiledTerm {
  readonly labels: readonly LabelRequirement[];
  readonly names: readonly { in: boolean; values: readonly string[] }[];
}

export function compileTerm(term: NodeSelectorTerm): CompiledTerm | null {
  const exprs = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  if (exprs.length === 0 && fields.length === 0) return null;
  const labels: LabelRequirement[] = [];
  for (const r of exprs) {
    const req = toRequirement(r);
    if (!req) return null;
    labels.push(req);
  }
  const names: { in: boolean; values: readonly string[] }[] = [];
  for (const f of fields) {
    if (f.key !== 'metadata.name' || (f.operator !== 'In' && f.operator !== 'NotIn') || f.values?.length !== 1) return null;
    names.push({ in: f.operator === 'In', values: f.values });
  }
  return { labels, names };
}

function toRequirement(r: NodeSelectorRequirement): LabelRequirement | null {
  const operator = OPERATORS[r.operator];
  if (!operator) return null;
  const values = r.values ?? [];
  if ((operator === 'in' || operator === 'notin') && values.length === 0) return null;
  if ((operator === 'gt' || operator === 'lt') && (values.length !== 1 || !/^[+-]?\d+$/.test(values[0]))) return null;
  return { key: r.key, operator, values };
}

export function termMatches(term: CompiledTerm | null, node: NodeInfo): boolean {
  if (!term) return false;
  for (const n of term.names) if (n.values.includes(node.name) !== n.in) return false;
  return matches(term.labels, node.labels);
}

/**
 * `nodeaffinity.GetRequiredNodeAffinity(pod).Match(node)`: spec.nodeSelector and the required
 * node affinity terms both have to hold. Used by PodTopologySpread's nodeAffinityPolicy: Honor.
 */
export function requiredNodeAffinity(pod: PodInfo): (node: NodeInfo) => boolean {
  const selector = Object.entries(obj(specOf(pod).nodeSelector)) as [string, string][];
  const terms = affinityOf(pod).nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
  const compiled = terms ? terms.map(compileTerm) : null;
  if (selector.length === 0 && !compiled) return () => true;
  return (node) => {
    for (const [k, v] of selector) if (node.labels[k] !== v) return false;
    return compiled ? compiled.some((t) => termMatches(t, node)) : true;
  };
}
