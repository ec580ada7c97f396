import type { FilterPlugin, PluginContext, PodInfo, Snapshot, Status } from '../../framework/types';
import { success, unresolvable, unschedulable } from '../../framework/types';
import { podAffinityOf, resolveNamespaces, termMatches, TopologyCounts, type AffinityTerm } from './affinity-terms';
import { candidateAntiTerms, candidatePods } from './pod-index';

// InterPodAffinity (filter half). PreFilter walks the pods on nodes once and counts, per
// topology domain (e.g. zone=a), the pods that the incoming pod's terms select and the
// existing pods whose anti-affinity selects the incoming pod; Filter then only looks up the
// node's own domains — O(topology keys) per node instead of O(pods). Within a node only the pods
// a selector could match are looked at (pod-index.ts).

export const ERR_REASON_AFFINITY = "node(s) didn't match pod affinity rules";
export const ERR_REASON_ANTI_AFFINITY = "node(s) didn't match pod anti-affinity rules";
export const ERR_REASON_EXISTING_ANTI_AFFINITY = "node(s) didn't satisfy existing pods anti-affinity rules";

const STATE_KEY = 'PreFilterInterPodAffinity';

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

function computeState(snapshot: Snapshot, pod: PodInfo): PreFilterState {
  const own = podAffinityOf(pod.pod);
  const required = own.required.map((t) => resolveNamespaces(t, snapshot.namespaces));
  const requiredAnti = own.requiredAnti.map((t) => resolveNamespaces(t, snapshot.namespaces));
  const nsLabels = snapshot.namespaces.get(pod.namespace) ?? {};

  const existingAntiAffinityCounts = new TopologyCounts();
  const affinityCounts = new TopologyCounts();
  const antiAffinityCounts = new TopologyCounts();
  const labels = Object.entries(pod.labels);
  const terms: AffinityTerm[] = [];
  const nodes = snapshot.nodes;
  for (let n = 0; n < nodes.length; n++) {
    const node = nodes[n];
    const pods = node.pods;
    if (pods.length === 0) continue;
    terms.length = 0;
    candidateAntiTerms(pods, labels, terms);
    for (let i = 0; i < terms.length; i++) if (termMatches(terms[i], pod, nsLabels)) existingAntiAffinityCounts.add(node, terms[i].topologyKey);
    if (required.length) {
      const candidates = candidatePods(pods, required[0].anchor);
      for (let i = 0; i < candidates.length; i++) if (matchesAll(required, candidates[i])) for (const t of required) affinityCounts.add(node, t.topologyKey);
    }
    for (let j = 0; j < requiredAnti.length; j++) {
      const t = requiredAnti[j];
      const candidates = candidatePods(pods, t.anchor);
      for (let i = 0; i < candidates.length; i++) if (termMatches(t, candidates[i], undefined)) antiAffinityCounts.add(node, t.topologyKey);
    }
  }
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
    if (!satisfiesPodAffinity(s, node.labels)) return unresolvable(ERR_REASON_AFFINITY);
    if (!satisfiesPodAntiAffinity(s, node.labels)) return unschedulable(ERR_REASON_ANTI_AFFINITY);
    if (s.existingAntiAffinityCounts.size > 0 && s.existingAntiAffinityCounts.anyForLabels(node.labels)) return unschedulable(ERR_REASON_EXISTING_ANTI_AFFINITY);
    return success;
  },
} satisfies FilterPlugin;
