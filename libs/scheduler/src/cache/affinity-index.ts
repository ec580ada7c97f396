import type { PodInfo } from '../framework/types';
import { podAffinityOf, termMatches, TopologyCounts, type AffinityTerm } from '../plugins/filter/affinity-terms';
import { affinityTermsOf } from '../plugins/score/affinity-terms';

// Cluster-wide indexes of the pods the scheduler cache counts on nodes, kept up to date pod by
// pod, so that inter-pod affinity looks at the pods a selector can match instead of walking
// 5,000 nodes per cycle:
//   - pods by label (app=web → the pods labelled so), for the incoming pod's own terms;
//   - existing pods' required anti-affinity terms by their anchor (group=a → the terms that
//     can only select pods labelled group=a), plus the terms without an anchor — identical
//     terms (a ReplicaSet's pods all carry the same) grouped, with the group's pods counted per
//     topology domain as they come and go, so PreFilter reads counts instead of visiting pods;
//   - pods whose terms can score (required affinity, preferred affinity or anti-affinity);
//   - for an incoming pod's own required term (its ReplicaSet's pods all carry the same), the
//     placed pods the term selects counted per topology domain — built on the first cycle that
//     asks, then kept current pod by pod — so PreFilter reads counts instead of visiting every
//     pod of a 1,000-pod group per cycle.
// The index is mutable and moves on with the cache: a snapshot may use it only while the
// cache's generation is the snapshot's (`generation`), otherwise plugins walk the nodes.

export interface IndexedPod {
  readonly pod: PodInfo;
  readonly nodeName: string;
}

type Labels = Readonly<Record<string, string>>;

/**
 * Pods counted per topology domain of one term's key: for an anti-affinity group, the existing
 * pods whose required anti-affinity term is this same term (equal signatures); for a selected
 * group, the placed pods the term selects. The counts follow every pod added or removed; when a
 * node's labels change (`labelsVersion`) they are rebuilt on next read.
 */
export class TermGroup {
  /** node name → the group's pods there */
  readonly nodes = new Map<string, number>();
  members = 0;
  private counts = new TopologyCounts();
  private countedAt: number;

  constructor(
    readonly term: AffinityTerm,
    private readonly index: AffinityIndex,
  ) {
    this.countedAt = index.labelsVersion;
  }

  change(nodeName: string, n: number): void {
    const now = (this.nodes.get(nodeName) ?? 0) + n;
    if (now > 0) this.nodes.set(nodeName, now);
    else this.nodes.delete(nodeName);
    this.members += n;
    const labels = this.index.labelsOf(nodeName);
    if (labels && this.countedAt === this.index.labelsVersion) this.counts.change(labels, this.term.topologyKey, n);
  }

  /** the group's pods per domain; read-only for callers */
  domainCounts(): TopologyCounts {
    if (this.countedAt !== this.index.labelsVersion) {
      this.counts = new TopologyCounts();
      for (const [nodeName, n] of this.nodes) {
        const labels = this.index.labelsOf(nodeName);
        if (labels) this.counts.change(labels, this.term.topologyKey, n);
      }
      this.countedAt = this.index.labelsVersion;
    }
    return this.counts;
  }
}

type ByLabel<T> = Map<string, Map<string, Map<string, T>>>;

function put<T>(index: ByLabel<T>, key: string, value: string, id: string, item: T): void {
  let values = index.get(key);
  if (!values) index.set(key, (values = new Map()));
  let items = values.get(value);
  if (!items) values.set(value, (items = new Map()));
  items.set(id, item);
}

function drop<T>(index: ByLabel<T>, key: string, value: string, id: string): void {
  const values = index.get(key);
  const items = values?.get(value);
  if (!values || !items) return;
  items.delete(id);
  if (items.size === 0) values.delete(value);
  if (values.size === 0) index.delete(key);
}

const NONE: ReadonlyMap<string, never> = new Map<string, never>();
/** selected groups kept at most; each costs a look-up per label of every pod added or removed */
const MAX_SELECTED_GROUPS = 1000;

export class AffinityIndex {
  /** the cache generation the index reflects */
  generation = 0;
  /** bumped by the cache when a node's labels change (or a node comes or goes): domain counts are redone */
  labelsVersion = 0;
  private readonly byLabel: ByLabel<IndexedPod> = new Map();
  private readonly antiGroups = new Map<string, TermGroup>();
  private readonly antiByAnchor: ByLabel<TermGroup> = new Map();
  private readonly antiUnanchored = new Map<string, TermGroup>();
  /** selected groups by their term's anchor, keyed by signature */
  private readonly selectedByAnchor: ByLabel<TermGroup> = new Map();
  private readonly selected = new Map<string, TermGroup>();
  private readonly scoring = new Map<string, IndexedPod>();

