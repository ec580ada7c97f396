// Every API resource Keelson serves, with what discovery says of it as Kubernetes says it
// (plural, kind, short names, categories, subresources). One table; discovery, OpenAPI,
// the subject codec's resource names and the REST router are all derived from it.

export interface ApiResource {
  /** '' for the core group */
  readonly group: string;
  /** served versions, preferred first */
  readonly versions: readonly string[];
  readonly kind: string;
  readonly plural: string;
  readonly singular: string;
  readonly namespaced: boolean;
  readonly shortNames?: readonly string[];
  readonly categories?: readonly string[];
  readonly subresources?: readonly Subresource[];
  /** Secrets are encrypted before they reach the log. */
  readonly encrypted?: boolean;
  /** the verbs discovery lists when not every one of VERBS (read-only aggregated APIs) */
  readonly verbs?: readonly string[];
}

export type Subresource = 'status' | 'scale' | 'binding' | 'log' | 'exec' | 'attach' | 'portforward' | 'proxy' | 'eviction';

export const VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'] as const;

const core = (r: Omit<ApiResource, 'group' | 'versions'>): ApiResource => ({ group: '', versions: ['v1'], ...r });
const inGroup = (group: string, versions: string[]) => (r: Omit<ApiResource, 'group' | 'versions'>): ApiResource => ({ group, versions, ...r });
const apps = inGroup('apps', ['v1']);
const batch = inGroup('batch', ['v1']);
const networking = inGroup('networking.k8s.io', ['v1']);

export const RESOURCES: readonly ApiResource[] = [
  core({ kind: 'Namespace', plural: 'namespaces', singular: 'namespace', namespaced: false, shortNames: ['ns'], subresources: ['status'] }),
  core({ kind: 'Node', plural: 'nodes', singular: 'node', namespaced: false, shortNames: ['no'], subresources: ['status', 'proxy'] }),
  core({ kind: 'Pod', plural: 'pods', singular: 'pod', namespaced: true, shortNames: ['po'], categories: ['all'], subresources: ['status', 'binding', 'log', 'exec', 'attach', 'portforward', 'eviction'] }),
  core({ kind: 'Service', plural: 'services', singular: 'service', namespaced: true, shortNames: ['svc'], categories: ['all'], subresources: ['status'] }),
  core({ kind: 'Endpoints', plural: 'endpoints', singular: 'endpoints', namespaced: true, shortNames: ['ep'] }),
  core({ kind: 'Secret', plural: 'secrets', singular: 'secret', namespaced: true, encrypted: true }),
  core({ kind: 'ConfigMap', plural: 'configmaps', singular: 'configmap', namespaced: true, shortNames: ['cm'] }),
  core({ kind: 'ServiceAccount', plural: 'serviceaccounts', singular: 'serviceaccount', namespaced: true, shortNames: ['sa'] }),
  core({ kind: 'PersistentVolume', plural: 'persistentvolumes', singular: 'persistentvolume', namespaced: false, shortNames: ['pv'], subresources: ['status'] }),
  core({ kind: 'PersistentVolumeClaim', plural: 'persistentvolumeclaims', singular: 'persistentvolumeclaim', namespaced: true, shortNames: ['pvc'], subresources: ['status'] }),
  core({ kind: 'Event', plural: 'events', singular: 'event', namespaced: true, shortNames: ['ev'] }),
  apps({ kind: 'Deployment', plural: 'deployments', singular: 'deployment', namespaced: true, shortNames: ['deploy'], categories: ['all'], subresources: ['status', 'scale'] }),
  apps({ kind: 'ReplicaSet', plural: 'replicasets', singular: 'replicaset', namespaced: true, shortNames: ['rs'], categories: ['all'], subresources: ['status', 'scale'] }),
  apps({ kind: 'StatefulSet', plural: 'statefulsets', singular: 'statefulset', namespaced: true, shortNames: ['sts'], categories: ['all'], subresources: ['status', 'scale'] }),
  apps({ kind: 'DaemonSet', plural: 'daemonsets', singular: 'daemonset', namespaced: true, shortNames: ['ds'], categories: ['all'], subresources: ['status'] }),
  apps({ kind: 'ControllerRevision', plural: 'controllerrevisions', singular: 'controllerrevision', namespaced: true }),
  batch({ kind: 'Job', plural: 'jobs', singular: 'job', namespaced: true, categories: ['all'], subresources: ['status'] }),
  // batch/v1beta1 CronJob is served too, because the seed's fixture uses it; one object, two versions.
  inGroup('batch', ['v1', 'v1beta1'])({ kind: 'CronJob', plural: 'cronjobs', singular: 'cronjob', namespaced: true, shortNames: ['cj'], categories: ['all'], subresources: ['status'] }),
  inGroup('discovery.k8s.io', ['v1'])({ kind: 'EndpointSlice', plural: 'endpointslices', singular: 'endpointslice', namespaced: true }),
  networking({ kind: 'NetworkPolicy', plural: 'networkpolicies', singular: 'networkpolicy', namespaced: true, shortNames: ['netpol'] }),
  networking({ kind: 'Ingress', plural: 'ingresses', singular: 'ingress', namespaced: true, shortNames: ['ing'], subresources: ['status'] }),
  networking({ kind: 'IngressClass', plural: 'ingressclasses', singular: 'ingressclass', namespaced: false }),
  inGroup('storage.k8s.io', ['v1'])({ kind: 'StorageClass', plural: 'storageclasses', singular: 'storageclass', namespaced: false, shortNames: ['sc'] }),
  inGroup('scheduling.k8s.io', ['v1'])({ kind: 'PriorityClass', plural: 'priorityclasses', singular: 'priorityclass', namespaced: false, shortNames: ['pc'] }),
  inGroup('coordination.k8s.io', ['v1'])({ kind: 'Lease', plural: 'leases', singular: 'lease', namespaced: true }),
  // autoscaling/v1 too: `kubectl autoscale` (1.27 and 1.32 alike) creates v1 objects; converted to v2 for storage.
  inGroup('autoscaling', ['v2', 'v1'])({ kind: 'HorizontalPodAutoscaler', plural: 'horizontalpodautoscalers', singular: 'horizontalpodautoscaler', namespaced: true, shortNames: ['hpa'], categories: ['all'], subresources: ['status'] }),
  inGroup('policy', ['v1'])({ kind: 'PodDisruptionBudget', plural: 'poddisruptionbudgets', singular: 'poddisruptionbudget', namespaced: true, shortNames: ['pdb'], subresources: ['status'] }),
];

