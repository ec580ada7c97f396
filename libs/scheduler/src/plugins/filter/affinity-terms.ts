import { labelSelectorToRequirements, type KubeObject, type LabelSelector } from '@keelson/apimachinery';
import type { NodeInfo, PodInfo } from '../../framework/types';
import { anchorOf, compileSelector, MATCH_NONE, type Anchor, type LabelMatcher } from './label-matcher';

// Pod (anti-)affinity terms parsed once per pod object (framework.AffinityTerm). Parsing is
// the costly part — label selectors become requirement lists — and the same existing pods are
// looked at in every cycle, so the result is kept in a WeakMap keyed by the pod object.

export interface PodAffinityTerm {
  labelSelector?: LabelSelector | null;
  namespaces?: string[];
  namespaceSelector?: LabelSelector | null;
  topologyKey: string;
}

export interface AffinityTerm {
  readonly selector: LabelMatcher;
  /** an equality requirement of the selector, for index look-ups (see pod-index.ts) */
  readonly anchor: Anchor | undefined;
  /** an empty `namespaces` with no namespaceSelector means the term owner's own namespace */
  readonly namespaces: ReadonlySet<string>;
  /** undefined when absent (selects no namespace); {} compiles to "every namespace" */
  readonly namespaceSelector: LabelMatcher | undefined;
  readonly topologyKey: string;
  /** the term as written plus the owner's namespace when it defaults to it: equal signatures, equal terms */
  readonly signature: string;
}

export interface PodAffinity {
  readonly required: readonly AffinityTerm[];
  readonly requiredAnti: readonly AffinityTerm[];
}

// A selector that does not parse selects nothing, as the API server should have refused it anyway.
function selectorOf(s: LabelSelector | null | undefined): { matcher: LabelMatcher; anchor?: Anchor } {
  try {
    const requirements = labelSelectorToRequirements(s);
    return { matcher: compileSelector(requirements), anchor: anchorOf(requirements) };
  } catch {
    return { matcher: MATCH_NONE };
  }
}

export function affinityTermOf(namespace: string, t: PodAffinityTerm): AffinityTerm {
  const ownNamespace = (t.namespaces ?? []).length === 0 && (t.namespaceSelector === undefined || t.namespaceSelector === null);
  const { matcher, anchor } = selectorOf(t.labelSelector);
  return {
    selector: matcher,
    anchor,
    namespaces: new Set(ownNamespace ? [namespace] : t.namespaces),
    namespaceSelector: ownNamespace || !t.namespaceSelector ? undefined : selectorOf(t.namespaceSelector).matcher,
    topologyKey: t.topologyKey,
    signature: JSON.stringify([ownNamespace ? namespace : '', t.labelSelector ?? null, t.namespaces ?? [], t.namespaceSelector ?? null, t.topologyKey]),
  };
}

const NONE: PodAffinity = { required: [], requiredAnti: [] };
const cache = new WeakMap<KubeObject, PodAffinity>();

export function podAffinityOf(pod: KubeObject): PodAffinity {
  let parsed = cache.get(pod);
  if (parsed) return parsed;
  type Required = { requiredDuringSchedulingIgnoredDuringExecution?: PodAffinityTerm[] };
  const affinity = (pod.spec as { affinity?: { podAffinity?: Required; podAntiAffinity?: Required } } | undefined)?.affinity;
  const ns = pod.metadata.namespace ?? 'default';
  const required = (affinity?.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []).map((t) => affinityTermOf(ns, t));
  const requiredAnti = (affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []).map((t) => affinityTermOf(ns, t));
  parsed = required.length || requiredAnti.length ? { required, requiredAnti } : NONE;
  cache.set(pod, parsed);
  return parsed;
}

/** `AffinityTerm.Matches`: the pod is in one of the term's namespaces and carries the selected labels. */
export function termMatches(term: AffinityTerm, pod: PodInfo, namespaceLabels: Readonly<Record<string, string>> | undefined): boolean {
  const inNamespace = term.namespaces.has(pod.namespace) || (namespaceLabels !== undefined && term.namespaceSelector !== undefined && term.namespaceSelector(namespaceLabels));
  return inNamespace && term.selector(pod.labels);
}

/**
 * The incoming pod's terms with their namespaceSelector resolved against the cluster's
 * namespaces once per cycle (mergeAffinityTermNamespacesIfNotEmpty), so that matching them
 * against thousands of existing pods is a set lookup.
 */
export function resolveNamespaces(term: AffinityTerm, namespaces: ReadonlyMap<string, Readonly<Record<string, string>>>): AffinityTerm {
  const select = term.namespaceSelector;
  if (select === undefined) return term;
  const resolved = new Set(term.namespaces);
  for (const [name, labels] of namespaces) if (select(labels)) resolved.add(name);
  return { ...term, namespaces: resolved, namespaceSelector: undefined };
}

/** Counts of matching pods per topology domain: topologyKey → topology value → count. */
export class TopologyCounts {
  private readonly byKey = new Map<string, Map<string, number>>();
  size = 0;

  /** adds one for the node's domain of `key`; a node without the label is in no domain */
  add(node: NodeInfo, key: string): void {
    this.change(node.labels, key, 1);
  }

  /** adds `n` (negative: takes away) for the domain of `key` that `labels` name */
  change(labels: Readonly<Record<string, string>>, key: string, n: number): void {
    const value = labels[key];
    if (typeof value !== 'string' || n === 0) return;
    let values = this.byKey.get(key);
    if (!values) this.byKey.set(key, (values = new Map()));
    const before = values.get(value) ?? 0;
    const after = before + n;
    if (before <= 0 && after > 0) this.size++;
    if (before > 0 && after <= 0) this.size--;
    if (after === 0) values.delete(value);
    else values.set(value, after);
  }

  /** adds every count of `other` */
  addAll(other: TopologyCounts): void {
    for (const [key, values] of other.byKey) {
      for (const [value, n] of values) this.change({ [key]: value }, key, n);
    }
  }

  get(key: string, value: string): number {
    return this.byKey.get(key)?.get(value) ?? 0;
  }

  /** true if any of the node's labels names a domain with a count */
  anyForLabels(labels: Readonly<Record<string, string>>): boolean {
    for (const [key, values] of this.byKey) {
      const value = labels[key];
      if (typeof value === 'string' && (values.get(value) ?? 0) > 0) return true;
    }
    return false;
  }
}
