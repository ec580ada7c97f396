// The built-in local-path StorageClass a fresh cluster starts with (k3s ships the same idea):
// a claim with no class gets it, and its volumes are directories on the node the pod landed on.

import { ANN_IS_DEFAULT_CLASS, StorageClass } from './types';

export const LOCAL_PATH_PROVISIONER = 'keelson.io/local-path';
/** Where each provisioned volume lives on its node: `<root>/<pv-name>`. */
export const LOCAL_PATH_ROOT = '/var/lib/keelson/storage';

/** Created by the controller manager at start-up if absent. */
export const DEFAULT_STORAGE_CLASS: StorageClass = {
  apiVersion: 'storage.k8s.io/v1',
  kind: 'StorageClass',
  metadata: { name: 'local-path', annotations: { [ANN_IS_DEFAULT_CLASS]: 'true' } },
  provisioner: LOCAL_PATH_PROVISIONER,
  reclaimPolicy: 'Delete',
  volumeBindingMode: 'WaitForFirstConsumer',
};

/**
 * The class a claim without storageClassName gets (the DefaultStorageClass admission plugin, and
 * the PV controller retroactively): among classes marked default the newest, ties by name, as
 * Kubernetes since 1.26.
 */
export function defaultStorageClass(classes: readonly StorageClass[]): StorageClass | undefined {
  const defaults = classes.filter((c) => c.metadata.annotations?.[ANN_IS_DEFAULT_CLASS] === 'true' && !c.metadata.deletionTimestamp);
  return defaults.sort((a, b) => (b.metadata.creationTimestamp ?? '').localeCompare(a.metadata.creationTimestamp ?? '') || (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''))[0];
}
