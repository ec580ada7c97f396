import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

// Three tables, as ARCHITECTURE.md lists them: current objects (labels as jsonb under a GIN
// index, owner uids and spec.nodeName as columns for selectors), object history, checkpoints.
// `seq`/`rv` are JetStream sequences; bigint comes back from pg as a string, so it is kept as one.
//
// Each object's JSON is stored once, in its history row, as the text the log holds (Postgres
// neither parses nor re-encodes it; readers parse it in Node, as they parsed jsonb before).
// An objects row holds the current version's selector columns and points at that history row
// by `rv` = `history.seq`: reads join the two (reader.ts). A rebuild and the live projector thus
// write each object once, and Postgres never parses it (docs/benchmarks.md, branch replay-ref).

@Entity({ name: 'objects' })
@Index('objects_labels_gin', { synchronize: false })
@Index('objects_resource_node', ['resource', 'nodeName'])
export class ObjectRow {
  /** the subject's resource token, e.g. deployments_apps */
  @PrimaryColumn({ type: 'text' }) resource!: string;
  /** '' for cluster-scoped objects */
  @PrimaryColumn({ type: 'text' }) namespace!: string;
  @PrimaryColumn({ type: 'text' }) name!: string;
  @Column({ type: 'text' }) uid!: string;
  @Column({ type: 'bigint' }) rv!: string;
  @Column({ type: 'jsonb', default: () => `'{}'::jsonb` }) labels!: Record<string, string>;
  @Column({ type: 'text', array: true, name: 'owner_uids', default: () => `'{}'` }) ownerUids!: string[];
  @Column({ type: 'text', name: 'node_name', nullable: true }) nodeName!: string | null;
  @Column({ type: 'text', nullable: true }) phase!: string | null;
}

@Entity({ name: 'history' })
@Index('history_object', ['resource', 'namespace', 'name', 'seq'])
export class HistoryRow {
  @PrimaryColumn({ type: 'bigint' }) seq!: string;
  @Column({ type: 'text' }) resource!: string;
  @Column({ type: 'text' }) namespace!: string;
  @Column({ type: 'text' }) name!: string;
  @Column({ type: 'text' }) type!: string;
  @Column({ type: 'text' }) actor!: string;
  @Column({ type: 'bigint', nullable: true }) cause!: string | null;
  @Column({ type: 'text', nullable: true }) correlation!: string | null;
  @Column({ type: 'timestamptz' }) time!: Date;
  /** the entry's object, JSON text byte for byte as in the log */
  @Column({ type: 'text' }) object!: string;
}

@Entity({ name: 'checkpoints' })
export class Checkpoint {
  @PrimaryColumn({ type: 'text' }) name!: string;
  @Column({ type: 'bigint' }) seq!: string;
}

export const ENTITIES = [ObjectRow, HistoryRow, Checkpoint];

/** Indexes TypeORM cannot declare: GIN over jsonb labels and over the owner uid array. */
export const EXTRA_DDL = [
  `CREATE INDEX IF NOT EXISTS objects_labels_gin ON objects USING gin (labels)`,
  `CREATE INDEX IF NOT EXISTS objects_owner_uids_gin ON objects USING gin (owner_uids)`,
];
