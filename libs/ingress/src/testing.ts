// Objects for specs: Ingresses, classes, Services with their EndpointSlices, TLS Secrets — the
// shapes the informers deliver, with only the fields that matter filled in.
import type { ClusterState } from './model';
import type { EndpointSlice, HTTPIngressPath, Ingress, IngressBackend, IngressClass, IngressRule, IngressTLS, PathType, Secret, Service } from './types';

export const CONTROLLER = 'keelson.io/ingress-controller';

export function ingressClass(name: string, o: { controller?: string; isDefault?: boolean } = {}): IngressClass {
  const annotations = o.isDefault ? { 'ingressclass.kubernetes.io/is-default-class': 'true' } : undefined;
  return { apiVersion: 'networking.k8s.io/v1', kind: 'IngressClass', metadata: { name, annotations }, spec: { controller: o.controller ?? CONTROLLER } };
}

export const backend = (service: string, port: number | string): IngressBackend => ({ service: { name: service, port: typeof port === 'number' ? { number: port } : { name: port } } });

export const path = (p: string, pathType: PathType, service: string, port: number | string = 80): HTTPIngressPath => ({ path: p, pathType, backend: backend(service, port) });

export const rule = (host: string | undefined, ...paths: HTTPIngressPath[]): IngressRule => ({ ...(host ? { host } : {}), http: { paths } });

export function ingress(
  name: string,
  o: { namespace?: string; className?: string; created?: string; rules?: IngressRule[]; defaultBackend?: IngressBackend; tls?: IngressTLS[]; annotations?: Record<string, string> } = {},
): Ingress {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name, namespace: o.namespace ?? 'default', creationTimestamp: o.created ?? '2026-01-01T00:00:00Z', annotations: o.annotations },
    spec: { ingressClassName: o.className ?? 'keelson', rules: o.rules, defaultBackend: o.defaultBackend, tls: o.tls },
  };
}

/** A Service with one port per entry (`name`, `port` → the pods' `targetPort`) and an EndpointSlice listing `ready` and `notReady` pod IPs. */
export function service(name: string, ports: { name?: string; port: number; targetPort: number }[], ready: string[], notReady: string[] = [], namespace = 'default'): { service: Service; slice: EndpointSlice } {
  const svc: Service = { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace }, spec: { type: 'ClusterIP', ports: ports.map((p) => ({ name: p.name, port: p.port, protocol: 'TCP' })) } };
  const slice: EndpointSlice = {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: `${name}-abcde`, namespace, labels: { 'kubernetes.io/service-name': name } },
    addressType: 'IPv4',
    ports: ports.map((p) => ({ name: p.name ?? '', port: p.targetPort, protocol: 'TCP' })),
    endpoints: [...ready.map((ip) => ({ addresses: [ip], conditions: { ready: true } })), ...notReady.map((ip) => ({ addresses: [ip], conditions: { ready: false } }))],
  };
  return { service: svc, slice };
}

export function tlsSecret(name: string, crt: string, key: string, namespace = 'default'): Secret {
  return { apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace }, type: 'kubernetes.io/tls', data: { 'tls.crt': Buffer.from(crt).toString('base64'), 'tls.key': Buffer.from(key).toString('base64') } };
}

export function clusterState(o: Partial<ClusterState> & { backends?: { service: Service; slice: EndpointSlice }[] }): ClusterState {
  return {
    ingresses: o.ingresses ?? [],
    ingressClasses: o.ingressClasses ?? [ingressClass('keelson')],
    services: [...(o.services ?? []), ...(o.backends ?? []).map((b) => b.service)],
    endpointSlices: [...(o.endpointSlices ?? []), ...(o.backends ?? []).map((b) => b.slice)],
    secrets: o.secrets ?? [],
  };
}
