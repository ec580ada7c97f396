// What the proxy needs from Services and Endpoints, flattened to one entry per service port
// (kube-proxy's ServicePort + its endpoints). Both rule generators read only this, so the
// iptables and nftables modes agree on which ports exist and which endpoints back them.

import type { KubeObject } from '@keelson/apimachinery';

export interface ServicePort { name?: string; port: number; protocol?: string; nodePort?: number; targetPort?: number | string }
export interface Service extends KubeObject {
  spec?: {
    type?: string;
    clusterIP?: string;
    ports?: ServicePort[];
    sessionAffinity?: string;
    sessionAffinityConfig?: { clientIP?: { timeoutSeconds?: number } };
  };
}
export interface EndpointAddress { ip: string; nodeName?: string }
export interface EndpointPort { name?: string; port: number; protocol?: string }
export interface EndpointSubset { addresses?: EndpointAddress[]; notReadyAddresses?: EndpointAddress[]; ports?: EndpointPort[] }
export interface Endpoints extends KubeObject { subsets?: EndpointSubset[] }

export type Protocol = 'tcp' | 'udp' | 'sctp';
export interface Endpoint { readonly ip: string; readonly port: number }

export interface ServicePortInfo {
  /** `ns/name:port`, or `ns/name` for an unnamed port (proxy.ServicePortName.String()). */
  readonly name: string;
  readonly namespace: string;
  readonly service: string;
  readonly portName: string;
  readonly protocol: Protocol;
  readonly clusterIP: string;
  readonly port: number;
  readonly nodePort?: number;
  /** Seconds of ClientIP stickiness; absent when sessionAffinity is None. */
  readonly affinitySeconds?: number;
  /** Ready endpoints, sorted by ip then port so that equal inputs give equal rules. */
  readonly endpoints: readonly Endpoint[];
}

/** The default of `sessionAffinityConfig.clientIP.timeoutSeconds`: three hours. */
export const DEFAULT_AFFINITY_SECONDS = 10800;

export interface ProxyConfig {
  /** Traffic to a ClusterIP from outside this range is masqueraded (kube-proxy's --cluster-cidr). */
  readonly clusterCIDR: string;
  /** kube-proxy's --iptables-masquerade-bit 14 → mark 0x4000. */
  readonly masqueradeMark?: string;
}

export const servicePortName = (namespace: string, service: string, port: string): string =>
  `${namespace}/${service}${port ? `:${port}` : ''}`;

const protocolOf = (p: string | undefined): Protocol => {
  const lower = (p ?? 'TCP').toLowerCase();
  if (lower === 'tcp' || lower === 'udp' || lower === 'sctp') return lower;
  throw new Error(`unsupported protocol ${p}`);
};

const endpointKey = (e: Endpoint): string => `${e.ip}:${e.port}`;
/** Address then port as one number, so sorting 50,000 endpoints does not split strings per comparison. */
function sortKey(e: Endpoint): number {
  let address = 0;
  let octet = 0;
  for (let i = 0; i < e.ip.length; i++) {
    const c = e.ip.charCodeAt(i);
    if (c === 46 /* . */) {
      address = address * 256 + octet;
      octet = 0;
    } else octet = octet * 10 + (c - 48);
  }
  return (address * 256 + octet) * 65536 + e.port;
}
const sortEndpoints = (eps: Iterable<Endpoint>): Endpoint[] =>
  [...eps].map((e) => ({ e, key: sortKey(e) })).sort((a, b) => a.key - b.key).map(({ e }) => e);

/**
 * Every proxied service port: headless services (`clusterIP: None`), services without a
 * ClusterIP and ExternalName services are skipped, as kube-proxy does. An Endpoints port
 * backs the service port of the same name and protocol; only ready addresses are used.
 */
export function servicePorts(services: readonly Service[], endpoints: readonly Endpoints[]): ServicePortInfo[] {
  return new ServicePorts().ports(services, endpoints);
}

/**
 * servicePorts that remembers each Service's ports along with the Service and Endpoints
 * objects they came from. An informer hands back the same objects until they change, so after
 * an Endpoints event one service is recomputed and every other port is the same object as
 * before, which PortMemo (memo.ts) then recognises without looking inside.
 */
export class ServicePorts {
  private cache = new WeakMap<Service, { endpoints: Endpoints | undefined; ports: ServicePortInfo[] }>();

  ports(services: readonly Service[], endpoints: readonly Endpoints[]): ServicePortInfo[] {
    const byService = new Map<string, Endpoints>();
    for (const e of endpoints) byService.set(`${e.metadata.namespace}/${e.metadata.name}`, e);
    const result: ServicePortInfo[] = [];
    for (const svc of services) {
      const eps = byService.get(`${svc.metadata.namespace ?? 'default'}/${svc.metadata.name ?? ''}`);
      let entry = this.cache.get(svc);
      if (!entry || entry.endpoints !== eps) this.cache.set(svc, (entry = { endpoints: eps, ports: portsOf(svc, eps) }));
      result.push(...entry.ports);
    }
    return result.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.protocol < b.protocol ? -1 : a.protocol > b.protocol ? 1 : 0));
  }
}

/** One Service's proxied ports with their ready endpoints. */
function portsOf(svc: Service, eps: Endpoints | undefined): ServicePortInfo[] {
  const spec = svc.spec ?? {};
  if (spec.type === 'ExternalName' || !spec.clusterIP || spec.clusterIP === 'None') return [];
  const namespace = svc.metadata.namespace ?? 'default';
  const name = svc.metadata.name ?? '';
  const clientIP = spec.sessionAffinity === 'ClientIP';
  return (spec.ports ?? []).map((sp) => {
    const protocol = protocolOf(sp.protocol);
    const seen = new Map<string, Endpoint>();
    for (const subset of eps?.subsets ?? []) {
      for (const ep of subset.ports ?? []) {
        if ((ep.name ?? '') !== (sp.name ?? '') || protocolOf(ep.protocol) !== protocol || !(ep.port > 0)) continue;
        for (const a of subset.addresses ?? []) if (a.ip) seen.set(endpointKey({ ip: a.ip, port: ep.port }), { ip: a.ip, port: ep.port });
      }
    }
    const nodePort = (spec.type === 'NodePort' || spec.type === 'LoadBalancer') && sp.nodePort ? sp.nodePort : undefined;
    return {
      name: servicePortName(namespace, name, sp.name ?? ''),
      namespace, service: name, portName: sp.name ?? '', protocol,
      clusterIP: spec.clusterIP!, port: sp.port,
      ...(nodePort ? { nodePort } : {}),
      ...(clientIP ? { affinitySeconds: spec.sessionAffinityConfig?.clientIP?.timeoutSeconds ?? DEFAULT_AFFINITY_SECONDS } : {}),
      endpoints: sortEndpoints(seen.values()),
    };
  });
}

/**
 * The probability for the i-th of n endpoints (0-based) as kube-proxy prints it (`%0.10f`):
 * rules are tried in order, so the i-th one must win 1/(n-i) of what reaches it.
 * Worked example, n = 3: 1/3 → 0.3333333333; of the 2/3 left, 1/2 → 0.5000000000; the last
 * takes the rest (probability 1, so kube-proxy writes no statistic match for it). Each ends
 * up with 1/3: 1/3, (2/3)·(1/2), (2/3)·(1/2)·1.
 */
export const probability = (n: number, i: number): string => (1 / (n - i)).toFixed(10);
