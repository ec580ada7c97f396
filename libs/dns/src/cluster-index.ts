// What the DNS server knows of the cluster: Services, the endpoints their EndpointSlices list,
// and pod IPs, indexed the ways lookups need them (by name, by IP). Fed object by object from
// informers (`set`/`remove`), so a change costs one object's worth of work, never a rebuild.
// Only what DNS needs is kept: a Service's type, clusterIP, ports and externalName; an
// endpoint's address, hostname, readiness and ports.

import type { KubeObject } from '@keelson/apimachinery';

export interface DnsPort { readonly name: string; readonly port: number; readonly protocol: string }

export interface DnsService {
  readonly namespace: string;
  readonly name: string;
  /** undefined for headless and ExternalName services */
  readonly clusterIP?: string;
  readonly headless: boolean;
  readonly externalName?: string;
  readonly ports: readonly DnsPort[];
}

export interface DnsEndpoint {
  readonly ip: string;
  readonly hostname?: string;
  /** conditions.ready; an absent condition means ready (discovery/v1) */
  readonly ready: boolean;
  readonly ports: readonly DnsPort[];
}

interface Slice extends KubeObject {
  addressType?: string;
  endpoints?: { addresses?: string[]; hostname?: string; conditions?: { ready?: boolean } }[];
  ports?: { name?: string; port?: number; protocol?: string }[];
}

interface ServiceObject extends KubeObject {
  spec?: { type?: string; clusterIP?: string; externalName?: string; ports?: { name?: string; port: number; protocol?: string }[] };
}

interface PodObject extends KubeObject {
  status?: { podIP?: string; podIPs?: { ip: string }[]; phase?: string };
}

const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
const keyOf = (ns: string | undefined, name: string | undefined) => `${ns ?? ''}/${name ?? ''}`;

export class ClusterIndex {
  private readonly services = new Map<string, DnsService>();
  private readonly servicesPerNamespace = new Map<string, number>();
  private readonly serviceByIP = new Map<string, DnsService>();
  /** slice key → (service key, its endpoints) */
  private readonly slices = new Map<string, { service: string; endpoints: DnsEndpoint[] }>();
  /** pod key → IP, and "namespace/IP" → how many pods have it */
  private readonly podIPs = new Map<string, string>();
  private readonly podsByIP = new Map<string, number>();
  /** bumped on every change: the SOA serial */
  serial = 1;

  setService(o: KubeObject): void {
    this.removeService(o);
    const s = toService(o as ServiceObject);
    const key = keyOf(s.namespace, s.name);
    this.services.set(key, s);
    this.servicesPerNamespace.set(s.namespace, (this.servicesPerNamespace.get(s.namespace) ?? 0) + 1);
    if (s.clusterIP) this.serviceByIP.set(s.clusterIP, s);
    this.serial++;
  }

  removeService(o: KubeObject): void {
    const key = keyOf(o.metadata.namespace, o.metadata.name);
    const old = this.services.get(key);
    if (!old) return;
    this.services.delete(key);
    const left = (this.servicesPerNamespace.get(old.namespace) ?? 1) - 1;
    if (left > 0) this.servicesPerNamespace.set(old.namespace, left);
    else this.servicesPerNamespace.delete(old.namespace);
    if (old.clusterIP && this.serviceByIP.get(old.clusterIP) === old) this.serviceByIP.delete(old.clusterIP);
    this.serial++;
  }

  setSlice(o: KubeObject): void {
    const slice = o as Slice;
    const service = slice.metadata.labels?.[SERVICE_NAME_LABEL];
    const key = keyOf(slice.metadata.namespace, slice.metadata.name);
    if (!service || (slice.addressType && slice.addressType !== 'IPv4')) return this.removeSlice(o);
    const ports = (slice.ports ?? []).filter((p) => p.port !== undefined).map((p) => ({ name: p.name ?? '', port: p.port!, protocol: p.protocol ?? 'TCP' }));
    const endpoints = (slice.endpoints ?? []).flatMap((e) => (e.addresses ?? []).map((ip) => ({ ip, ...(e.hostname ? { hostname: e.hostname } : {}), ready: e.conditions?.ready !== false, ports })));
    this.slices.set(key, { service: keyOf(slice.metadata.namespace, service), endpoints });
    this.serial++;
  }

