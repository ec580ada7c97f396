// The kube-dns Service, as k3s and kubeadm make it: kube-system/kube-dns at the well-known
// ClusterIP 10.96.0.10 with ports 53/UDP "dns" and 53/TCP "dns-tcp". Keelson's DNS server is no
// pod: it runs in the root namespace on the underlay's host address, so the Service has no
// selector and the DNS app writes its Endpoints and EndpointSlice itself, pointing at that
// address. Each node's service rules then carry 10.96.0.10 from pods to the server.

import { isDeepStrictEqual } from 'node:util';
import type { KubeObject } from '@keelson/apimachinery';

export const KUBE_DNS = { namespace: 'kube-system', name: 'kube-dns' } as const;
/** The apiserver's allocator hands it out only to whoever asks for it by name (its DNS_SERVICE_IP). */
export const KUBE_DNS_CLUSTER_IP = '10.96.0.10';
export const KUBE_DNS_SLICE = 'kube-dns-keelson';
/** Who manages the slice: not the endpointslice controller (the Service has no selector). */
export const KUBE_DNS_MANAGED_BY = 'keelson-dns';

export interface KubeDnsOptions {
  /** the ClusterIP, 10.96.0.10 */
  readonly clusterIP: string;
  /** where the server listens for pods, 172.31.0.254 */
  readonly address: string;
  readonly port: number;
}

const LABELS = { 'k8s-app': 'kube-dns', 'kubernetes.io/cluster-service': 'true', 'kubernetes.io/name': 'KubeDNS' };
const PORTS = [
  { name: 'dns', protocol: 'UDP' },
  { name: 'dns-tcp', protocol: 'TCP' },
];

export function kubeDnsService(o: KubeDnsOptions): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { ...KUBE_DNS, labels: LABELS },
    spec: { type: 'ClusterIP', clusterIP: o.clusterIP, ports: PORTS.map((p) => ({ ...p, port: 53, targetPort: o.port })) },
  };
}

export function kubeDnsEndpoints(o: KubeDnsOptions): KubeObject {
  return { apiVersion: 'v1', kind: 'Endpoints', metadata: { ...KUBE_DNS, labels: LABELS }, subsets: [{ addresses: [{ ip: o.address }], ports: PORTS.map((p) => ({ ...p, port: o.port })) }] } as KubeObject;
}

/** @param serviceUid the Service's uid: the slice is owned by it, and goes with it. */
export function kubeDnsEndpointSlice(o: KubeDnsOptions, serviceUid: string): KubeObject {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      namespace: KUBE_DNS.namespace,
      name: KUBE_DNS_SLICE,
      labels: { ...LABELS, 'kubernetes.io/service-name': KUBE_DNS.name, 'endpointslice.kubernetes.io/managed-by': KUBE_DNS_MANAGED_BY },
      ownerReferences: [{ apiVersion: 'v1', kind: 'Service', name: KUBE_DNS.name, uid: serviceUid, controller: true, blockOwnerDeletion: true }],
    },
    addressType: 'IPv4',
    endpoints: [{ addresses: [o.address], conditions: { ready: true, serving: true, terminating: false } }],
    ports: PORTS.map((p) => ({ ...p, port: o.port })),
  } as KubeObject;
}

/** Whether a stored object already says what `want` says (its top-level fields besides metadata). */
export function upToDate(have: KubeObject, want: KubeObject): boolean {
  const h = have as unknown as Record<string, unknown>;
  return Object.entries(want).every(([k, v]) => k === 'metadata' || isDeepStrictEqual(h[k], v));
}
