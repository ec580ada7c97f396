// Small formatting helpers the printers share, each named after its Kubernetes counterpart.

export interface Meta {
  readonly name?: string;
  readonly namespace?: string;
  readonly creationTimestamp?: string;
  readonly deletionTimestamp?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
  readonly ownerReferences?: readonly { apiVersion: string; kind: string; name: string; controller?: boolean }[];
}

export interface Container {
  readonly name: string;
  readonly image?: string;
  readonly restartPolicy?: string;
}

export interface PodTemplate {
  readonly metadata?: Meta;
  readonly spec?: { readonly containers?: readonly Container[]; readonly nodeSelector?: Readonly<Record<string, string>> };
}

/** `layoutContainerCells`: names and images, each comma-joined. */
export function layoutContainerCells(containers: readonly Container[] | undefined): [string, string] {
  const cs = containers ?? [];
  return [cs.map((c) => c.name).join(','), cs.map((c) => c.image ?? '').join(',')];
}

/** Integer cells: Go prints int64(0) for an unset field. */
export const n = (v: number | undefined | null): number => v ?? 0;

/** A `resource.Quantity` as JSON carries it. Canonicalisation ("1024Mi" → "1Gi") is not done. */
export const quantity = (v: string | number | undefined): string => (v === undefined ? '0' : String(v));

/** `IntOrString.String()`. */
export const intOrString = (v: string | number): string => String(v);

const ACCESS_MODES: readonly [string, string][] = [
  ['ReadWriteOnce', 'RWO'],
  ['ReadOnlyMany', 'ROX'],
  ['ReadWriteMany', 'RWX'],
  ['ReadWriteOncePod', 'RWOP'],
];

/** `helper.GetAccessModesAsString`: fixed order, each once: "RWO,ROX". */
export function accessModesAsString(modes: readonly string[] | undefined): string {
  const have = new Set(modes ?? []);
  return ACCESS_MODES.filter(([m]) => have.has(m)).map(([, short]) => short).join(',');
}

/** `sets.NewString(...).List()`: unique and sorted. */
export const sortedUnique = (xs: readonly string[]): string[] => [...new Set(xs)].sort();

export const controllerOf = (meta: Meta) => meta.ownerReferences?.find((r) => r.controller === true);
