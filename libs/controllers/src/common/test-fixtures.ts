// Builders for the specs: objects shaped as the informers hold them, with only what a test varies.

import { Deployment, Pod, ReplicaSet } from './types';

export const NOW = new Date('2025-01-01T12:00:00Z');
export const ago = (seconds: number): string => new Date(NOW.getTime() - seconds * 1000).toISOString().replace('.000Z', 'Z');

export function replicaSet(name: string, replicas: number, extra: { uid?: string; labels?: Record<string, string>; minReadySeconds?: number; generation?: number; owner?: { uid: string; name: string }; annotations?: Record<string, string>; created?: number; status?: ReplicaSet['status']; deletionTimestamp?: string; template?: ReplicaSet['spec']['template'] } = {}): ReplicaSet {
  const labels = extra.labels ?? { app: 'web' };
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name,
      namespace: 'default',
      uid: extra.uid ?? `uid-${name}`,
      generation: extra.generation ?? 1,
      creationTimestamp: ago(extra.created ?? 3600),
      labels,
      ...(extra.annotations ? { annotations: extra.annotations } : {}),
      ...(extra.deletionTimestamp ? { deletionTimestamp: extra.deletionTimestamp } : {}),
      ...(extra.owner ? { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: extra.owner.name, uid: extra.owner.uid, controller: true, blockOwnerDeletion: true }] } : {}),
    },
    spec: {
      replicas,
      minReadySeconds: extra.minReadySeconds ?? 0,
      selector: { matchLabels: labels },
      template: extra.template ?? { metadata: { labels }, spec: { containers: [{ name: 'web', image: 'nginx:1' }] } },
    },
    status: extra.status ?? { replicas, fullyLabeledReplicas: replicas, readyReplicas: replicas, availableReplicas: replicas, observedGeneration: extra.generation ?? 1 },
  };
}

export interface PodShape {
  uid?: string;
  labels?: Record<string, string>;
  owner?: string | null;
  node?: string;
  phase?: NonNullable<Pod['status']>['phase'];
  ready?: boolean;
  readySince?: number;
  created?: number;
  restarts?: number;
  deleting?: boolean;
  annotations?: Record<string, string>;
}

/** A running, ready pod owned by ReplicaSet `owner` (its uid is `uid-<owner>`), unless told otherwise. */
export function pod(name: string, shape: PodShape = {}): Pod {
  const owner = shape.owner === undefined ? 'web' : shape.owner;
  const ready = shape.ready ?? true;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: 'default',
      uid: shape.uid ?? `uid-${name}`,
      creationTimestamp: ago(shape.created ?? 600),
      labels: shape.labels ?? { app: 'web' },
      ...(shape.annotations ? { annotations: shape.annotations } : {}),
      ...(shape.deleting ? { deletionTimestamp: ago(0) } : {}),
      ...(owner ? { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: owner, uid: `uid-${owner}`, controller: true, blockOwnerDeletion: true }] } : {}),
    },
    spec: { nodeName: shape.node ?? 'node-1', containers: [{ name: 'web', image: 'nginx:1' }] },
    status: {
      phase: shape.phase ?? 'Running',
      conditions: [{ type: 'Ready', status: ready ? 'True' : 'False', lastTransitionTime: ago(shape.readySince ?? 300) }],
      containerStatuses: [{ name: 'web', restartCount: shape.restarts ?? 0, ready }],
    },
  };
}

export function deployment(name: string, replicas: number, extra: Partial<Deployment['spec']> & { uid?: string; generation?: number; status?: Deployment['status']; annotations?: Record<string, string>; image?: string } = {}): Deployment {
  const { uid, generation, status, annotations, image, ...spec } = extra;
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'default', uid: uid ?? `uid-${name}`, generation: generation ?? 1, creationTimestamp: ago(7200), ...(annotations ? { annotations } : {}) },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'web', image: image ?? 'nginx:1' }] } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
      ...spec,
    },
    ...(status ? { status } : {}),
  };
}
