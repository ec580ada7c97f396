import type { KubeObject } from '@keelson/apimachinery';
import { parseSubject, type LogEntry } from '@keelson/eventlog';

// The projection of one object is a pure fold over its entries: the row after an entry is
// built from the entry alone (it carries the whole object), and a tombstone removes the row.
// `evolve` keeps the older row if an entry arrives out of order, so re-delivery is harmless.

export interface ProjectedObject {
  resource: string;
  namespace: string;
  name: string;
  uid: string;
  rv: number;
  labels: Record<string, string>;
  ownerUids: string[];
  nodeName: string | null;
  phase: string | null;
  object: KubeObject;
}

export function evolve(row: ProjectedObject | null, entry: LogEntry): ProjectedObject | null {
  if (row && row.rv >= entry.seq) return row;
  if (entry.type === 'Deleted') return null;
  return toRow(entry);
}

export function toRow(entry: LogEntry): ProjectedObject {
  const { resourceToken, namespace, name } = parseSubject(entry.subject);
  const obj = entry.object;
  const spec = (obj.spec ?? {}) as { nodeName?: string };
  const status = (obj.status ?? {}) as { phase?: string };
  return {
    resource: resourceToken,
    namespace: namespace ?? '',
    name,
    uid: obj.metadata.uid ?? '',
    rv: entry.seq,
    labels: obj.metadata.labels ?? {},
    ownerUids: (obj.metadata.ownerReferences ?? []).map((o) => o.uid),
    nodeName: typeof spec.nodeName === 'string' && spec.nodeName ? spec.nodeName : null,
    phase: typeof status.phase === 'string' ? status.phase : null,
    object: obj,
  };
}

/** Folds a batch down to the last state per object key (what one transaction must write). */
export function foldBatch(entries: readonly LogEntry[]): Map<string, { entry: LogEntry; row: ProjectedObject | null }> {
  const out = new Map<string, { entry: LogEntry; row: ProjectedObject | null }>();
  for (const e of entries) out.set(e.subject, { entry: e, row: evolve(null, e) });
  return out;
}
