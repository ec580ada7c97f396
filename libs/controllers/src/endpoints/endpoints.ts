// The Endpoints of a Service with a selector (pkg/controller/endpoint): every selected pod with
// an IP, ready ones under `addresses`, the rest under `notReadyAddresses` (all ready when the
// Service publishes not-ready addresses); terminating and finished pods are left out. Each
// service port's targetPort is resolved per pod: by name against its container ports, or as a
// number; a pod without the named port is not an endpoint for that port. Pods with the same
// resolved ports share a subset (RepackSubsets).

import type { KubeObject } from '@keelson/apimachinery';
import { selects } from '../common/selectors';

export interface ServicePort { name?: string; port: number; targetPort?: number | string; protocol?: string; appProtocol?: string }
export interface Service extends KubeObject {
  spec?: { selector?: Record<string, string>; ports?: ServicePort[]; clusterIP?: string; type?: string; publishNotReadyAddresses?: boolean };
}
export interface ContainerPort { name?: string; containerPort: number; protocol?: string }
export interface Pod extends KubeObject {
  spec?: { nodeName?: string; hostname?: string; subdomain?: string; containers?: { name: string; ports?: ContainerPort[] }[] };
  status?: { phase?: string; podIP?: string; conditions?: { type: string; status: string }[] };
}
export interface EndpointAddress { ip: string; hostname?: string; nodeName?: string; targetRef?: { kind: 'Pod'; namespace: string; name: string; uid: string } }
export interface EndpointPort { name?: string; port: number; protocol: string; appProtocol?: string }
export interface EndpointSubset { addresses?: EndpointAddress[]; notReadyAddresses?: EndpointAddress[]; ports?: EndpointPort[] }
export interface Endpoints extends KubeObject { subsets?: EndpointSubset[] }

export const isPodReady = (pod: Pod): boolean => pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;

/** ShouldPodBeInEndpoints. */
export function shouldBeInEndpoints(pod: Pod, includeTerminating: boolean): boolean {
  if (!pod.status?.podIP) return false;
  if (pod.status.phase === 'Succeeded' || pod.status.phase === 'Failed') return false;
  return includeTerminating || !pod.metadata.deletionTimestamp;
}

/** podutil.FindPort: the container port a service port sends to on this pod, or undefined. */
export function findPort(pod: Pod, sp: ServicePort): number | undefined {
  const target = sp.targetPort ?? sp.port;
  if (typeof target === 'number') return target;
  if (/^\d+$/.test(target)) return Number(target);
  for (const c of pod.spec?.containers ?? []) {
    for (const p of c.ports ?? []) if (p.name === target && (p.protocol ?? 'TCP') === (sp.protocol ?? 'TCP')) return p.containerPort;
  }
  return undefined;
}

export function selectedPods(service: Service, pods: readonly Pod[]): Pod[] {
  const selector = service.spec?.selector;
  if (!selector) return [];
  return pods.filter((p) => p.metadata.namespace === service.metadata.namespace && selects({ matchLabels: selector }, p.metadata.labels));
}

export function endpointAddress(pod: Pod, service: Service): EndpointAddress {
  const hostname = pod.spec?.hostname && pod.spec.subdomain === service.metadata.name ? pod.spec.hostname : undefined;
  return {
    ip: pod.status?.podIP ?? '',
    ...(hostname ? { hostname } : {}),
    ...(pod.spec?.nodeName ? { nodeName: pod.spec.nodeName } : {}),
    targetRef: { kind: 'Pod', namespace: pod.metadata.namespace ?? '', name: pod.metadata.name ?? '', uid: pod.metadata.uid ?? '' },
  };
}

export function desiredSubsets(service: Service, pods: readonly Pod[]): EndpointSubset[] {
  const publishNotReady = service.spec?.publishNotReadyAddresses === true;
  const headless = service.spec?.clusterIP === 'None';
  const groups = new Map<string, EndpointSubset>();
  for (const pod of selectedPods(service, pods)) {
    if (!shouldBeInEndpoints(pod, publishNotReady)) continue;
    const ports: EndpointPort[] = [];
    for (const sp of service.spec?.ports ?? []) {
      const port = findPort(pod, sp);
      if (port !== undefined) ports.push({ ...(sp.name ? { name: sp.name } : {}), port, protocol: sp.protocol ?? 'TCP', ...(sp.appProtocol ? { appProtocol: sp.appProtocol } : {}) });
    }
    // A pod resolving none of the ports is no endpoint, except for a headless service without ports.
    if (ports.length === 0 && !(headless && (service.spec?.ports ?? []).length === 0)) continue;
    ports.sort((a, b) => (a.name ?? '').localeCompare(b.name ?? '') || a.port - b.port);
    const key = JSON.stringify(ports);
    const subset = groups.get(key) ?? (ports.length ? { ports } : {});
    const ready = publishNotReady || isPodReady(pod);
    const list = ready ? (subset.addresses ??= []) : (subset.notReadyAddresses ??= []);
    list.push(endpointAddress(pod, service));
    groups.set(key, subset);
  }
  const byIp = (a: EndpointAddress, b: EndpointAddress) => a.ip.localeCompare(b.ip, 'en', { numeric: true });
  const subsets = [...groups.values()].map((s) => ({ ...(s.addresses ? { addresses: s.addresses.sort(byIp) } : {}), ...(s.notReadyAddresses ? { notReadyAddresses: s.notReadyAddresses.sort(byIp) } : {}), ...(s.ports ? { ports: s.ports } : {}) }));
  return subsets.sort((a, b) => JSON.stringify(a.ports ?? []).localeCompare(JSON.stringify(b.ports ?? [])));
}
