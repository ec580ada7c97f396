// Indexed Jobs (pkg/controller/job/indexed_job_utils.go): which index a pod runs, which
// indexes have succeeded, and the compressed form status.completedIndexes uses.
//
// Worked example: indexes {1, 3, 4, 5, 7} with completions 8 are written "1,3-5,7" and
// total 5; the first 2 pending indexes, with index 0 running, are [2, 6].

import { isPodActive } from '../common/pods';
import { Pod } from '../common/types';
import { JOB_COMPLETION_INDEX } from './types';

export interface Interval {
  readonly first: number;
  readonly last: number;
}

/** Disjoint, ascending, non-adjacent intervals. */
export type OrderedIntervals = readonly Interval[];

/**
 * `parseIndexesFromString`: a status.completedIndexes string back to intervals, dropping what
 * does not parse and what lies at or beyond `completions` (a scaled-down Indexed Job).
 */
export function parseIndexes(text: string | undefined, completions: number): OrderedIntervals {
  const found: number[] = [];
  for (const part of (text ?? '').split(',')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (!m) continue;
    const first = Number(m[1]);
    const last = Math.min(m[2] === undefined ? first : Number(m[2]), completions - 1);
    for (let i = first; i <= last; i++) found.push(i);
  }
  return withIndexes([], found);
}

/** `withOrderedIndexes`: the union of `intervals` and `indexes`. */
export function withIndexes(intervals: OrderedIntervals, indexes: readonly number[]): OrderedIntervals {
  const all = new Set<number>(indexes);
  for (const { first, last } of intervals) for (let i = first; i <= last; i++) all.add(i);
  const sorted = [...all].sort((a, b) => a - b);
  const out: Interval[] = [];
  for (const ix of sorted) {
    const tail = out[out.length - 1];
    if (tail && tail.last + 1 === ix) out[out.length - 1] = { first: tail.first, last: ix };
    else out.push({ first: ix, last: ix });
  }
  return out;
}

export function formatIndexes(intervals: OrderedIntervals): string {
  return intervals.map(({ first, last }) => (first === last ? `${first}` : `${first}-${last}`)).join(',');
}

export function totalIndexes(intervals: OrderedIntervals): number {
  return intervals.reduce((n, { first, last }) => n + last - first + 1, 0);
}

export function hasIndex(intervals: OrderedIntervals, ix: number): boolean {
  return intervals.some(({ first, last }) => first <= ix && ix <= last);
}

/** `getCompletionIndex`: the annotation (the label as fallback); undefined when absent or not a non-negative integer. */
export function completionIndexOf(pod: Pod): number | undefined {
  const raw = pod.metadata.annotations?.[JOB_COMPLETION_INDEX] ?? pod.metadata.labels?.[JOB_COMPLETION_INDEX];
  if (raw === undefined || !/^\d+$/.test(raw)) return undefined;
  const ix = Number(raw);
  return Number.isSafeInteger(ix) ? ix : undefined;
}

function validIndexOf(pod: Pod, completions: number): number | undefined {
  const ix = completionIndexOf(pod);
  return ix !== undefined && ix < completions ? ix : undefined;
}

/** `calculateSucceededIndexes`: what status already records plus every succeeded pod's index. */
export function succeededIndexes(recorded: string | undefined, pods: readonly Pod[], completions: number): OrderedIntervals {
  const fromPods: number[] = [];
  for (const p of pods) {
    const ix = validIndexOf(p, completions);
    if (p.status?.phase === 'Succeeded' && ix !== undefined) fromPods.push(ix);
  }
  return withIndexes(parseIndexes(recorded, completions), fromPods);
}

/** `firstPendingIndexes`: the lowest `count` indexes neither succeeded nor held by an active pod. */
export function firstPendingIndexes(succeeded: OrderedIntervals, activePods: readonly Pod[], count: number, completions: number): number[] {
  const running = new Set<number>();
  for (const p of activePods) {
    const ix = validIndexOf(p, completions);
    if (ix !== undefined) running.add(ix);
  }
  const out: number[] = [];
  for (let ix = 0; ix < completions && out.length < count; ix++) {
    if (!running.has(ix) && !hasIndex(succeeded, ix)) out.push(ix);
  }
  return out;
}

/**
 * `appendDuplicatedIndexPodsForRemoval`: active pods that must go whatever the counts — no
 * valid index, or a second pod for an index (the most valuable of each index stays).
 */
export function duplicatedIndexPods(activePods: readonly Pod[], completions: number, lessValuable: (a: Pod, b: Pod) => number): { remove: Pod[]; keep: Pod[] } {
  const remove: Pod[] = [];
  const byIndex = new Map<number, Pod[]>();
  for (const p of activePods.filter(isPodActive)) {
    const ix = validIndexOf(p, completions);
    if (ix === undefined) remove.push(p);
    else byIndex.set(ix, [...(byIndex.get(ix) ?? []), p]);
  }
  const keep: Pod[] = [];
  for (const ix of [...byIndex.keys()].sort((a, b) => a - b)) {
    const same = [...(byIndex.get(ix) ?? [])].sort(lessValuable);
    keep.push(same[same.length - 1]);
    remove.push(...same.slice(0, -1));
  }
  return { remove, keep };
}
