// Services and Endpoints for the golden specs (iptables and nftables use the same ones).
import type { Endpoints, Service, ServicePort } from './model';

export function service(ns: string, name: string, clusterIP: string, ports: ServicePort[], extra: Partial<NonNullable<Service['spec']>> = {}): Service {
  return { apiVersion: 'v1', kind: 'Service', metadata: { namespace: ns, name }, spec: { clusterIP, ports, ...extra } };
}

export function endpoints(ns: string, name: string, ips: string[], ports: { name?: string; port: number; protocol?: string }[], notReady: string[] = []): Endpoints {
  return {
    apiVersion: 'v1', kind: 'Endpoints', metadata: { namespace: ns, name },
    subsets: [{ addresses: ips.map((ip) => ({ ip })), ...(notReady.length ? { notReadyAddresses: notReady.map((ip) => ({ ip })) } : {}), ports }],
  };
}

/** The seed's `hostnames` service: port 80 → 9376 on three pods. */
export const hostnames = {
  services: [service('default', 'hostnames', '10.96.0.50', [{ name: 'default', protocol: 'TCP', port: 80, targetPort: 9376 }])],
  // Listed out of order on purpose: rules come out sorted by endpoint address.
  endpoints: [endpoints('default', 'hostnames', ['10.244.1.3', '10.244.1.2', '10.244.1.4'], [{ name: 'default', port: 9376, protocol: 'TCP' }], ['10.244.1.5'])],
};

/** A NodePort service with ClientIP affinity and two endpoints. */
export const stickyNodePort = {
  services: [service('shop', 'web', '10.96.0.80', [{ name: 'http', port: 80, nodePort: 30080 }], { type: 'NodePort', sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 600 } } })],
  endpoints: [endpoints('shop', 'web', ['10.244.3.7', '10.244.2.5'], [{ name: 'http', port: 8080 }])],
};

/** A NodePort service with no endpoints, a UDP service, a headless and an ExternalName one. */
export const mixed = {
  services: [
    service('shop', 'empty', '10.96.0.90', [{ port: 80, nodePort: 30090 }], { type: 'NodePort' }),
    service('kube-system', 'kube-dns', '10.96.0.10', [{ name: 'dns', port: 53, protocol: 'UDP' }]),
    service('default', 'nginx', 'None', [{ name: 'web', port: 80 }]),
    service('default', 'external', '', [{ port: 443 }], { type: 'ExternalName' }),
  ],
  endpoints: [
    endpoints('kube-system', 'kube-dns', ['10.244.1.9'], [{ name: 'dns', port: 53, protocol: 'UDP' }, { name: 'dns-tcp', port: 53, protocol: 'TCP' }]),
    endpoints('default', 'nginx', ['10.244.1.20'], [{ name: 'web', port: 80 }]),
  ],
};

export const CONFIG = { clusterCIDR: '10.244.0.0/16' };