/**
 * Resources that are not objects in the log: served from memory by the apiserver, as
 * kube-apiserver proxies them to an aggregated API server (metrics-server for metrics.k8s.io).
 * Discovery lists them and the router finds them; nothing stores, watches or deletes them.
 */
export const AGGREGATED_RESOURCES: readonly ApiResource[] = [
  inGroup('metrics.k8s.io', ['v1beta1'])({ kind: 'NodeMetrics', plural: 'nodes', singular: '', namespaced: false, verbs: ['get', 'list'] }),
  inGroup('metrics.k8s.io', ['v1beta1'])({ kind: 'PodMetrics', plural: 'pods', singular: '', namespaced: true, verbs: ['get', 'list'] }),
];

const SERVED = [...RESOURCES, ...AGGREGATED_RESOURCES];

export const isAggregated = (r: ApiResource): boolean => AGGREGATED_RESOURCES.includes(r);

/** Group versions in the order discovery lists them. */
export function groupVersions(): { group: string; versions: string[] }[] {
  const out = new Map<string, string[]>();
  for (const r of SERVED) {
    const vs = out.get(r.group) ?? [];
    for (const v of r.versions) if (!vs.includes(v)) vs.push(v);
    out.set(r.group, vs);
  }
  return [...out].map(([group, versions]) => ({ group, versions }));
}

export function apiVersionOf(group: string, version: string): string {
  return group ? `${group}/${version}` : version;
}

export function parseApiVersion(apiVersion: string): { group: string; version: string } {
  const i = apiVersion.lastIndexOf('/');
  return i < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, i), version: apiVersion.slice(i + 1) };
}

export function resourcesIn(group: string, version: string): ApiResource[] {
  return SERVED.filter((r) => r.group === group && r.versions.includes(version));
}

export function findByPlural(group: string, version: string, plural: string): ApiResource | undefined {
  return SERVED.find((r) => r.group === group && r.plural === plural && r.versions.includes(version));
}

export function findByKind(apiVersion: string, kind: string): ApiResource | undefined {
  const { group, version } = parseApiVersion(apiVersion);
  return RESOURCES.find((r) => r.group === group && r.kind === kind && r.versions.includes(version));
}

/** The storage version: the first (preferred) one. Objects are stored in it and converted on the way out. */
export function storageVersion(r: ApiResource): string {
  return r.versions[0];
}
