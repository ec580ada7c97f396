// Services and pods for the Endpoints and EndpointSlice specs.
import type { Pod, Service, ServicePort } from './endpoints';

export const service = (extra: { ports?: ServicePort[]; headless?: boolean; publishNotReady?: boolean; selector?: Record<string, string> | null } = {}): Service => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'web', namespace: 'default', uid: 'uid-svc', labels: { app: 'web' } },
  spec: {
    ...(extra.selector === null ? {} : { selector: extra.selector ?? { app: 'web' } }),
    ports: extra.ports ?? [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }],
    clusterIP: extra.headless ? 'None' : '10.96.0.10',
    ...(extra.publishNotReady ? { publishNotReadyAddresses: true } : {}),
  },
});
export const pod = (name: string, ip: string, extra: { ready?: boolean; deleting?: boolean; containerPort?: number; hostname?: string; phase?: string; labels?: Record<string, string> } = {}): Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'default', uid: `uid-${name}`, labels: extra.labels ?? { app: 'web' }, ...(extra.deleting ? { deletionTimestamp: '2025-01-01T12:00:00Z' } : {}) },
  spec: { nodeName: 'n1', containers: [{ name: 'nginx', ports: [{ name: 'http', containerPort: extra.containerPort ?? 8080 }] }], ...(extra.hostname ? { hostname: extra.hostname, subdomain: 'web' } : {}) },
  status: { phase: extra.phase ?? 'Running', podIP: ip, conditions: [{ type: 'Ready', status: extra.ready === false ? 'False' : 'True' }] },
});
export const ref = (name: string) => ({ kind: 'Pod' as const, namespace: 'default', name, uid: `uid-${name}` });
