import type { KubeObject, LabelSelector, ObjectMeta, OwnerReference } from '@keelson/apimachinery';
import type { ControllerRevision, PodLike } from '../history';

// Typed views of the objects the StatefulSet controller reads and writes (apps/v1), and the
// actions its reconcile decides. Fields the API server does not default are defaulted here,
// in `defaults()`, as Kubernetes' SetDefaults_StatefulSet would have.

export interface PodTemplate {
  metadata?: ObjectMeta;
  spec?: PodSpec;
  [k: string]: unknown;
}

export interface PodSpec {
  hostname?: string;
  subdomain?: string;
  volumes?: Volume[];
  nodeName?: string;
  [k: string]: unknown;
}

export interface Volume {
  name: string;
  persistentVolumeClaim?: { claimName: string; readOnly?: boolean };
  [k: string]: unknown;
}

export interface Pod extends PodLike {
  spec?: PodSpec;
}

export interface PersistentVolumeClaim extends KubeObject {
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
}

export type RetentionPolicy = 'Retain' | 'Delete';

export interface StatefulSetSpec {
  replicas?: number;
  selector?: LabelSelector;
  template: PodTemplate;
  serviceName?: string;
  volumeClaimTemplates?: PersistentVolumeClaim[];
  podManagementPolicy?: 'OrderedReady' | 'Parallel';
  updateStrategy?: { type?: 'RollingUpdate' | 'OnDelete'; rollingUpdate?: { partition?: number; maxUnavailable?: number | string } };
  revisionHistoryLimit?: number;
  minReadySeconds?: number;
  persistentVolumeClaimRetentionPolicy?: { whenDeleted?: RetentionPolicy; whenScaled?: RetentionPolicy };
  ordinals?: { start?: number };
}

export interface StatefulSetStatus {
  observedGeneration?: number;
  replicas: number;
  readyReplicas: number;
  currentReplicas: number;
  updatedReplicas: number;
  availableReplicas: number;
  currentRevision?: string;
  updateRevision?: string;
  collisionCount?: number;
  [k: string]: unknown;
}

export interface StatefulSet extends KubeObject {
  metadata: ObjectMeta & { name: string };
  spec: StatefulSetSpec;
  status?: Partial<StatefulSetStatus>;
}

/** What the controller sees: the set's pods and revisions (owned by it), and the claims in its namespace. */
export interface StatefulSetObserved {
  pods: readonly Pod[];
  claims: readonly PersistentVolumeClaim[];
  revisions: readonly ControllerRevision[];
}

/**
 * Writes, in the order the shell must apply them: a claim is created before the pod that
 * mounts it, a revision before the pods labelled with it. When one fails the shell drops the
 * rest and requeues — the next sync re-reads the cache and decides again.
 */
export type StatefulSetAction =
  | { type: 'createControllerRevision'; revision: ControllerRevision }
  | { type: 'updateControllerRevision'; name: string; revision: number }
  | { type: 'deleteControllerRevision'; name: string }
  | { type: 'createPvc'; claim: PersistentVolumeClaim }
  | { type: 'updatePvc'; name: string; ownerReferences: OwnerReference[] }
  | { type: 'createPod'; pod: Pod }
  | { type: 'updatePod'; pod: Pod }
  | { type: 'deletePod'; name: string; reason: 'Failed' | 'ScaleDown' | 'Update' }
  | { type: 'updateStatus'; status: StatefulSetStatus }
  | { type: 'requeueAfter'; seconds: number };

/** The spec with Kubernetes' defaults filled in. */
export interface Defaulted {
  replicas: number;
  start: number;
  monotonic: boolean;
  onDelete: boolean;
  partition: number;
  revisionHistoryLimit: number;
  minReadySeconds: number;
  whenDeleted: RetentionPolicy;
  whenScaled: RetentionPolicy;
}

export function defaults(set: StatefulSet): Defaulted {
  const s = set.spec;
  return {
    replicas: s.replicas ?? 1,
    start: s.ordinals?.start ?? 0,
    monotonic: s.podManagementPolicy !== 'Parallel',
    onDelete: s.updateStrategy?.type === 'OnDelete',
    partition: s.updateStrategy?.rollingUpdate?.partition ?? 0,
    revisionHistoryLimit: s.revisionHistoryLimit ?? 10,
    minReadySeconds: s.minReadySeconds ?? 0,
    whenDeleted: s.persistentVolumeClaimRetentionPolicy?.whenDeleted ?? 'Retain',
    whenScaled: s.persistentVolumeClaimRetentionPolicy?.whenScaled ?? 'Retain',
  };
}
