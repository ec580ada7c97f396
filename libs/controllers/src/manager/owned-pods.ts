import type { InformerEvent } from '@keelson/informer';
import { controllerRefOf } from '../common/owner-references';
import type { Expectations } from './expectations';

// Events for controllers that own pods directly (StatefulSet, DaemonSet, Job, ReplicaSet): the
// owner's key, and what the event means for that owner's expectations.

/** The `namespace/name` key of the pod's controller of `kind`, if it has one. */
export function ownerKey(e: InformerEvent, kind: string, from: 'object' | 'old' = 'object'): string | undefined {
  const obj = from === 'object' ? e.object : e.old;
  const ref = obj && controllerRefOf(obj);
  return ref?.kind === kind ? `${obj!.metadata.namespace}/${ref.name}` : undefined;
}

/**
 * Counts the event off the owner's expectations: a new pod is an observed create; a pod that
 * got its deletionTimestamp, or vanished without one, an observed delete.
 */
export function observePodEvent(e: InformerEvent, key: string, expectations: Expectations): void {
  if (e.type === 'add') expectations.creationObserved(key);
  const deletedNow =
    (e.type === 'delete' && !e.old?.metadata.deletionTimestamp) || (e.type === 'update' && !!e.object.metadata.deletionTimestamp && !e.old?.metadata.deletionTimestamp);
  if (deletedNow) expectations.deletionObserved(key);
}

/** Handler of the owner kind's own events: a deleted owner's expectations go with it. */
export function onOwner(expectations: Expectations, enqueue: (key: string, seq: number) => void): (e: InformerEvent) => void {
  return (e) => {
    if (e.type === 'delete') expectations.delete(e.key);
    enqueue(e.key, e.seq);
  };
}

/** Handler of a dependent kind's events (revisions, Jobs of a CronJob): queue its controller of `kind`, or the one it had. */
export function onDependent(kind: string, enqueue: (key: string, seq: number) => void): (e: InformerEvent) => void {
  return (e) => {
    const key = ownerKey(e, kind) ?? ownerKey(e, kind, 'old');
    if (key) enqueue(key, e.seq);
  };
}

/** Handler body: observe, then queue the owner (and the previous owner if it changed). */
export function onOwnedPod(e: InformerEvent, kind: string, expectations: Expectations, enqueue: (key: string, seq: number) => void): void {
  const key = ownerKey(e, kind);
  const oldKey = ownerKey(e, kind, 'old');
  if (oldKey && oldKey !== key) enqueue(oldKey, e.seq);
  if (!key) return;
  observePodEvent(e, key, expectations);
  enqueue(key, e.seq);
}
