import type { DataSource } from 'typeorm';
import type { KubeObject } from '@keelson/apimachinery';

// Reads of the projection. A list runs in one REPEATABLE READ transaction with the checkpoint,
// so the resourceVersion it reports is exactly the log position its items reflect.
// `asOf` reads the history table instead: the state of the world at any past sequence,
// which Kubernetes (whose etcd compacts) cannot answer.
// An object's JSON is in its history row, as text (entities.ts): a current read joins objects'
// row with history's on `history.seq = objects.rv`, and the JSON is parsed here, in Node.

/** The checkpoint row naming the sequence a rebuilt projection's history starts at (absent: sequence 1). */
export const COMPACTED_CHECKPOINT = 'compacted';

/** An as-of read before the sequence the history starts at (a projection rebuilt from a snapshot). */
export class CompactedError extends Error {
  constructor(
    readonly asOf: number,
    readonly compacted: number,
  ) {
    super(`history before sequence ${compacted} was compacted into a snapshot`);
  }
}

export interface ListQuery {
  resource: string;
  namespace?: string;
  /** adds WHERE fragments over objects' columns, pushing their values to `params` and naming them $n */
  where?: (params: unknown[]) => string[];
  limit?: number;
  /** resume after this (namespace, name) key */
  after?: { namespace: string; name: string };
  /** read the state as of this sequence instead of the current one */
  asOf?: number;
}

export interface ListResult {
  items: KubeObject[];
  /** the log position the items reflect */
  rv: number;
  /** set when `limit` cut the list short: the key to resume after */
  next?: { namespace: string; name: string };
  /** how many more items match beyond this page */
  remaining?: number;
}

export class ObjectReader {
  constructor(
    private readonly db: DataSource,
    private readonly checkpointName = 'projector',
  ) {}

  async get(resource: string, namespace: string, name: string): Promise<KubeObject | null> {
    const rows: { object: string; rv: string }[] = await this.db.query(
      `SELECT h.object, o.rv FROM objects o JOIN history h ON h.seq = o.rv WHERE o.resource = $1 AND o.namespace = $2 AND o.name = $3`,
      [resource, namespace, name],
    );
    return rows.length ? stored(rows[0].object, rows[0].rv) : null;
  }

  async list(q: ListQuery): Promise<ListResult> {
    return this.db.transaction('REPEATABLE READ', async (tx) => {
      const cp: { seq: string }[] = await tx.query(`SELECT seq FROM checkpoints WHERE name = $1`, [this.checkpointName]);
      const position = cp.length ? Number(cp[0].seq) : 0;
      if (q.asOf !== undefined) await this.refuseCompacted(tx, q.asOf);
      const params: unknown[] = [q.resource];
      const conds = ['resource = $1', ...(q.where?.(params) ?? [])];
      if (q.namespace !== undefined) {
        params.push(q.namespace);
        conds.push(`namespace = $${params.length}`);
      }
      const source = q.asOf !== undefined ? this.asOfSource(q.asOf, params) : CURRENT;
      // The count of what remains after this page uses the same conditions, without the page's start key.
      const countParams = [...params];
      const keyConds = [...conds];
      if (q.after) {
        params.push(q.after.namespace, q.after.name);
        keyConds.push(`(namespace, name) > ($${params.length - 1}, $${params.length})`);
      }
      const limit = q.limit && q.limit > 0 ? q.limit : undefined;
      const rows: { namespace: string; name: string; rv: string; object: string }[] = await tx.query(
        `SELECT namespace, name, rv, object FROM ${source} WHERE ${keyConds.join(' AND ')} ORDER BY namespace, name ${limit ? `LIMIT ${limit + 1}` : ''}`,
        params,
      );
      const page = limit ? rows.slice(0, limit) : rows;
      const result: ListResult = { items: page.map((r) => stored(r.object, r.rv)), rv: q.asOf ?? position };
      if (limit && rows.length > limit) {
        const lastRow = page[page.length - 1];
        result.next = { namespace: lastRow.namespace, name: lastRow.name };
        const [{ count }]: { count: string }[] = await tx.query(
          `SELECT count(*) AS count FROM ${source} WHERE ${conds.join(' AND ')} AND (namespace, name) > ($${countParams.length + 1}, $${countParams.length + 2})`,
          [...countParams, lastRow.namespace, lastRow.name],
        );
        result.remaining = Number(count);
      }
      return result;
    });
  }

  private async refuseCompacted(tx: { query(sql: string, params: unknown[]): Promise<{ seq: string }[]> }, asOf: number): Promise<void> {
    const rows = await tx.query(`SELECT seq FROM checkpoints WHERE name = $1`, [COMPACTED_CHECKPOINT]);
    const compacted = rows.length ? Number(rows[0].seq) : 0;
    if (asOf < compacted) throw new CompactedError(asOf, compacted);
  }

  /**
   * A derived table shaped like CURRENT, holding each object's last state at or before `seq`.
   * History keeps no selector columns: a label or field selector on an as-of read parses the
   * JSON of the rows left after DISTINCT ON (the outer select is flattened into the query, so
   * a column no condition names is never computed). As-of reads are paging and Exact lists.
   */
  private asOfSource(seq: number, params: unknown[]): string {
    params.push(seq);
    const p = `$${params.length}`;
    return `(SELECT resource, namespace, name, rv, object,
               COALESCE(object::jsonb->'metadata'->'labels', '{}'::jsonb) AS labels,
               NULLIF(object::jsonb->'spec'->>'nodeName', '') AS node_name, object::jsonb->'status'->>'phase' AS phase
      FROM (SELECT DISTINCT ON (resource, namespace, name) resource, namespace, name, seq AS rv, type, object
            FROM history WHERE seq <= ${p} ORDER BY resource, namespace, name, seq DESC) h
      WHERE h.type <> 'Deleted') AS asof`;
  }

  async checkpoint(): Promise<number> {
    const cp: { seq: string }[] = await this.db.query(`SELECT seq FROM checkpoints WHERE name = $1`, [this.checkpointName]);
    return cp.length ? Number(cp[0].seq) : 0;
  }

  /** Every entry of one object's history, oldest first: for `keelson history` and debugging. */
  async history(resource: string, namespace: string, name: string): Promise<{ seq: number; type: string; actor: string; cause: number | null; time: string; object: KubeObject }[]> {
    const rows: { seq: string; type: string; actor: string; cause: string | null; time: Date; object: string }[] = await this.db.query(
      `SELECT seq, type, actor, cause, time, object FROM history WHERE resource = $1 AND namespace = $2 AND name = $3 ORDER BY seq`,
      [resource, namespace, name],
    );
    return rows.map((r) => ({ seq: Number(r.seq), type: r.type, actor: r.actor, cause: r.cause === null ? null : Number(r.cause), time: r.time.toISOString(), object: JSON.parse(r.object) as KubeObject }));
  }
}

/**
 * The current objects with their JSON: objects' selector columns joined with the history row of
 * their version. Flattened by the planner: conditions on the columns apply to objects (and its
 * indexes) before the join.
 */
const CURRENT = `(SELECT o.resource, o.namespace, o.name, o.rv, o.labels, o.owner_uids, o.node_name, o.phase, h.object
  FROM objects o JOIN history h ON h.seq = o.rv) AS current`;

/** A stored object as readers hand it out: parsed, with the sequence of its entry as resourceVersion. */
function stored(json: string, rv: string): KubeObject {
  const obj = JSON.parse(json) as KubeObject;
  obj.metadata.resourceVersion = rv; // a fresh parse is ours to change: no copy, as withResourceVersion makes
  return obj;
}
