// The patch-relevant struct tags of k8s.io/api for every kind in RESOURCES, in compact form.
// Only fields with a strategy, a list type other than atomic, a map type other than struct,
// or a type that leads to such fields are listed; everything else takes the defaults
// (maps merge, lists are atomic). Read from core/v1, apps/v1, batch/v1, policy/v1,
// autoscaling/v2 and meta/v1 types.go.

import { FieldDescriptor, PatchMeta, TypeTable, patchMetaFromTypes, UNKNOWN } from './patch-meta';

/** `patchStrategy:"merge" patchMergeKey:key` + `+listType=map +listMapKey=key`. */
const mergeBy = (key: string, type?: string): FieldDescriptor => ({ type, patchStrategy: 'merge', patchMergeKey: key, listType: 'map', listMapKeys: [key] });
const granular: FieldDescriptor = { mapType: 'granular' };
const atomicMap: FieldDescriptor = { mapType: 'atomic' };
const t = (type: string): FieldDescriptor => ({ type });
const conditions = mergeBy('type');
const withConditions = { conditions };

const TYPES: TypeTable = {
  ObjectMeta: {
    labels: granular,
    annotations: granular,
    finalizers: { patchStrategy: 'merge', listType: 'set' },
    ownerReferences: mergeBy('uid'),
    managedFields: { listType: 'atomic' },
  },
  LabelSelector: { '': atomicMap }, // +structType=atomic
  ResourceList: { '': granular },
  PodTemplateSpec: { metadata: t('ObjectMeta'), spec: t('PodSpec') },
  PodSpec: {
    volumes: { ...mergeBy('name', 'Volume'), patchStrategy: 'merge,retainKeys' },
    initContainers: mergeBy('name', 'Container'),
    containers: mergeBy('name', 'Container'),
    ephemeralContainers: mergeBy('name', 'Container'),
    imagePullSecrets: mergeBy('name'),
    hostAliases: mergeBy('ip'),
    topologySpreadConstraints: { patchStrategy: 'merge', patchMergeKey: 'topologyKey', listType: 'map', listMapKeys: ['topologyKey', 'whenUnsatisfiable'] },
    resourceClaims: { ...mergeBy('name'), patchStrategy: 'merge,retainKeys' },
    schedulingGates: mergeBy('name'),
    nodeSelector: atomicMap,
    overhead: t('ResourceList'),
    resources: t('ResourceRequirements'),
  },
  Volume: {},
  Container: {
    ports: { type: 'ContainerPort', patchStrategy: 'merge', patchMergeKey: 'containerPort', listType: 'map', listMapKeys: ['containerPort', 'protocol'], listMapKeyDefaults: { protocol: 'TCP' } },
    env: mergeBy('name'),
    volumeMounts: mergeBy('mountPath'),
    volumeDevices: mergeBy('devicePath'),
    resources: t('ResourceRequirements'),
  },
  ContainerPort: {},
  ResourceRequirements: { limits: t('ResourceList'), requests: t('ResourceList'), claims: { listType: 'map', listMapKeys: ['name'] } },
  PodStatus: { conditions, podIPs: mergeBy('ip'), hostIPs: mergeBy('ip') },

  // core/v1, other kinds
  Pod: { metadata: t('ObjectMeta'), spec: t('PodSpec'), status: t('PodStatus') },
  Service: { metadata: t('ObjectMeta'), spec: t('ServiceSpec'), status: t('ServiceStatus') },
  ServiceSpec: {
    ports: { patchStrategy: 'merge', patchMergeKey: 'port', listType: 'map', listMapKeys: ['port', 'protocol'], listMapKeyDefaults: { protocol: 'TCP' } },
    selector: atomicMap,
  },
  ServiceStatus: withConditions,
  Node: { metadata: t('ObjectMeta'), spec: t('NodeSpec'), status: t('NodeStatus') },
  NodeSpec: { podCIDRs: { patchStrategy: 'merge', listType: 'set' } }, // taints: +listType=atomic, no patchStrategy
  NodeStatus: { conditions, addresses: mergeBy('type'), capacity: t('ResourceList'), allocatable: t('ResourceList') },
  Namespace: { metadata: t('ObjectMeta'), status: t('NamespaceStatus') },
  NamespaceStatus: withConditions,
  PersistentVolume: { metadata: t('ObjectMeta'), spec: t('PersistentVolumeSpec') },
  PersistentVolumeSpec: { capacity: t('ResourceList') },
  PersistentVolumeClaim: { metadata: t('ObjectMeta'), spec: t('PersistentVolumeClaimSpec'), status: t('PersistentVolumeClaimStatus') },
  PersistentVolumeClaimSpec: { selector: t('LabelSelector'), resources: t('ResourceRequirements') },
  PersistentVolumeClaimStatus: { conditions, capacity: t('ResourceList'), allocatedResources: t('ResourceList') },
  ConfigMap: { metadata: t('ObjectMeta'), data: granular, binaryData: granular },
  Secret: { metadata: t('ObjectMeta'), data: granular, stringData: granular },
  ServiceAccount: { metadata: t('ObjectMeta'), secrets: mergeBy('name') },
  StorageClass: { metadata: t('ObjectMeta'), parameters: granular },

  // apps/v1
  Deployment: { metadata: t('ObjectMeta'), spec: t('DeploymentSpec'), status: t('WorkloadStatus') },
  DeploymentSpec: { selector: t('LabelSelector'), template: t('PodTemplateSpec'), strategy: { patchStrategy: 'retainKeys' } },
  WorkloadStatus: withConditions,
  ReplicaSet: { metadata: t('ObjectMeta'), spec: t('WorkloadSpec'), status: t('WorkloadStatus') },
  StatefulSet: { metadata: t('ObjectMeta'), spec: t('WorkloadSpec'), status: t('WorkloadStatus') },
  DaemonSet: { metadata: t('ObjectMeta'), spec: t('WorkloadSpec'), status: t('WorkloadStatus') },
  WorkloadSpec: { selector: t('LabelSelector'), template: t('PodTemplateSpec') },

  // batch/v1
  Job: { metadata: t('ObjectMeta'), spec: t('JobSpec'), status: t('JobStatus') },
  JobSpec: { selector: t('LabelSelector'), template: t('PodTemplateSpec') },
  JobStatus: { conditions: { patchStrategy: 'merge', patchMergeKey: 'type', listType: 'atomic' } },
  CronJob: { metadata: t('ObjectMeta'), spec: t('CronJobSpec') },
  CronJobSpec: { jobTemplate: t('JobTemplateSpec') },
  JobTemplateSpec: { metadata: t('ObjectMeta'), spec: t('JobSpec') },

  // networking, policy, autoscaling
  NetworkPolicy: { metadata: t('ObjectMeta'), spec: t('NetworkPolicySpec') },
  NetworkPolicySpec: { podSelector: t('LabelSelector') },
  PodDisruptionBudget: { metadata: t('ObjectMeta'), spec: t('PodDisruptionBudgetSpec'), status: t('PodDisruptionBudgetStatus') },
  PodDisruptionBudgetSpec: { selector: { type: 'LabelSelector', patchStrategy: 'replace' } },
  PodDisruptionBudgetStatus: { conditions, disruptedPods: granular },
  HorizontalPodAutoscaler: { metadata: t('ObjectMeta'), status: t('WorkloadStatus') },

  // kinds with nothing special beyond ObjectMeta
  Generic: { metadata: t('ObjectMeta') },
};

/**
 * Patch metadata of a kind served by Keelson. Kinds without their own entry (Events, Leases,
 * Endpoints — whose subsets are atomic —, …) still get ObjectMeta's finalizers and
 * ownerReferences right. Unknown kinds (custom resources) get the same generic metadata.
 */
const ROOTS = new Map<string, PatchMeta>();

export function patchMetaFor(group: string, kind: string): PatchMeta {
  void group; // every kind served today has one name across groups; kept for custom resources
  if (!kind) return UNKNOWN;
  const root = Object.prototype.hasOwnProperty.call(TYPES, kind) && TYPES[kind].metadata ? kind : 'Generic';
  // One root per kind, so that the children it builds as walks ask for them are kept with it.
  let meta = ROOTS.get(root);
  if (!meta) ROOTS.set(root, (meta = patchMetaFromTypes(TYPES, root)));
  return meta;
}

export const KUBERNETES_TYPES: TypeTable = TYPES;