  /** `labelsOf`: a node's current labels, undefined for a node not (or no longer) known */
  constructor(readonly labelsOf: (nodeName: string) => Labels | undefined = () => undefined) {}

  add(pod: PodInfo, nodeName: string): void {
    const entry: IndexedPod = { pod, nodeName };
    for (const key in pod.labels) put(this.byLabel, key, pod.labels[key], pod.key, entry);
    if (this.selected.size) this.changeSelected(pod, nodeName, 1);
    if (pod.withAffinity === false) return;
    for (const term of podAffinityOf(pod.pod).requiredAnti) this.antiGroup(term).change(nodeName, 1);
    const terms = affinityTermsOf(pod);
    if (terms.requiredAffinity.length || terms.preferredAffinity.length || terms.preferredAntiAffinity.length) this.scoring.set(pod.key, entry);
  }

  remove(pod: PodInfo, nodeName: string): void {
    for (const key in pod.labels) drop(this.byLabel, key, pod.labels[key], pod.key);
    if (this.selected.size) this.changeSelected(pod, nodeName, -1);
    if (pod.withAffinity === false) return;
    for (const term of podAffinityOf(pod.pod).requiredAnti) {
      const group = this.antiGroups.get(term.signature);
      if (!group) continue;
      group.change(nodeName, -1);
      if (group.members > 0) continue;
      this.antiGroups.delete(term.signature);
      if (term.anchor) for (const v of term.anchor.values) drop(this.antiByAnchor, term.anchor.key, v, term.signature);
      else this.antiUnanchored.delete(term.signature);
    }
    this.scoring.delete(pod.key);
  }

  /** the selected groups a pod's labels can reach: a pod has one value per key, so it meets each group once at most */
  private changeSelected(pod: PodInfo, nodeName: string, n: number): void {
    for (const key in pod.labels) {
      for (const group of (this.selectedByAnchor.get(key)?.get(pod.labels[key]) ?? NONE).values()) {
        if (termMatches(group.term, pod, undefined)) group.change(nodeName, n);
      }
    }
  }

  /**
   * The placed pods `term` selects, per domain of its topology key; read-only for callers. Only
   * for terms with an anchor and without a namespaceSelector (whose namespaces follow namespace
   * labels): undefined for the others, which plugins then match pod by pod.
   */
  selectedBy(term: AffinityTerm): TopologyCounts | undefined {
    const anchor = term.anchor;
    if (!anchor || term.namespaceSelector !== undefined) return undefined;
    let group = this.selected.get(term.signature);
    if (!group) {
      // a cluster has about as many such terms as workloads with affinity; past the cap, start over
      if (this.selected.size >= MAX_SELECTED_GROUPS) {
        this.selected.clear();
        this.selectedByAnchor.clear();
      }
      group = new TermGroup(term, this);
      for (const value of anchor.values) {
        for (const { pod, nodeName } of this.podsWithLabel(anchor.key, value).values()) if (termMatches(term, pod, undefined)) group.change(nodeName, 1);
        put(this.selectedByAnchor, anchor.key, value, term.signature, group);
      }
      this.selected.set(term.signature, group);
    }
    return group.domainCounts();
  }

  private antiGroup(term: AffinityTerm): TermGroup {
    let group = this.antiGroups.get(term.signature);
    if (!group) {
      this.antiGroups.set(term.signature, (group = new TermGroup(term, this)));
      if (term.anchor) for (const v of term.anchor.values) put(this.antiByAnchor, term.anchor.key, v, term.signature, group);
      else this.antiUnanchored.set(term.signature, group);
    }
    return group;
  }

  /** pods labelled key=value */
  podsWithLabel(key: string, value: string): ReadonlyMap<string, IndexedPod> {
    return this.byLabel.get(key)?.get(value) ?? NONE;
  }

  /** groups of required anti-affinity terms that can select a pod labelled key=value */
  antiGroupsAnchoredAt(key: string, value: string): ReadonlyMap<string, TermGroup> {
    return this.antiByAnchor.get(key)?.get(value) ?? NONE;
  }

  /** groups of required anti-affinity terms without an equality to look them up by */
  get unanchoredAntiGroups(): ReadonlyMap<string, TermGroup> {
    return this.antiUnanchored;
  }

  /** pods with terms that InterPodAffinity's Score counts */
  get podsWithScoringTerms(): ReadonlyMap<string, IndexedPod> {
    return this.scoring;
  }
}
