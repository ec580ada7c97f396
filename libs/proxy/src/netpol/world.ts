// A small cluster for the NetworkPolicy specs: pods, namespaces and policy builders.
import type { NetworkPolicy, PolicyNamespace, PolicyPod } from './types';

export const pod = (ns: string, name: string, ip: string, labels: Record<string, string>, ports: { name: string; containerPort: number; protocol?: string }[] = [], nodeName = 'node-1'): PolicyPod => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { namespace: ns, name, labels },
  spec: { nodeName, containers: [{ name: 'c', ports }] }, status: { podIP: ip },
});
export const namespace = (name: string, labels: Record<string, string> = {}): PolicyNamespace => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { 'kubernetes.io/metadata.name': name, ...labels } } });
export const policy = (ns: string, name: string, spec: NetworkPolicy['spec']): NetworkPolicy => ({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { namespace: ns, name }, spec });

export const WEB = '10.244.1.10';
export const DB = '10.244.1.11';
export const CLIENT = '10.244.1.12';
export const OTHER = '10.244.1.13';
export const PROD_AGENT = '10.244.2.10';
export const DEV_AGENT = '10.244.2.11';
export const OUTSIDE = '192.168.5.5';
export const OUTSIDE_EXCEPTED = '192.168.5.77';

export const PODS = [
  pod('default', 'web', WEB, { app: 'web' }, [{ name: 'http', containerPort: 8080 }, { name: 'metrics', containerPort: 9090 }, { name: 'dns', containerPort: 53, protocol: 'UDP' }]),
  pod('default', 'db', DB, { app: 'db' }, [{ name: 'pg', containerPort: 5432 }]),
  pod('default', 'client', CLIENT, { role: 'client' }),
  pod('default', 'other', OTHER, { role: 'other' }),
  pod('prod', 'agent', PROD_AGENT, { app: 'agent' }, [], 'node-2'),
  pod('dev', 'agent', DEV_AGENT, { app: 'agent' }, [], 'node-2'),
];
export const NAMESPACES = [namespace('default'), namespace('prod', { team: 'a' }), namespace('dev', { team: 'b' })];

export const denyAllIngress = policy('default', 'deny-all', { podSelector: {}, policyTypes: ['Ingress'] });
