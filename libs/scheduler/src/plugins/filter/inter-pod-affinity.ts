import type { TermGroup } from '../../cache/affinity-index';
import type { FilterPlugin, NodeInfo, PluginContext, PodInfo, Snapshot, Status } from '../../framework/types';
import type { Anchor } from './label-matcher';
import { success, unresolvable, unschedulable } from '../../framework/types';
import { podAffinityOf, resolveNamespaces, termMatches, TopologyCounts, type AffinityTerm } from './affinity-terms';
import { candidateAntiTerms, candidatePods } from './pod-index';

// InterPodAffinity (filter half). PreFilter counts, per topology domain (e.g. zone=a), the
// existing pods whose anti-affinity selects the incoming pod — walking only the nodes that hold
// pods with required anti-affinity (the snapshot's list) — and, if the incoming pod has terms of
// its own, the pods they select, over all nodes. Filter then only looks up the node's own
// domains — O(topology keys) per node instead of O(pods). Within a node only the pods a selector
// could match are looked at (pod-index.ts). A pod without terms in a cluster without
// anti-affinity skips the plugin after one look at an empty list.

export const ERR_REASON_AFFINITY = "node(s) didn't match pod affinity rules";
export const ERR_REASON_ANTI_AFFINITY = "node(s) didn't match pod anti-affinity rules";
export const ERR_REASON_EXISTING_ANTI_AFFINITY = "node(s) didn't satisfy existing pods anti-affinity rules";

const STATE_KEY = 'PreFilterInterPodAffinity';

// shared by every rejected node, so a cycle's diagnosis holds references, not copies
const REJECT_AFFINITY = unresolvable(ERR_REASON_AFFINITY);
const REJECT_ANTI_AFFINITY = unschedulable(ERR_REASON_ANTI_AFFINITY);
const REJECT_EXISTING_ANTI_AFFINITY = unschedulable(ERR_REASON_EXISTING_ANTI_AFFINITY);

interface PreFilterState {
  readonly pod: PodInfo;
  readonly required: readonly AffinityTerm[];
  readonly requiredAnti: readonly AffinityTerm[];
  /** domains holding pods that match ALL of the incoming pod's affinity terms */
  readonly affinityCounts: TopologyCounts;
  /** domains holding pods that match any of the incoming pod's anti-affinity terms */
  readonly antiAffinityCounts: TopologyCounts;
  /** domains holding existing pods whose anti-affinity selects the incoming pod */
  readonly existingAntiAffinityCounts: TopologyCounts;
}

function matchesAll(terms: readonly AffinityTerm[], pod: PodInfo): boolean {
  if (terms.length === 0) return false;
  for (let i = 0; i < terms.length; i++) if (!termMatches(terms[i], pod, undefined)) return false;
  return true;
}

/** Calls `visit` for every placed pod a selector with this anchor could match: from the cache's label index when current, else node by node. */
function forCandidates(snapshot: Snapshot, anchor: Anchor | undefined, visit: (pod: PodInfo, node: NodeInfo) => void): void {
  const index = snapshot.affinityIndex;
  if (index && anchor) {
    for (const value of anchor.values) {
      for (const { pod, nodeName } of index.podsWithLabel(anchor.key, value).values()) {
        const node = snapshot.nodeInfo(nodeName);
        if (node) visit(pod, node);
      }
    }
    return;
  }
  const nodes = snapshot.nodes;
  for (let n = 0; n < nodes.length; n++) {
    if (nodes[n].pods.length === 0) continue;
    const candidates = candidatePods(nodes[n].pods, anchor);
    for (let i = 0; i < candidates.length; i++) visit(candidates[i], nodes[n]);
  }
}

/** Domains of existing pods whose required anti-affinity selects the incoming pod. */
function existingAntiAffinity(snapshot: Snapshot, pod: PodInfo): TopologyCounts {
  const counts = new TopologyCounts();
  const nsLabels = snapshot.namespaces.get(pod.namespace) ?? {};
  const index = snapshot.affinityIndex;
  if (index) {
    // Usually one group of identical terms selects the pod (its ReplicaSet's): its counts are
    // used as they are; only several groups need adding up.
    const matching: TopologyCounts[] = [];
    const visit = (group: TermGroup) => {
      if (!termMatches(group.term, pod, nsLabels)) return;
      const groupCounts = group.domainCounts();
      if (groupCounts.size > 0) matching.push(groupCounts);
    };
    for (const key in pod.labels) for (const g of index.antiGroupsAnchoredAt(key, pod.labels[key]).values()) visit(g);
    for (const g of index.unanchoredAntiGroups.values()) visit(g);
    if (matching.length === 1) return matching[0];
    for (const c of matching) counts.addAll(c);
    return counts;
  }
  const labels = Object.entries(pod.labels);
  const terms: AffinityTerm[] = [];
  const withAnti = snapshot.havePodsWithRequiredAntiAffinity ?? snapshot.nodes;
  for (let n = 0; n < withAnti.length; n++) {
    const node = withAnti[n];
    if (node.pods.length === 0) continue;
    terms.length = 0;
    candidateAntiTerms(node.pods, labels, terms);
    for (let i = 0; i < terms.length; i++) if (termMatches(terms[i], pod, nsLabels)) counts.add(node, terms[i].topologyKey);
  }
  return counts;
}

