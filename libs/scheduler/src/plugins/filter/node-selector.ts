import { requirementError, requirementMatches, type LabelOperator, type LabelRequirement } from '@keelson/apimachinery';
import type { KubeObject } from '@keelson/apimachinery';
import type { NodeInfo } from '../../framework/types';

// `v1.NodeSelector` matching as k8s.io/component-helpers/scheduling/corev1/nodeaffinity does it:
// terms are ORed, a term's matchExpressions (on labels) and matchFields (only metadata.name)
// are ANDed, an empty term matches nothing, and a term that does not parse is skipped rather
// than failing the whole selector ("lazy errors", kept for backwards compatibility).

export interface NodeSelectorRequirement {
  key: string;
  operator: string;
  values?: string[];
}

export interface NodeSelectorTerm {
  matchExpressions?: NodeSelectorRequirement[];
  matchFields?: NodeSelectorRequirement[];
}

export interface NodeSelector {
  nodeSelectorTerms?: NodeSelectorTerm[];
}

interface ParsedTerm {
  readonly labels: readonly LabelRequirement[];
  readonly fields: readonly { name: string; equal: boolean }[];
  /** `labels` compiled once: In/NotIn values as a Set (labels.Requirement keeps a sets.String too), checked per node */
  readonly matchesLabels: (labels: Readonly<Record<string, string>>) => boolean;
}

/** What a pod requires of a node: its nodeSelector map AND its required node affinity (if any). */
export interface RequiredNodeAffinity {
  readonly nodeSelector: Readonly<Record<string, string>> | undefined;
  /** undefined = no required affinity; [] = affinity that no node can satisfy */
  readonly terms: readonly ParsedTerm[] | undefined;
}

const OPERATORS: Readonly<Record<string, LabelOperator>> = { In: 'in', NotIn: 'notin', Exists: 'exists', DoesNotExist: '!', Gt: 'gt', Lt: 'lt' };

function parseTerm(term: NodeSelectorTerm): ParsedTerm | undefined {
  const exprs = term.matchExpressions ?? [];
  const fieldReqs = term.matchFields ?? [];
  if (exprs.length === 0 && fieldReqs.length === 0) return undefined;
  const labels: LabelRequirement[] = [];
  for (const e of exprs) {
    const operator = OPERATORS[e.operator];
    const values = e.values ?? [];
    if (!operator || requirementError(e.key, operator, values)) return undefined;
    labels.push({ key: e.key, operator, values });
  }
  const fields: { name: string; equal: boolean }[] = [];
  for (const f of fieldReqs) {
    // Only metadata.name is a node field selector key; In/NotIn take exactly one value.
    if (f.key !== 'metadata.name' || (f.operator !== 'In' && f.operator !== 'NotIn') || f.values?.length !== 1) return undefined;
    fields.push({ name: f.values[0], equal: f.operator === 'In' });
  }
  return { labels, fields, matchesLabels: compileRequirements(labels) };
}

/** One predicate per requirement, ANDed; set membership for In/NotIn, requirementMatches for the rest. */
function compileRequirements(requirements: readonly LabelRequirement[]): (labels: Readonly<Record<string, string>>) => boolean {
  const tests = requirements.map((r): ((labels: Readonly<Record<string, string>>) => boolean) => {
    if (r.operator !== 'in' && r.operator !== 'notin') return (labels) => requirementMatches(r, labels);
    const values = new Set(r.values);
    const wantIn = r.operator === 'in';
    return (labels) => {
      const value = Object.prototype.hasOwnProperty.call(labels, r.key) ? labels[r.key] : undefined;
      return (value !== undefined && values.has(value)) === wantIn;
    };
  });
  return (labels) => {
    for (let i = 0; i < tests.length; i++) if (!tests[i](labels)) return false;
    return true;
  };
}

export function parseNodeSelector(selector: NodeSelector): ParsedTerm[] {
  const terms: ParsedTerm[] = [];
  for (const t of selector.nodeSelectorTerms ?? []) {
    const parsed = parseTerm(t);
    if (parsed) terms.push(parsed);
  }
  return terms;
}

export function nodeSelectorMatches(terms: readonly ParsedTerm[], name: string, labels: Readonly<Record<string, string>>): boolean {
  for (let i = 0; i < terms.length; i++) {
    const t = terms[i];
    if (t.matchesLabels(labels) && t.fields.every((f) => (name === f.name) === f.equal)) return true;
  }
  return false;
}

const cache = new WeakMap<KubeObject, RequiredNodeAffinity>();

/** `nodeaffinity.GetRequiredNodeAffinity(pod)`, parsed once per pod object. */
export function requiredNodeAffinityOf(pod: KubeObject): RequiredNodeAffinity {
  let r = cache.get(pod);
  if (!r) {
    const spec = (pod.spec ?? {}) as { nodeSelector?: Record<string, string>; affinity?: { nodeAffinity?: { requiredDuringSchedulingIgnoredDuringExecution?: NodeSelector } } };
    const required = spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
    r = { nodeSelector: spec.nodeSelector ?? undefined, terms: required ? parseNodeSelector(required) : undefined };
    cache.set(pod, r);
  }
  return r;
}

export function matchesRequiredNodeAffinity(required: RequiredNodeAffinity, node: NodeInfo): boolean {
  if (required.nodeSelector) {
    for (const [k, v] of Object.entries(required.nodeSelector)) if (node.labels[k] !== v) return false;
  }
  return required.terms === undefined || nodeSelectorMatches(required.terms, node.name, node.labels);
}
