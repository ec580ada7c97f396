import type { ClientBase } from 'pg';
import type { LogEntry } from '@keelson/eventlog';
import { CopyBatch, copyBatch } from './copy';
import { HISTORY_COLUMNS } from './entry-rows';
import { historyRecord } from './writer';

export { textArray } from './entry-rows';

/** The live projector's history rows on their way to COPY: entries it has already decoded (it needs the objects anyway). */
export class HistoryBatch {
  private batch = new CopyBatch();
  lastSeq = 0;

  get size(): number {
    return this.batch.rows;
  }

  addEntry(e: LogEntry): void {
    const h = historyRecord(e);
    this.batch.add([h.seq, h.resource, h.namespace, h.name, h.type, h.actor, h.cause, h.correlation, h.time, JSON.stringify(h.object)]);
    this.lastSeq = e.seq;
  }

  /** `freeze` (COPY … FREEZE) only where the table was truncated in the same transaction. */
  copy(client: ClientBase, opts: { freeze?: boolean } = {}): Promise<void> {
    return copyBatch(client, 'history', HISTORY_COLUMNS, this.batch, opts);
  }
}
