import { requirementMatches, type LabelRequirements } from '@keelson/apimachinery';
import type { PodInfo } from '../../framework/types';
import { affinityOf, selectorOf, type PodAffinityTerm, type WeightedPodAffinityTerm } from './pod-spec';

// Pod (anti-)affinity terms parsed once per pod (Kubernetes keeps them on PodInfo). Which placed
// pods have terms at all the scheduler cache tracks per node (NodeInfo.podsWithAffinity).

export interface AffinityTerm {
  readonly weight: number;
  readonly topologyKey: string;
  readonly selector: LabelRequirements;
  /** `selector` compiled: the hot path of InterPodAffinity's PreScore runs it against every placed pod */
  readonly matchesLabels: (labels: Readonly<Record<string, string>>) => boolean;
  /** null = the term names namespaces only through its namespaceSelector */
  readonly namespaces: ReadonlySet<string> | null;
  readonly namespaceSelector: LabelRequirements;
}

export interface ParsedAffinity {
  readonly requiredAffinity: readonly AffinityTerm[];
  readonly preferredAffinity: readonly AffinityTerm[];
  readonly preferredAntiAffinity: readonly AffinityTerm[];
}

const EMPTY: ParsedAffinity = { requiredAffinity: [], preferredAffinity: [], preferredAntiAffinity: [] };

function parseTerm(pod: PodInfo, term: PodAffinityTerm, weight: number): AffinityTerm {
  const explicit = term.namespaces ?? [];
  // no namespaces and no namespaceSelector: the pod's own namespace
  const namespaces = explicit.length === 0 && !term.namespaceSelector ? new Set([pod.namespace]) : explicit.length ? new Set(explicit) : null;
  const selector = selectorOf(term.labelSelector);
  return { weight, topologyKey: term.topologyKey, selector, matchesLabels: compileSelector(selector), namespaces, namespaceSelector: selectorOf(term.namespaceSelector) };
}

const parsed = new WeakMap<PodInfo, ParsedAffinity>();

export function affinityTermsOf(pod: PodInfo): ParsedAffinity {
  let p = parsed.get(pod);
  if (p) return p;
  const a = affinityOf(pod);
  if (!a.podAffinity && !a.podAntiAffinity) {
    p = EMPTY;
  } else {
    const weighted = (terms: WeightedPodAffinityTerm[] | undefined) => (terms ?? []).map((t) => parseTerm(pod, t.podAffinityTerm, t.weight));
    p = {
      requiredAffinity: (a.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []).map((t) => parseTerm(pod, t, 1)),
      preferredAffinity: weighted(a.podAffinity?.preferredDuringSchedulingIgnoredDuringExecution),
      preferredAntiAffinity: weighted(a.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution),
    };
  }
  parsed.set(pod, p);
  return p;
}

export function selectorMatches(selector: LabelRequirements, labels: Readonly<Record<string, string>>): boolean {
  if (selector === null) return false;
  for (let i = 0; i < selector.length; i++) if (!requirementMatches(selector[i], labels)) return false;
  return true;
}

/**
 * A selector as a function. Selectors made only of equalities (matchLabels, or `In` with one
 * value — nearly all of them) compare label values directly; others go through requirementMatches.
 */
export function compileSelector(selector: LabelRequirements): (labels: Readonly<Record<string, string>>) => boolean {
  if (selector === null) return () => false;
  const equalities = selector.every((r) => (r.operator === '=' || r.operator === '==' || r.operator === 'in') && r.values.length === 1);
  if (!equalities) return (labels) => selectorMatches(selector, labels);
  const keys = selector.map((r) => r.key);
  const values = selector.map((r) => r.values[0]);
  // a label value is a string; an inherited Object.prototype member never equals one
  return (labels) => {
    for (let i = 0; i < keys.length; i++) if (labels[keys[i]] !== values[i]) return false;
    return true;
  };
}

/** `AffinityTerm.Matches`: the pod's namespace is named (or selected; an unknown namespace has no labels), and its labels match. */
export function termMatchesPod(term: AffinityTerm, pod: PodInfo, namespaceLabels: Readonly<Record<string, string>> | undefined): boolean {
  const inNamespace = term.namespaces?.has(pod.namespace) || selectorMatches(term.namespaceSelector, namespaceLabels ?? {});
  return inNamespace && term.matchesLabels(pod.labels);
}
