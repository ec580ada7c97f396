// metadata.managedFields as the field manager keeps it: one entry per manager identity,
// where an identity is (manager, operation, subresource) for appliers and also the
// apiVersion for updaters (an applier keeps its entry across versions, an updater gets one
// per version it wrote with). Entries are sorted as kube-apiserver sorts them: Apply before
// Update, then by time, manager, apiVersion and subresource.

import { KubeObject, ManagedFieldsEntry } from '@keelson/apimachinery';
import { FieldSet } from './field-set';

export interface Manager {
  readonly manager: string;
  readonly operation: 'Apply' | 'Update';
  readonly apiVersion: string;
  readonly subresource?: string;
  time?: string;
  set: FieldSet;
}

export function managerId(m: Pick<Manager, 'manager' | 'operation' | 'apiVersion' | 'subresource'>): string {
  return JSON.stringify([m.manager, m.operation, m.operation === 'Apply' ? '' : m.apiVersion, m.subresource ?? '']);
}

/** How a conflict names a manager: `"kubectl-client-side-apply" using apps/v1`, `"kubectl"`. */
export function describeManager(m: Manager): string {
  let s = JSON.stringify(m.manager);
  if (m.subresource) s += ` with subresource ${JSON.stringify(m.subresource)}`;
  return m.operation === 'Update' ? `${s} using ${m.apiVersion}` : s;
}

export function decodeManagedFields(entries: readonly ManagedFieldsEntry[] | undefined): Map<string, Manager> {
  const out = new Map<string, Manager>();
  for (const e of entries ?? []) {
    if (!e || (e.operation !== 'Apply' && e.operation !== 'Update')) continue;
    const m: Manager = {
      manager: e.manager ?? '',
      operation: e.operation,
      apiVersion: e.apiVersion ?? '',
      subresource: e.subresource || undefined,
      time: e.time,
      set: FieldSet.fromFieldsV1(e.fieldsV1),
    };
    const id = managerId(m);
    const prior = out.get(id);
    out.set(id, prior ? { ...m, set: prior.set.union(m.set) } : m);
  }
  return out;
}

export function encodeManagedFields(managers: Map<string, Manager>): ManagedFieldsEntry[] {
  const list = [...managers.values()].filter((m) => !m.set.empty);
  list.sort((p, q) => cmp(p.operation, q.operation) || cmp(p.time ?? '', q.time ?? '') || cmp(p.manager, q.manager) || cmp(p.apiVersion, q.apiVersion) || cmp(p.subresource ?? '', q.subresource ?? ''));
  return list.map((m) => ({
    manager: m.manager,
    operation: m.operation,
    apiVersion: m.apiVersion,
    ...(m.time ? { time: m.time } : {}),
    fieldsType: 'FieldsV1',
    fieldsV1: m.set.toFieldsV1(),
    ...(m.subresource ? { subresource: m.subresource } : {}),
  }));
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function withManagedFields(obj: KubeObject, managers: Map<string, Manager>): KubeObject {
  const entries = encodeManagedFields(managers);
  const metadata = { ...obj.metadata };
  if (entries.length > 0) metadata.managedFields = entries;
  else delete metadata.managedFields;
  return { ...obj, metadata };
}
