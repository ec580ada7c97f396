import type { PodInfo } from '../framework/types';
import { podAffinityOf, type AffinityTerm } from '../plugins/filter/affinity-terms';
import { affinityTermsOf } from '../plugins/score/affinity-terms';

// Cluster-wide indexes of the pods the scheduler cache counts on nodes, kept up to date pod by
// pod, so that inter-pod affinity looks at the pods a selector can match instead of walking
// 5,000 nodes per cycle:
//   - pods by label (app=web → the pods labelled so), for the incoming pod's own terms;
//   - existing pods' required anti-affinity terms by their anchor (group=a → the terms that
//     can only select pods labelled group=a), plus the terms without an anchor;
//   - pods whose terms can score (required affinity, preferred affinity or anti-affinity).
// The index is mutable and moves on with the cache: a snapshot may use it only while the
// cache's generation is the snapshot's (`generation`), otherwise plugins walk the nodes.

export interface IndexedPod {
  readonly pod: PodInfo;
  readonly nodeName: string;
}

export interface IndexedTerm extends IndexedPod {
  readonly term: AffinityTerm;
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

export class AffinityIndex {
  /** the cache generation the index reflects */
  generation = 0;
  private readonly byLabel: ByLabel<IndexedPod> = new Map();
  private readonly antiByAnchor: ByLabel<IndexedTerm> = new Map();
  private readonly antiUnanchored = new Map<string, IndexedTerm>();
  private readonly scoring = new Map<string, IndexedPod>();

  add(pod: PodInfo, nodeName: string): void {
    const entry: IndexedPod = { pod, nodeName };
    for (const key in pod.labels) put(this.byLabel, key, pod.labels[key], pod.key, entry);
    if (pod.withAffinity === false) return;
    podAffinityOf(pod.pod).requiredAnti.forEach((term, i) => {
      const id = `${pod.key}#${i}`;
      const item: IndexedTerm = { pod, nodeName, term };
      if (term.anchor) for (const v of term.anchor.values) put(this.antiByAnchor, term.anchor.key, v, id, item);
      else this.antiUnanchored.set(id, item);
    });
    const terms = affinityTermsOf(pod);
    if (terms.requiredAffinity.length || terms.preferredAffinity.length || terms.preferredAntiAffinity.length) this.scoring.set(pod.key, entry);
  }

  remove(pod: PodInfo): void {
    for (const key in pod.labels) drop(this.byLabel, key, pod.labels[key], pod.key);
    if (pod.withAffinity === false) return;
    podAffinityOf(pod.pod).requiredAnti.forEach((term, i) => {
      const id = `${pod.key}#${i}`;
      if (term.anchor) for (const v of term.anchor.values) drop(this.antiByAnchor, term.anchor.key, v, id);
      else this.antiUnanchored.delete(id);
    });
    this.scoring.delete(pod.key);
  }

  /** pods labelled key=value */
  podsWithLabel(key: string, value: string): ReadonlyMap<string, IndexedPod> {
    return this.byLabel.get(key)?.get(value) ?? NONE;
  }

  /** required anti-affinity terms that can select a pod labelled key=value */
  antiTermsAnchoredAt(key: string, value: string): ReadonlyMap<string, IndexedTerm> {
    return this.antiByAnchor.get(key)?.get(value) ?? NONE;
  }

  /** required anti-affinity terms without an equality to look them up by */
  get unanchoredAntiTerms(): ReadonlyMap<string, IndexedTerm> {
    return this.antiUnanchored;
  }

  /** pods with terms that InterPodAffinity's Score counts */
  get podsWithScoringTerms(): ReadonlyMap<string, IndexedPod> {
    return this.scoring;
  }
}
