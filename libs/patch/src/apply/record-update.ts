// managedFields for every write that is not an apply (create, update, JSON/merge/strategic
// patch), after fieldmanager's Update: the writer's `Update` entry gains the fields the
// write added or changed, and every other manager loses them. A write that changes nothing
// leaves the entries (and their times) alone.
//
// Like kube-apiserver: managedFields sent with the write replace the stored ones (how a
// client edits or resets them), unless empty or written through a subresource; sending
// `[{}]` clears them. Unlike kube-apiserver, fields a write removes are also dropped from
// every manager, so `--show-managed-fields` never lists fields the object no longer has.

import { parseApiVersion } from '@keelson/resources';
import { KubeObject } from '@keelson/apimachinery';
import { isObject } from '../json';
import { patchMetaFor } from '../meta/kubernetes-types';
import { PatchMeta } from '../meta/patch-meta';
import { FieldSet } from './field-set';
import { decodeManagedFields, managerId, withManagedFields } from './managed-fields';
import { trackedView } from './reset-fields';
import { compare } from './walk';
import { createdFieldsV1 } from './created-fields';

export interface RecordUpdateArgs {
  /** The stored object; null for a create. */
  readonly old: KubeObject | null;
  /** The object about to be stored. */
  readonly updated: KubeObject;
  /** `?fieldManager=`, or what Kubernetes derives from the user agent (e.g. 'kubectl-edit'). */
  readonly manager: string;
  /** The version the request was made in, e.g. 'apps/v1'. */
  readonly apiVersion: string;
  readonly now: string;
  readonly subresource?: string;
  /** Defaults to patchMetaFor the updated object's group and kind. */
  readonly meta?: PatchMeta;
}

export function recordUpdate(args: RecordUpdateArgs): KubeObject {
  const { old, updated, manager, apiVersion, now, subresource } = args;
  if (!isObject(updated) || !isObject(updated.metadata)) return updated;
  const sent = updated.metadata.managedFields;
  if (Array.isArray(sent) && sent.length === 1 && isObject(sent[0]) && Object.keys(sent[0]).length === 0) {
    const { managedFields: _, ...metadata } = updated.metadata;
    return { ...updated, metadata };
  }
  const meta = args.meta ?? patchMetaFor(parseApiVersion(updated.apiVersion ?? '').group, updated.kind);
  const useSent = Array.isArray(sent) && sent.length > 0 && !subresource;
  if (old === null && !useSent) return recordCreate(args, meta);
  const managers = decodeManagedFields(useSent ? sent : old?.metadata.managedFields);

  const changes = compare(trackedView(old, subresource), trackedView(updated, subresource), meta);
  // The sets here are fresh and never changed in place, so an empty side need not be combined
  // (on a create, `added` is the whole object and everything else is empty).
  const changed = orEmpty(changes.added, changes.modified);
  const id = managerId({ manager, operation: 'Update', apiVersion, subresource });
  for (const [k, m] of managers) if (k !== id) managers.set(k, { ...m, set: m.set.difference(changed).difference(changes.removed) });

  const previous = managers.get(id);
  const owned = previous ? previous.set.difference(changes.removed) : new FieldSet();
  if (changed.empty) {
    if (previous) managers.set(id, { ...previous, set: owned });
  } else {
    managers.set(id, { manager, operation: 'Update', apiVersion, subresource, time: now, set: orEmpty(owned, changed) });
  }
  return withManagedFields(updated, managers);
}

/**
 * A create with no managedFields of its own: the creator's Update entry owns everything it set,
 * built in one walk (created-fields.ts) — the same entry the general path gives.
 */
function recordCreate(args: RecordUpdateArgs, meta: PatchMeta): KubeObject {
  const { updated, manager, apiVersion, now, subresource } = args;
  const view = trackedView(updated, subresource);
  let fieldsV1: Record<string, unknown>;
  try {
    fieldsV1 = createdFieldsV1(view, meta);
  } catch (e) {
    // A list element without its key: the general walk says where, in Kubernetes' words.
    compare({}, view, meta);
    throw e;
  }
  const metadata = { ...updated.metadata };
  if (Object.keys(fieldsV1).length === 0) delete metadata.managedFields;
  else metadata.managedFields = [{ manager, operation: 'Update', apiVersion, ...(now ? { time: now } : {}), fieldsType: 'FieldsV1', fieldsV1, ...(subresource ? { subresource } : {}) }];
  return { ...updated, metadata };
}

/** a ∪ b, without a copy when one of them is empty. */
function orEmpty(a: FieldSet, b: FieldSet): FieldSet {
  if (b.empty) return a;
  if (a.empty) return b;
  return a.union(b);
}
