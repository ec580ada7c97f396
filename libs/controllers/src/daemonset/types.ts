import type { KubeObject, LabelSelector, ObjectMeta } from '@keelson/apimachinery';
import type { ControllerRevision, PodLike } from '../history';

// Typed views for the DaemonSet controller (apps/v1 DaemonSet, v1 Node) and its actions.

export interface Toleration {
  key?: string;
  operator?: 'Exists' | 'Equal' | string;
  value?: string;
  effect?: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute' | '' | string;
  tolerationSeconds?: number;
}

export interface Taint {
  key: string;
  value?: string;
  effect: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute' | string;
}

export interface NodeSelectorRequirement {
  key: string;
  operator: string;
  values?: string[];
}

export interface NodeSelectorTerm {
  matchExpressions?: NodeSelectorRequirement[];
  matchFields?: NodeSelectorRequirement[];
}

export interface Affinity {
  nodeAffinity?: { requiredDuringSchedulingIgnoredDuringExecution?: { nodeSelectorTerms: NodeSelectorTerm[] }; [k: string]: unknown };
  [k: string]: unknown;
}

export interface PodSpec {
  nodeName?: string;
  nodeSelector?: Record<string, string>;
  affinity?: Affinity;
  tolerations?: Toleration[];
  hostNetwork?: boolean;
  [k: string]: unknown;
}

export interface PodTemplate {
  metadata?: ObjectMeta;
  spec?: PodSpec;
  [k: string]: unknown;
}

export interface Pod extends PodLike {
  spec?: PodSpec;
}

export interface Node extends KubeObject {
  metadata: ObjectMeta & { name: string };
  spec?: { taints?: Taint[]; unschedulable?: boolean; [k: string]: unknown };
}

export interface DaemonSetSpec {
  selector?: LabelSelector;
  template: PodTemplate;
  updateStrategy?: { type?: 'RollingUpdate' | 'OnDelete'; rollingUpdate?: { maxUnavailable?: number | string; maxSurge?: number | string } };
  minReadySeconds?: number;
  revisionHistoryLimit?: number;
}

export interface DaemonSetStatus {
  currentNumberScheduled: number;
  numberMisscheduled: number;
  desiredNumberScheduled: number;
  numberReady: number;
  observedGeneration?: number;
  updatedNumberScheduled: number;
  numberAvailable: number;
  numberUnavailable: number;
  collisionCount?: number;
  [k: string]: unknown;
}

export interface DaemonSet extends KubeObject {
  metadata: ObjectMeta & { name: string };
  spec: DaemonSetSpec;
  status?: Partial<DaemonSetStatus>;
}

/** The set's pods and revisions (owned by it) and every node. */
export interface DaemonSetObserved {
  nodes: readonly Node[];
  pods: readonly Pod[];
  revisions: readonly ControllerRevision[];
}

/**
 * In the order the shell applies them; a failed write ends the batch and the set is requeued.
 * `gracePeriodSeconds: 0` is for pods whose node is gone: no kubelet will ever finish a
 * graceful deletion there (Kubernetes leaves those to the pod garbage collector, which does the same).
 */
export type DaemonSetAction =
  | { type: 'createControllerRevision'; revision: ControllerRevision }
  | { type: 'updateControllerRevision'; name: string; revision: number }
  | { type: 'deleteControllerRevision'; name: string }
  | { type: 'createPod'; pod: Pod; nodeName: string }
  | { type: 'updatePod'; pod: Pod }
  | { type: 'deletePod'; name: string; reason: 'Failed' | 'Succeeded' | 'Excess' | 'NotEligible' | 'NodeGone' | 'Update'; gracePeriodSeconds?: number }
  | { type: 'updateStatus'; status: DaemonSetStatus }
  | { type: 'requeueAfter'; seconds: number };