  removeSlice(o: KubeObject): void {
    if (this.slices.delete(keyOf(o.metadata.namespace, o.metadata.name))) this.serial++;
  }

  setPod(o: KubeObject): void {
    const pod = o as PodObject;
    const phase = pod.status?.phase;
    const ip = phase === 'Succeeded' || phase === 'Failed' ? undefined : pod.status?.podIP;
    const key = keyOf(pod.metadata.namespace, pod.metadata.name);
    if (this.podIPs.get(key) === ip) return;
    this.removePod(o);
    if (!ip) return;
    this.podIPs.set(key, ip);
    const byIP = keyOf(pod.metadata.namespace, ip);
    this.podsByIP.set(byIP, (this.podsByIP.get(byIP) ?? 0) + 1);
    this.serial++;
  }

  removePod(o: KubeObject): void {
    const key = keyOf(o.metadata.namespace, o.metadata.name);
    const ip = this.podIPs.get(key);
    if (ip === undefined) return;
    this.podIPs.delete(key);
    const byIP = keyOf(o.metadata.namespace, ip);
    const left = (this.podsByIP.get(byIP) ?? 1) - 1;
    if (left > 0) this.podsByIP.set(byIP, left);
    else this.podsByIP.delete(byIP);
    this.serial++;
  }

  // ---- reads ----

  service(namespace: string, name: string): DnsService | undefined {
    return this.services.get(keyOf(namespace, name));
  }

  hasServicesIn(namespace: string): boolean {
    return this.servicesPerNamespace.has(namespace);
  }

  /** The endpoints of a Service across all its slices, each IP once (a pod moving between slices may show twice for a moment). */
  endpointsOf(namespace: string, name: string): DnsEndpoint[] {
    const service = keyOf(namespace, name);
    const seen = new Map<string, DnsEndpoint>();
    for (const s of this.slices.values()) {
      if (s.service !== service) continue;
      for (const e of s.endpoints) if (!seen.has(e.ip) || (e.ready && !seen.get(e.ip)!.ready)) seen.set(e.ip, e);
    }
    return [...seen.values()].sort((a, b) => a.ip.localeCompare(b.ip, 'en', { numeric: true }));
  }

  hasPod(namespace: string, ip: string): boolean {
    return this.podsByIP.has(keyOf(namespace, ip));
  }

  serviceWithIP(ip: string): DnsService | undefined {
    return this.serviceByIP.get(ip);
  }

  /** A headless Service's ready endpoint with this IP, for PTR. */
  headlessEndpointWithIP(ip: string): { service: DnsService; endpoint: DnsEndpoint } | undefined {
    for (const s of this.slices.values()) {
      const endpoint = s.endpoints.find((e) => e.ip === ip && e.ready);
      const service = endpoint && this.services.get(s.service);
      if (endpoint && service?.headless) return { service, endpoint };
    }
    return undefined;
  }
}

function toService(o: ServiceObject): DnsService {
  const spec = o.spec ?? {};
  const external = spec.type === 'ExternalName';
  const headless = !external && (spec.clusterIP === 'None' || !spec.clusterIP);
  return {
    namespace: o.metadata.namespace ?? '',
    name: o.metadata.name ?? '',
    ...(!external && !headless ? { clusterIP: spec.clusterIP } : {}),
    headless,
    ...(external && spec.externalName ? { externalName: spec.externalName.replace(/\.$/, '') } : {}),
    ports: (spec.ports ?? []).map((p) => ({ name: p.name ?? '', port: p.port, protocol: p.protocol ?? 'TCP' })),
  };
}
