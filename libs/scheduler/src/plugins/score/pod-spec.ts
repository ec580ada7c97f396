import { labelSelectorToRequirements, type LabelRequirements, type LabelSelector } from '@keelson/apimachinery';
import type { PodInfo, Toleration } from '../../framework/types';

// Typed views of the parts of a pod's spec the score plugins read. PodInfo carries only what
// every plugin needs; the rest is read from `pod.pod.spec` here, once per pod where it matters.

export type Json = Record<string, unknown>;

export const obj = (v: unknown): Json => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : {});
export const arr = <T>(v: unknown): T[] => (Array.isArray(v) ? (v as T[]) : []);

export const specOf = (pod: PodInfo): Json => obj(pod.pod.spec);

export interface PodAffinityTerm {
  labelSelector?: LabelSelector | null;
  namespaceSelector?: LabelSelector | null;
  namespaces?: string[];
  topologyKey: string;
  matchLabelKeys?: string[];
  mismatchLabelKeys?: string[];
}

export interface WeightedPodAffinityTerm {
  weight: number;
  podAffinityTerm: PodAffinityTerm;
}

export interface NodeSelectorRequirement {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | 'Gt' | 'Lt' | string;
  values?: string[];
}

export interface NodeSelectorTerm {
  matchExpressions?: NodeSelectorRequirement[];
  matchFields?: NodeSelectorRequirement[];
}

export interface Affinity {
  nodeAffinity?: {
    requiredDuringSchedulingIgnoredDuringExecution?: { nodeSelectorTerms?: NodeSelectorTerm[] };
    preferredDuringSchedulingIgnoredDuringExecution?: { weight: number; preference: NodeSelectorTerm }[];
  };
  podAffinity?: {
    requiredDuringSchedulingIgnoredDuringExecution?: PodAffinityTerm[];
    preferredDuringSchedulingIgnoredDuringExecution?: WeightedPodAffinityTerm[];
  };
  podAntiAffinity?: {
    requiredDuringSchedulingIgnoredDuringExecution?: PodAffinityTerm[];
    preferredDuringSchedulingIgnoredDuringExecution?: WeightedPodAffinityTerm[];
  };
}

export const affinityOf = (pod: PodInfo): Affinity => obj(specOf(pod).affinity) as Affinity;
export const tolerationsOf = (pod: PodInfo): readonly Toleration[] => pod.tolerations ?? arr<Toleration>(specOf(pod).tolerations);
export const containersOf = (pod: PodInfo, init = false): { image?: string }[] =>
  arr<{ image?: string }>(specOf(pod)[init ? 'initContainers' : 'containers']);

/** `metav1.LabelSelectorAsSelector`, with an invalid selector matching nothing (as a nil one). */
export function selectorOf(selector: LabelSelector | null | undefined): LabelRequirements {
  try {
    return labelSelectorToRequirements(selector);
  } catch {
    return null;
  }
}

/** `Toleration.ToleratesTaint`: an empty effect matches all effects, an empty key with Exists all keys. */
export function toleratesTaint(t: Toleration, taint: { key: string; value?: string; effect: string }): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.key && t.key !== taint.key) return false;
  if (t.operator === 'Exists') return true;
  if (!t.operator || t.operator === 'Equal') return (t.value ?? '') === (taint.value ?? '');
  return false;
}
