// A small cluster for the DNS specs: the seed's StatefulSet web behind the headless Service
// nginx, the seed's hostnames Service, an ExternalName Service and the kube-dns Service.
import type { KubeObject } from '@keelson/apimachinery';
import { ClusterIndex } from './cluster-index';
import type { ZoneOptions } from './records';

export const ZONE: ZoneOptions = { zone: 'cluster.local', dnsIP: '10.96.0.10', ttl: 5, reverseCIDRs: ['10.96.0.0/12', '10.244.0.0/16'] };

const meta = (namespace: string, name: string, labels?: Record<string, string>) => ({ namespace, name, uid: `uid-${name}`, ...(labels ? { labels } : {}) });

export const service = (ns: string, name: string, spec: Record<string, unknown>): KubeObject => ({ apiVersion: 'v1', kind: 'Service', metadata: meta(ns, name), spec });

export const slice = (ns: string, service: string, name: string, ports: { name: string; port: number; protocol?: string }[], endpoints: { ip: string; hostname?: string; ready?: boolean }[]): KubeObject => ({
  apiVersion: 'discovery.k8s.io/v1',
  kind: 'EndpointSlice',
  metadata: meta(ns, name, { 'kubernetes.io/service-name': service }),
  addressType: 'IPv4',
  ports: ports.map((p) => ({ protocol: 'TCP', ...p })),
  endpoints: endpoints.map((e) => ({ addresses: [e.ip], ...(e.hostname ? { hostname: e.hostname } : {}), conditions: { ready: e.ready ?? true } })),
});

export const pod = (ns: string, name: string, ip: string, phase = 'Running'): KubeObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: meta(ns, name), status: { phase, podIP: ip } });

export function seedCluster(): ClusterIndex {
  const index = new ClusterIndex();
  index.setService(service('default', 'hostnames', { clusterIP: '10.96.0.50', ports: [{ name: 'http', port: 80, protocol: 'TCP' }, { port: 81, protocol: 'TCP' }] }));
  index.setService(service('default', 'nginx', { clusterIP: 'None', ports: [{ name: 'web', port: 80, protocol: 'TCP' }] }));
  index.setService(service('default', 'db', { type: 'ExternalName', externalName: 'db.example.com' }));
  index.setService(service('kube-system', 'kube-dns', { clusterIP: '10.96.0.10', ports: [{ name: 'dns', port: 53, protocol: 'UDP' }, { name: 'dns-tcp', port: 53, protocol: 'TCP' }] }));
  index.setSlice(slice('default', 'hostnames', 'hostnames-abc', [{ name: 'http', port: 9376 }], [{ ip: '10.244.1.3' }, { ip: '10.244.2.3' }]));
  index.setSlice(slice('default', 'nginx', 'nginx-abc', [{ name: 'web', port: 80 }], [
    { ip: '10.244.1.5', hostname: 'web-0' },
    { ip: '10.244.2.7', hostname: 'web-1' },
    { ip: '10.244.1.9', hostname: 'web-2', ready: false },
    { ip: '10.244.2.8' },
  ]));
  for (const [name, ip] of [['web-0', '10.244.1.5'], ['web-1', '10.244.2.7'], ['web-2', '10.244.1.9']]) index.setPod(pod('default', name, ip));
  return index;
}
