import type { FilterPlugin, ScorePlugin, Status } from '../framework/types';

/** A scheduling profile: which plugins run, score weights, and how many nodes to look at. */
export interface Profile {
  readonly name: string;
  readonly filters: readonly FilterPlugin[];
  readonly scores: readonly { readonly plugin: ScorePlugin; readonly weight: number }[];
  /** 1–100; unset or 0 = adaptive (see numFeasibleNodesToFind) */
  readonly percentageOfNodesToScore?: number;
}

/** Why a pod fits nowhere: the rejection per node, or the PreFilter rejection for all of them. */
export interface Diagnosis {
  readonly nodeToStatus: Map<string, Status>;
  preFilterStatus?: Status;
  /** plugins that rejected the pod, so the queue knows which events may make it schedulable */
  readonly unschedulablePlugins: Set<string>;
}

export type ScheduleResult =
  | { readonly node: string; readonly feasible: number; readonly evaluated: number }
  | { readonly node: null; readonly diagnosis: Diagnosis };

/** A plugin answered Error: not a verdict on the pod, the cycle is aborted (Kubernetes' SchedulerError). */
export class SchedulingError extends Error {
  constructor(
    readonly plugin: string,
    readonly status: Status,
  ) {
    super(`running ${plugin}: ${(status.reasons ?? []).join(', ')}`);
    this.name = 'SchedulingError';
  }
}
