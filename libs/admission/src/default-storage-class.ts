// The DefaultStorageClass admission plugin: a PersistentVolumeClaim created without
// storageClassName gets the class marked `storageclass.kubernetes.io/is-default-class: "true"`.
// An explicit "" means "no class" and is left alone, as is a claim naming its class through
// the old beta annotation.
import type { KubeObject } from '@keelson/apimachinery';

export const ANN_IS_DEFAULT_CLASS = 'storageclass.kubernetes.io/is-default-class';
const ANN_BETA_STORAGE_CLASS = 'volume.beta.kubernetes.io/storage-class';

/** Among classes marked default, the newest, ties by name (Kubernetes since 1.26). */
export function defaultStorageClass<T extends KubeObject>(classes: readonly T[]): T | undefined {
  const defaults = classes.filter((c) => c.metadata.annotations?.[ANN_IS_DEFAULT_CLASS] === 'true' && !c.metadata.deletionTimestamp);
  return defaults.sort((a, b) => (b.metadata.creationTimestamp ?? '').localeCompare(a.metadata.creationTimestamp ?? '') || (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''))[0];
}

/** The claim with the default class filled in when it named none; otherwise the claim itself. */
export function withDefaultStorageClass(claim: KubeObject, classes: readonly KubeObject[]): KubeObject {
  const spec = (claim.spec ?? {}) as { storageClassName?: string };
  if (spec.storageClassName !== undefined || claim.metadata.annotations?.[ANN_BETA_STORAGE_CLASS] !== undefined) return claim;
  const def = defaultStorageClass(classes);
  return def ? { ...claim, spec: { ...spec, storageClassName: def.metadata.name } } : claim;
}
