// The built-in local-path StorageClass a fresh cluster starts with (k3s ships the same idea,
// named `local-path`; here `standard`, the class the seed's StatefulSet asks for): a claim with
// no class gets it, and its volumes are directories on the node the pod landed on.
import { defaultStorageClass as newestDefault } from '@keelson/admission';
import { ANN_IS_DEFAULT_CLASS, StorageClass } from './types';

export const LOCAL_PATH_PROVISIONER = 'keelson.io/local-path';
/** Where provisioned volumes live on a node that does not say otherwise: `<root>/<pv-name>`. */
export const LOCAL_PATH_ROOT = '/var/lib/keelson/storage';
/** A node agent announces its own root here (its state directory), so nodes sharing a machine keep apart. */
export const ANN_LOCAL_PATH_ROOT = 'keelson.io/local-path-root';
/**
 * On every provisioned volume: the node agent that holds the directory removes it once the
 * volume is deleted, then this finalizer (the external provisioner's finalizer, in effect).
 */
export const LOCAL_PATH_FINALIZER = 'keelson.io/local-path-cleanup';

/** Created by the controller manager at start-up if absent. */
export const DEFAULT_STORAGE_CLASS: StorageClass = {
  apiVersion: 'storage.k8s.io/v1',
  kind: 'StorageClass',
  metadata: { name: 'standard', annotations: { [ANN_IS_DEFAULT_CLASS]: 'true' } },
  provisioner: LOCAL_PATH_PROVISIONER,
  reclaimPolicy: 'Delete',
  volumeBindingMode: 'WaitForFirstConsumer',
};

/** The class a claim without storageClassName gets (DefaultStorageClass admission, and the PV controller retroactively). */
export const defaultStorageClass = (classes: readonly StorageClass[]): StorageClass | undefined => newestDefault(classes);
