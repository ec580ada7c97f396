// What the Job, TTL-after-finished and CronJob reconcilers ask their shells to do. Same
// vocabulary as common/actions.ts (createPod, deletePod, patchPod, recordEvent, requeueAfter)
// plus the batch kinds; the shell sends each action in order and carries the triggering
// event's sequence as `cause`.

import { ObjectKey } from '../common/actions';
import { OwnerReferencesPatch } from '../common/owner-references';
import { Pod } from '../common/types';
import { CronJobStatus, Job, JobStatus } from './types';

export type DeletionPropagation = 'Background' | 'Foreground' | 'Orphan';

export type BatchAction =
  /** Create one pod; creates of one reconcile come in slow-start batches (see slowStartBatches). */
  | { readonly type: 'createPod'; readonly namespace: string; readonly pod: Pod; readonly batch: number }
  | { readonly type: 'deletePod'; readonly key: ObjectKey }
  | { readonly type: 'patchPod'; readonly key: ObjectKey; readonly reason: 'adopt' | 'release'; readonly patch: OwnerReferencesPatch }
  /** Create a Job with a fixed name; AlreadyExists is success (the name is the lock). */
  | { readonly type: 'createJob'; readonly namespace: string; readonly job: Job }
  /** Delete with a uid precondition, so a re-created namesake is never touched. */
  | { readonly type: 'deleteJob'; readonly key: ObjectKey; readonly propagationPolicy: DeletionPropagation }
  | { readonly type: 'updateStatus'; readonly kind: 'Job'; readonly key: ObjectKey; readonly status: JobStatus }
  | { readonly type: 'updateStatus'; readonly kind: 'CronJob'; readonly key: ObjectKey; readonly status: CronJobStatus }
  | { readonly type: 'recordEvent'; readonly key: ObjectKey; readonly kind: string; readonly eventType: 'Normal' | 'Warning'; readonly reason: string; readonly message: string }
  /** Look at this object again after `seconds` (fractional) even if nothing changes. */
  | { readonly type: 'requeueAfter'; readonly seconds: number };

export type BatchActionType = BatchAction['type'];
