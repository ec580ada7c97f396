import type { ClientBase } from 'pg';
import { jsonAt, numberAt, parseSubject, stringAt, type RawEntry } from '@keelson/eventlog';
import { CopyBatch, copyBatch } from './copy';
import { entryFields, HISTORY_COLUMNS } from './entry-rows';

export { textArray } from './entry-rows';

// The live projector's history rows on their way to COPY, taken from the envelopes' bytes as
// the log holds them: json-scan finds the few fields the columns need and the object's JSON
// goes to COPY as it is (the same columns as writer.ts's historyRecord and evolve.ts's toRow).

/** The objects table's columns of an object's newest version, but its object (which history holds). */
export interface ObjectColumns {
  resource: string;
  namespace: string;
  name: string;
  uid: string;
  rv: number;
  /** JSON text */
  labels: string;
  ownerUids: string[];
  nodeName: string | null;
  phase: string | null;
}

export class HistoryBatch {
  private batch = new CopyBatch();

  get size(): number {
    return this.batch.rows;
  }

  /** Adds the entry's history row; returns its object's columns, or null for a tombstone. */
  add(e: RawEntry): ObjectColumns | null {
    const b = e.data;
    const { type: typeAt, object, actor, cause, correlation, time, uid, labels, ownerReferences: owners, nodeName, phase } = entryFields(b);
    if (!object) throw new Error(`entry ${e.seq} has no object`);
    const { resourceToken, namespace = '', name } = parseSubject(e.subject);
    const type = stringAt(b, typeAt);
    this.batch.add(
      [e.seq, resourceToken, namespace, name, type, stringAt(b, actor), numberAt(b, cause), stringAt(b, correlation), stringAt(b, time)],
      { bytes: b, start: object[0], end: object[1] },
    );
    if (type === 'Deleted') return null;
    return {
      resource: resourceToken,
      namespace,
      name,
      uid: stringAt(b, uid) ?? '',
      rv: e.seq,
      labels: jsonAt(b, labels, '{}'),
      ownerUids: ((JSON.parse(jsonAt(b, owners, '[]')) ?? []) as { uid: string }[]).map((o) => o.uid),
      nodeName: stringAt(b, nodeName) || null,
      phase: stringAt(b, phase) ?? null,
    };
  }

  copy(client: ClientBase): Promise<void> {
    return copyBatch(client, 'history', HISTORY_COLUMNS, this.batch);
  }
}
