// What the patch engines need to know about a field: how strategic merge patch merges it
// (Go struct tags `patchStrategy`/`patchMergeKey`) and how server-side apply tracks it
// (`+listType`, `+listMapKey`, `+mapType`, `+structType`). The same facts appear in OpenAPI
// as `x-kubernetes-patch-strategy`, `x-kubernetes-patch-merge-key`, `x-kubernetes-list-type`,
// `x-kubernetes-list-map-keys`, `x-kubernetes-map-type`, so a `TypeTable` can be filled from
// either source; the engines only ever see `PatchMeta`.

export type PatchStrategy = 'merge' | 'retainKeys' | 'replace';

export interface PatchMeta {
  /** Metadata of a struct's field, or of a map's values (maps have one value type). */
  field(name: string): PatchMeta;
  /** Metadata of a list's elements. */
  items(): PatchMeta;
  /** Strategic merge patch: `patchStrategy:"merge,retainKeys"` → ['merge', 'retainKeys']. */
  readonly patchStrategy: readonly PatchStrategy[];
  /** Strategic merge patch key of a merged list of objects, e.g. 'name' for containers. */
  readonly patchMergeKey?: string;
  /** Server-side apply: lists are atomic unless declared a set or a map. */
  readonly listType: 'atomic' | 'set' | 'map';
  /** Keys of a `listType: map` list, e.g. ['containerPort', 'protocol']. */
  readonly listMapKeys: readonly string[];
  /** Values a list-map key takes when omitted, e.g. { protocol: 'TCP' } for ports. */
  readonly listMapKeyDefaults: Readonly<Record<string, unknown>>;
  /**
   * Server-side apply: 'struct' (fields owned one by one), 'granular' (a free-form map such
   * as labels, whose entries are owned one by one) or 'atomic' (owned as one value).
   */
  readonly mapType: 'struct' | 'granular' | 'atomic';
}

/** One field's facts, in the compact form the built-in table and an OpenAPI reader share. */
export interface FieldDescriptor {
  /** Named type of the value (struct, or element type for lists, value type for maps). */
  readonly type?: string;
  readonly patchStrategy?: string; // as in the struct tag: 'merge', 'merge,retainKeys', 'retainKeys', 'replace'
  readonly patchMergeKey?: string;
  readonly listType?: 'atomic' | 'set' | 'map';
  readonly listMapKeys?: readonly string[];
  readonly listMapKeyDefaults?: Readonly<Record<string, unknown>>;
  readonly mapType?: 'struct' | 'granular' | 'atomic';
}

/** Named types: each a map from field name to its descriptor. A type may be declared atomic with '' → { mapType: 'atomic' }. */
export type TypeTable = Readonly<Record<string, Readonly<Record<string, FieldDescriptor>>>>;

const NO_STRATEGY: readonly PatchStrategy[] = [];

class DescribedMeta implements PatchMeta {
  readonly patchStrategy: readonly PatchStrategy[];
  readonly patchMergeKey?: string;
  readonly listType: 'atomic' | 'set' | 'map';
  readonly listMapKeys: readonly string[];
  readonly listMapKeyDefaults: Readonly<Record<string, unknown>>;
  readonly mapType: 'struct' | 'granular' | 'atomic';

  constructor(
    private readonly types: TypeTable,
    private readonly d: FieldDescriptor,
  ) {
    this.patchStrategy = d.patchStrategy ? (d.patchStrategy.split(',') as PatchStrategy[]) : NO_STRATEGY;
    this.patchMergeKey = d.patchMergeKey;
    this.listType = d.listType ?? 'atomic';
    this.listMapKeys = d.listMapKeys ?? (d.patchMergeKey && d.listType === 'map' ? [d.patchMergeKey] : []);
    this.listMapKeyDefaults = d.listMapKeyDefaults ?? {};
    this.mapType = d.mapType ?? (d.type ? types[d.type]?.['']?.mapType : undefined) ?? 'struct';
  }

  // Every walk of an object asks for the same children again and again: each is built once.
  private fields?: Map<string, PatchMeta>;
  private itemMeta?: PatchMeta;

  field(name: string): PatchMeta {
    if (this.mapType === 'granular') return this.items();
    let known = this.fields?.get(name);
    if (!known) {
      const child = this.d.type ? this.types[this.d.type]?.[name] : undefined;
      if (!child) return UNKNOWN; // not kept: names a type does not declare are the client's, without bound
      known = new DescribedMeta(this.types, child);
      (this.fields ??= new Map()).set(name, known);
    }
    return known;
  }

  items(): PatchMeta {
    return (this.itemMeta ??= this.d.type ? new DescribedMeta(this.types, { type: this.d.type }) : UNKNOWN);
  }
}

const UNKNOWN_TABLE: TypeTable = {};
/** A field nothing is known about: maps merge key by key, lists are replaced whole. */
export const UNKNOWN: PatchMeta = new DescribedMeta(UNKNOWN_TABLE, {});

/** Root metadata for an object whose top-level type is `root` in `types`. */
export function patchMetaFromTypes(types: TypeTable, root: string): PatchMeta {
  return new DescribedMeta(types, { type: root });
}
