import type { PodInfo } from '../../framework/types';
import { podAffinityOf, type AffinityTerm } from './affinity-terms';
import type { Anchor } from './label-matcher';

// Per-node indexes of the pods on a node, so that a selector such as app=web looks at the pods
// labelled app=web instead of at every pod. Kept per `NodeInfo.pods` array: a scheduler cache
// that hands out the same NodeInfo for an unchanged node builds each index once; otherwise the
// build costs what one linear scan would.

type ByLabel<T> = Map<string, Map<string, T[]>>;

interface NodePodIndex {
  readonly length: number;
  readonly byLabel: ByLabel<PodInfo>;
  /** required anti-affinity terms of the node's pods, by their anchor; the rest unanchored */
  readonly antiByLabel: ByLabel<AffinityTerm>;
  readonly antiUnanchored: readonly AffinityTerm[];
  readonly antiCount: number;
}

function push<T>(index: ByLabel<T>, key: string, value: string, item: T): void {
  let values = index.get(key);
  if (!values) index.set(key, (values = new Map()));
  const list = values.get(value);
  if (list) list.push(item);
  else values.set(value, [item]);
}

const cache = new WeakMap<readonly PodInfo[], NodePodIndex>();

export function podIndexOf(pods: readonly PodInfo[]): NodePodIndex {
  const cached = cache.get(pods);
  if (cached && cached.length === pods.length) return cached;
  const byLabel: ByLabel<PodInfo> = new Map();
  const antiByLabel: ByLabel<AffinityTerm> = new Map();
  const antiUnanchored: AffinityTerm[] = [];
  let antiCount = 0;
  for (const p of pods) {
    for (const key in p.labels) push(byLabel, key, p.labels[key], p);
    for (const t of podAffinityOf(p.pod).requiredAnti) {
      antiCount++;
      if (t.anchor) for (const v of t.anchor.values) push(antiByLabel, t.anchor.key, v, t);
      else antiUnanchored.push(t);
    }
  }
  const index = { length: pods.length, byLabel, antiByLabel, antiUnanchored, antiCount };
  cache.set(pods, index);
  return index;
}

const EMPTY: readonly never[] = [];

/** The pods of the node that could match a selector with this anchor (all of them without one). */
export function candidatePods(pods: readonly PodInfo[], anchor: Anchor | undefined): readonly PodInfo[] {
  if (!anchor || pods.length === 0) return pods;
  const values = podIndexOf(pods).byLabel.get(anchor.key);
  if (!values) return EMPTY;
  if (anchor.values.length === 1) return values.get(anchor.values[0]) ?? EMPTY;
  const out: PodInfo[] = [];
  for (const v of anchor.values) out.push(...(values.get(v) ?? EMPTY));
  return out;
}

/**
 * Anti-affinity terms of the node's pods that could select a pod with these labels (given as
 * entries, computed once per cycle), appended to `out`; returns `out`.
 */
export function candidateAntiTerms(pods: readonly PodInfo[], labels: readonly (readonly [string, string])[], out: AffinityTerm[]): AffinityTerm[] {
  if (pods.length === 0) return out;
  const index = podIndexOf(pods);
  if (index.antiCount === 0) return out;
  for (let i = 0; i < labels.length; i++) {
    const list = index.antiByLabel.get(labels[i][0])?.get(labels[i][1]);
    if (list) for (let j = 0; j < list.length; j++) out.push(list[j]);
  }
  for (let i = 0; i < index.antiUnanchored.length; i++) out.push(index.antiUnanchored[i]);
  return out;
}
