// From an Ingress backend to the addresses nginx proxies to. As ingress-nginx does, the upstream
// is the Service's ready endpoints — pod IP and target port, read from its EndpointSlices — not
// its ClusterIP: nginx balances and retries across pods itself, and a reload is needed only when
// the set of ready pods changes.
//
// backend.service.port names the *Service* port (by number or by name); the EndpointSlice ports
// carry that Service port's name with the resolved target port, so the endpoint port is the
// slice port of the same name ("" for an unnamed port).
import type { EndpointSlice, IngressBackend, Service, ServiceBackendPort, ServicePort } from './types';

export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';

export interface Upstream {
  /** `<namespace>-<service>-<port>`, ingress-nginx's upstream name */
  readonly name: string;
  /** `ip:port`, sorted */
  readonly servers: readonly string[];
}

/** Where a backend goes: an upstream with at least one server, or a status nginx answers itself. */
export type Target = { readonly kind: 'upstream'; readonly upstream: Upstream } | { readonly kind: 'status'; readonly code: 404 | 503; readonly reason: string };

export const NOT_FOUND: Target = { kind: 'status', code: 404, reason: 'no rule matched' };

/** Services and their EndpointSlices by `namespace/name`. */
export interface ClusterServices {
  readonly services: ReadonlyMap<string, Service>;
  readonly slicesByService: ReadonlyMap<string, readonly EndpointSlice[]>;
}

export function indexServices(services: readonly Service[], slices: readonly EndpointSlice[]): ClusterServices {
  const byKey = new Map(services.map((s) => [`${s.metadata.namespace}/${s.metadata.name}`, s]));
  const slicesByService = new Map<string, EndpointSlice[]>();
  for (const slice of slices) {
    const svc = slice.metadata.labels?.[SERVICE_NAME_LABEL];
    if (!svc) continue;
    const key = `${slice.metadata.namespace}/${svc}`;
    slicesByService.set(key, [...(slicesByService.get(key) ?? []), slice]);
  }
  return { services: byKey, slicesByService };
}

/**
 * The target of `backend` for an Ingress in `namespace`. A missing Service or port, a resource
 * backend, or no ready endpoint is a 503, as ingress-nginx answers it.
 */
export function resolveBackend(namespace: string, backend: IngressBackend | undefined, cluster: ClusterServices): Target {
  const ref = backend?.service;
  if (!ref) return { kind: 'status', code: 503, reason: backend?.resource ? `resource backends (${backend.resource.kind}) are not supported` : 'no backend' };
  const service = cluster.services.get(`${namespace}/${ref.name}`);
  if (!service) return { kind: 'status', code: 503, reason: `service ${namespace}/${ref.name} not found` };
  const port = servicePort(service, ref.port);
  const portLabel = ref.port?.number ?? ref.port?.name ?? '';
  if (!port) return { kind: 'status', code: 503, reason: `service ${namespace}/${ref.name} has no port ${portLabel}` };
  const servers = readyAddresses(cluster.slicesByService.get(`${namespace}/${ref.name}`) ?? [], port.name ?? '');
  if (servers.length === 0) return { kind: 'status', code: 503, reason: `service ${namespace}/${ref.name} has no ready endpoints` };
  return { kind: 'upstream', upstream: { name: `${namespace}-${ref.name}-${portLabel}`, servers } };
}

function servicePort(service: Service, port: ServiceBackendPort | undefined): ServicePort | undefined {
  const ports = service.spec?.ports ?? [];
  if (port?.number !== undefined) return ports.find((p) => p.port === port.number);
  if (port?.name !== undefined) return ports.find((p) => p.name === port.name);
  return ports.length === 1 ? ports[0] : undefined;
}

/** `ip:port` of every ready IPv4 endpoint for the slice port named `portName`, deduplicated and sorted. */
export function readyAddresses(slices: readonly EndpointSlice[], portName: string): string[] {
  const out = new Set<string>();
  for (const slice of slices) {
    if ((slice.addressType ?? 'IPv4') !== 'IPv4') continue;
    const port = (slice.ports ?? []).find((p) => (p.name ?? '') === portName && (p.protocol ?? 'TCP') === 'TCP')?.port;
    if (port === undefined) continue;
    for (const e of slice.endpoints ?? []) {
      if (e.conditions?.ready === false) continue; // absent means ready (discovery/v1)
      for (const ip of e.addresses ?? []) out.add(`${ip}:${port}`);
    }
  }
  return [...out].sort(compareAddresses);
}

function compareAddresses(a: string, b: string): number {
  const n = (s: string) => s.split(/[.:]/).map(Number);
  const [x, y] = [n(a), n(b)];
  for (let i = 0; i < Math.max(x.length, y.length); i++) if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) - (y[i] ?? 0);
  return 0;
}
