// The protobuf message table: for each Kubernetes message, its fields as Kubernetes' JSON
// encoding names them. Derived from k8s.io/api and k8s.io/apimachinery (generated.proto for
// numbers and types, the Go structs for JSON names and zero values) by generate.ts.
import MESSAGES from './messages.json';

/**
 * [number, JSON name, type, flags?]: type is a protobuf scalar ("string", "int64", "bytes"…) or
 * another message's short name ("meta.v1.ObjectMeta"). Flags: r repeated, m map<string, type>,
 * i inlined into the parent in JSON (Volume.volumeSource), z a zero value is meaningful and kept
 * (a Go pointer such as Deployment.spec.replicas, or a field JSON sends even when empty).
 */
export type FieldRow = [number, string, string] | [number, string, string, string];
export type MessageTable = Record<string, FieldRow[]>;

export const MESSAGE_TABLE = MESSAGES as unknown as MessageTable;

/** The messages generate.ts starts from (full protobuf names); everything they hold comes along. */
export const ROOT_KINDS = [
  'k8s.io.apimachinery.pkg.runtime.Unknown',
  'k8s.io.apimachinery.pkg.apis.meta.v1.DeleteOptions',
  'k8s.io.apimachinery.pkg.apis.meta.v1.Status',
  'k8s.io.apimachinery.pkg.apis.meta.v1.List',
  ...['Namespace', 'Node', 'Pod', 'Binding', 'Service', 'Endpoints', 'Secret', 'ConfigMap', 'ServiceAccount', 'PersistentVolume', 'PersistentVolumeClaim', 'Event', 'ResourceQuota', 'LimitRange']
    .map((k) => `k8s.io.api.core.v1.${k}`),
  ...['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'ControllerRevision'].map((k) => `k8s.io.api.apps.v1.${k}`),
  'k8s.io.api.batch.v1.Job',
  'k8s.io.api.batch.v1.CronJob',
  'k8s.io.api.networking.v1.NetworkPolicy',
  'k8s.io.api.networking.v1.Ingress',
  'k8s.io.api.networking.v1.IngressClass',
  'k8s.io.api.storage.v1.StorageClass',
  'k8s.io.api.scheduling.v1.PriorityClass',
  'k8s.io.api.coordination.v1.Lease',
  'k8s.io.api.autoscaling.v1.Scale',
  'k8s.io.api.autoscaling.v2.HorizontalPodAutoscaler',
  'k8s.io.api.autoscaling.v1.HorizontalPodAutoscaler',
  'k8s.io.api.policy.v1.PodDisruptionBudget',
  'k8s.io.api.policy.v1.Eviction',
  'k8s.io.api.authentication.v1.TokenRequest',
];

/** The message of a kind in an API version: ("apps/v1", "Deployment") → "apps.v1.Deployment". */
export function messageName(apiVersion: string, kind: string): string | undefined {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/', 2) : ['', apiVersion];
  // the package is the group's first label: networking.k8s.io → networking, '' → core
  const pkg = group === '' ? 'core' : group.split('.')[0];
  const name = `${pkg}.${version}.${kind}`;
  if (MESSAGE_TABLE[name]) return name;
  // DeleteOptions and the like travel under any group version, as metav1 registers them in every one
  return MESSAGE_TABLE[`meta.v1.${kind}`] ? `meta.v1.${kind}` : undefined;
}