/**
 * Domains of the placed pods a term selects: the cache's kept counts when it has them, else pod
 * by pod. `written` is the term as the pod has it: one with a namespaceSelector is never kept
 * (its namespaces follow namespace labels), `term` is it with the namespaces resolved.
 */
function selectedBy(snapshot: Snapshot, written: AffinityTerm, term: AffinityTerm): TopologyCounts {
  const kept = written.namespaceSelector === undefined ? snapshot.affinityIndex?.selectedBy(written) : undefined;
  if (kept) return kept;
  const counts = new TopologyCounts();
  forCandidates(snapshot, term.anchor, (candidate, node) => {
    if (termMatches(term, candidate, undefined)) counts.add(node, term.topologyKey);
  });
  return counts;
}

function computeState(snapshot: Snapshot, pod: PodInfo): PreFilterState {
  const own = podAffinityOf(pod.pod);
  const required = own.required.map((t) => resolveNamespaces(t, snapshot.namespaces));
  const requiredAnti = own.requiredAnti.map((t) => resolveNamespaces(t, snapshot.namespaces));
  const existingAntiAffinityCounts = existingAntiAffinity(snapshot, pod);
  let affinityCounts = new TopologyCounts();
  let antiAffinityCounts = new TopologyCounts(); // either may become the index's live counts: read only
  if (required.length === 1) affinityCounts = selectedBy(snapshot, own.required[0], required[0]);
  else if (required.length) {
    forCandidates(snapshot, required[0].anchor, (candidate, node) => {
      if (matchesAll(required, candidate)) for (const t of required) affinityCounts.add(node, t.topologyKey);
    });
  }
  // the usual pod has one anti-affinity term: its counts are used as they are
  if (requiredAnti.length === 1) antiAffinityCounts = selectedBy(snapshot, own.requiredAnti[0], requiredAnti[0]);
  else requiredAnti.forEach((t, i) => antiAffinityCounts.addAll(selectedBy(snapshot, own.requiredAnti[i], t)));
  return { pod, required, requiredAnti, affinityCounts, antiAffinityCounts, existingAntiAffinityCounts };
}

function stateOf(ctx: PluginContext, pod: PodInfo): PreFilterState {
  const cached = ctx.state.get(STATE_KEY) as PreFilterState | undefined;
  if (cached && cached.pod === pod) return cached;
  const s = computeState(ctx.snapshot, pod);
  ctx.state.set(STATE_KEY, s);
  return s;
}

/**
 * Every affinity term's topology label must be on the node and its domain must already hold a
 * matching pod. Exception, so that the first pod of a group that is affine to itself can
 * start: no pod in the cluster matches at all, and the pod matches its own terms.
 */
function satisfiesPodAffinity(s: PreFilterState, labels: Readonly<Record<string, string>>): boolean {
  let podsExist = true;
  for (const t of s.required) {
    const value = labels[t.topologyKey];
    if (typeof value !== 'string') return false;
    if (s.affinityCounts.get(t.topologyKey, value) <= 0) podsExist = false;
  }
  return podsExist || (s.affinityCounts.size === 0 && matchesAll(s.required, s.pod));
}

function satisfiesPodAntiAffinity(s: PreFilterState, labels: Readonly<Record<string, string>>): boolean {
  if (s.antiAffinityCounts.size === 0) return true;
  return s.requiredAnti.every((t) => typeof labels[t.topologyKey] !== 'string' || s.antiAffinityCounts.get(t.topologyKey, labels[t.topologyKey]) === 0);
}

export const InterPodAffinity = {
  name: 'InterPodAffinity',
  preFilter(ctx, pod): Status {
    const s = stateOf(ctx, pod);
    if (s.existingAntiAffinityCounts.size === 0 && s.required.length === 0 && s.requiredAnti.length === 0) return { code: 'Skip' };
    return success;
  },
  filter(ctx, pod, node): Status {
    const s = stateOf(ctx, pod);
    if (!satisfiesPodAffinity(s, node.labels)) return REJECT_AFFINITY;
    if (!satisfiesPodAntiAffinity(s, node.labels)) return REJECT_ANTI_AFFINITY;
    if (s.existingAntiAffinityCounts.size > 0 && s.existingAntiAffinityCounts.anyForLabels(node.labels)) return REJECT_EXISTING_ANTI_AFFINITY;
    return success;
  },
} satisfies FilterPlugin;
