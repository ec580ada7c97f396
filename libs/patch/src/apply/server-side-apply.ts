// application/apply-patch+yaml: server-side apply, after structured-merge-diff's
// Updater.Apply and kube-apiserver's FieldManager.
//  1. merge the applied configuration into the live object;
//  2. prune what this manager applied last time and omits now, unless another manager owns it;
//  3. every field the result changes that another manager owns is a conflict: 409, unless
//     force, which moves those fields to this manager;
//  4. this manager now owns exactly the fields of its applied configuration.
// Fields set to the value they already have are not changes, so appliers agreeing on a value
// share it.

import { parseApiVersion } from '@keelson/resources';
import { KubeObject, StatusError } from '@keelson/apimachinery';
import { badPatch } from '../errors';
import { deepEqual, isObject, JsonObject } from '../json';
import { patchMetaFor } from '../meta/kubernetes-types';
import { PatchMeta } from '../meta/patch-meta';
import { FieldSet, pathString } from './field-set';
import { decodeManagedFields, describeManager, Manager, managerId, withManagedFields } from './managed-fields';
import { mergeApplied, removeField } from './merge';
import { trackedView, withoutResetFields } from './reset-fields';
import { compare, toFieldSet } from './walk';

export interface ServerSideApplyArgs {
  /** The stored object, or null when the apply creates it. */
  readonly live: KubeObject | null;
  /** The decoded apply-patch+yaml body. */
  readonly applied: KubeObject;
  /** `?fieldManager=`; required for apply. */
  readonly manager: string;
  /** `?force=true` */
  readonly force: boolean;
  /** The version the request was made in, e.g. 'apps/v1'. */
  readonly apiVersion: string;
  /** RFC 3339 time for the manager's entry. */
  readonly now: string;
  /** Defaults to patchMetaFor the applied object's group and kind. */
  readonly meta?: PatchMeta;
  readonly subresource?: string;
}

/** Manager Kubernetes credits with every field of an object first applied to after it was written without managedFields. */
export const BEFORE_FIRST_APPLY = 'before-first-apply';

export function serverSideApply(args: ServerSideApplyArgs): KubeObject {
  const { live, manager, force, apiVersion, now, subresource } = args;
  if (!isObject(args.applied) || !isObject(args.applied.metadata)) throw badPatch('error decoding YAML: the applied configuration must be an object with metadata');
  if (args.applied.metadata.managedFields !== undefined) throw badPatch('metadata.managedFields must be nil');
  const meta = args.meta ?? patchMetaFor(parseApiVersion(args.applied.apiVersion ?? '').group, args.applied.kind);
  const applied = withoutResetFields(args.applied, subresource);

  const managers = decodeManagedFields(live?.metadata.managedFields);
  if (live && managers.size === 0) {
    const set = toFieldSet(trackedView(live, subresource), meta);
    if (!set.empty) managers.set('first', { manager: BEFORE_FIRST_APPLY, operation: 'Update', apiVersion: live.apiVersion, time: now, set });
  }
  const id = managerId({ manager, operation: 'Apply', apiVersion, subresource });
  const previous = managers.get(id);
  const appliedSet = toFieldSet(trackedView(applied, subresource), meta);

  const merged = mergeApplied(live ?? {}, applied, meta) as KubeObject;
  const others = [...managers].filter(([k]) => k !== id);
  if (previous) prune(merged, previous.set.difference(appliedSet), appliedSet, others.map(([, m]) => m.set), meta);

  const changes = compare(trackedView(live, subresource), trackedView(merged, subresource), meta);
  const changed = changes.added.union(changes.modified);
  const conflicts = others.map(([k, m]) => [k, m, m.set.intersection(changed)] as const).filter(([, , c]) => !c.empty);
  if (conflicts.length > 0 && !force) throw conflictError(conflicts.map(([, m, c]) => [m, c] as const));
  for (const [k, m, c] of conflicts) managers.set(k, { ...m, set: m.set.difference(c) });

  const objectChanged = !deepEqual(withoutManagedFields(live), withoutManagedFields(merged));
  const ownershipChanged = !previous || !deepEqual(previous.set.toFieldsV1(), appliedSet.toFieldsV1());
  managers.set(id, {
    manager,
    operation: 'Apply',
    apiVersion,
    subresource,
    time: objectChanged || ownershipChanged || !previous ? now : previous.time,
    set: appliedSet,
  });
  return withManagedFields(merged, managers);
}

/** Removes the fields in `dropped` that neither the new configuration nor another manager still holds. */
function prune(obj: KubeObject, dropped: FieldSet, kept: FieldSet, othersSets: FieldSet[], meta: PatchMeta): void {
  for (const path of dropped.paths()) {
    if (kept.hasAtOrBelow(path) || othersSets.some((s) => s.hasAtOrBelow(path))) continue;
    removeField(obj, path, meta);
  }
}

/**
 * 409 in the shape of fieldmanager's NewConflictError:
 *   Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps/v1: .spec.replicas
 *   Apply failed with 2 conflicts: conflicts with "a":\n- .x\n- .y
 */
function conflictError(conflicts: readonly (readonly [Manager, FieldSet])[]): StatusError {
  const flat = conflicts.flatMap(([m, set]) => set.paths().map((p) => ({ who: describeManager(m), field: pathString(p) })));
  let message: string;
  if (flat.length === 1) {
    message = `Apply failed with 1 conflict: conflict with ${flat[0].who}: ${flat[0].field}`;
  } else {
    const byManager = new Map<string, string[]>();
    for (const c of flat) byManager.set(c.who, [...(byManager.get(c.who) ?? []), c.field]);
    const lines = [...byManager.keys()].sort().flatMap((who) => [`conflicts with ${who}:`, ...byManager.get(who)!.map((f) => `- ${f}`)]);
    message = `Apply failed with ${flat.length} conflicts: ${lines.join('\n')}`;
  }
  return new StatusError(409, 'Conflict', message, {
    causes: flat.map((c) => ({ reason: 'FieldManagerConflict', message: `conflict with ${c.who}`, field: c.field })),
  });
}

function withoutManagedFields(obj: KubeObject | null): JsonObject | null {
  if (!obj) return null;
  const { managedFields: _, ...metadata } = obj.metadata;
  return { ...obj, metadata };
}
