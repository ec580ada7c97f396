// The node's half of the built-in local-path provisioner: the controller-manager makes each
// volume a directory `<root>/<pv-name>` on one node, root being what this node announces in
// `keelson.io/local-path-root` (its state directory); once such a PersistentVolume is being
// deleted, the node holding the directory removes it and then the volume's finalizer, as
// k3s' local-path-provisioner does with a helper pod on the node.
import type { KubeObject } from '@keelson/apimachinery';

export const LOCAL_PATH_ROOT_ANNOTATION = 'keelson.io/local-path-root';
export const LOCAL_PATH_FINALIZER = 'keelson.io/local-path-cleanup';

export const localPathRoot = (stateDir: string): string => `${stateDir}/storage`;

interface VolumeSpec {
  hostPath?: { path?: string };
  local?: { path?: string };
  nodeAffinity?: { required?: { nodeSelectorTerms?: { matchExpressions?: { key: string; operator: string; values?: string[] }[] }[] } };
}

/**
 * The directory to remove for this volume on this node, or undefined. Only a path that is
 * exactly `<root>/<pv-name>` is ever removed, whatever else the object says.
 */
export function localPathToClean(pv: KubeObject, nodeName: string, root: string): string | undefined {
  if (!pv.metadata.deletionTimestamp || !(pv.metadata.finalizers ?? []).includes(LOCAL_PATH_FINALIZER)) return undefined;
  const spec = (pv.spec ?? {}) as VolumeSpec;
  const onThisNode = (spec.nodeAffinity?.required?.nodeSelectorTerms ?? []).some((t) => (t.matchExpressions ?? []).some((e) => e.key === 'kubernetes.io/hostname' && e.operator === 'In' && (e.values ?? []).includes(nodeName)));
  const path = spec.hostPath?.path ?? spec.local?.path;
  return onThisNode && path === `${root}/${pv.metadata.name}` ? path : undefined;
}

/** The finalizers left once this node's cleanup is done. */
export const withoutLocalPathFinalizer = (pv: KubeObject): string[] => (pv.metadata.finalizers ?? []).filter((f) => f !== LOCAL_PATH_FINALIZER);
