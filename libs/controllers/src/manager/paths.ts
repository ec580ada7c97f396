import { objectPath } from '@keelson/informer';

// REST paths of the kinds the shells write.
export const paths = {
  pods: (ns: string, name?: string, sub?: string) => objectPath('', 'v1', 'pods', ns, name, sub),
  pvcs: (ns: string, name?: string, sub?: string) => objectPath('', 'v1', 'persistentvolumeclaims', ns, name, sub),
  pvs: (name?: string, sub?: string) => objectPath('', 'v1', 'persistentvolumes', undefined, name, sub),
  nodes: (name?: string, sub?: string) => objectPath('', 'v1', 'nodes', undefined, name, sub),
  namespaces: (name?: string, sub?: string) => objectPath('', 'v1', 'namespaces', undefined, name, sub),
  endpoints: (ns: string, name?: string) => objectPath('', 'v1', 'endpoints', ns, name),
  endpointSlices: (ns: string, name?: string) => objectPath('discovery.k8s.io', 'v1', 'endpointslices', ns, name),
  revisions: (ns: string, name?: string) => objectPath('apps', 'v1', 'controllerrevisions', ns, name),
  statefulSets: (ns: string, name?: string, sub?: string) => objectPath('apps', 'v1', 'statefulsets', ns, name, sub),
  daemonSets: (ns: string, name?: string, sub?: string) => objectPath('apps', 'v1', 'daemonsets', ns, name, sub),
  jobs: (ns: string, name?: string, sub?: string) => objectPath('batch', 'v1', 'jobs', ns, name, sub),
  cronJobs: (ns: string, name?: string, sub?: string) => objectPath('batch', 'v1', 'cronjobs', ns, name, sub),
  storageClasses: (name?: string) => objectPath('storage.k8s.io', 'v1', 'storageclasses', undefined, name),
};
