import type { ControllerRevision } from '../history';
import { reconcile } from './reconcile';
import type { PersistentVolumeClaim, Pod, StatefulSet, StatefulSetAction, StatefulSetSpec } from './types';

// Test fixtures: the seed's `web` StatefulSet and a small in-memory cluster that applies a
// sync's actions the way the shell and the API server would, so specs can run several syncs.

export const T0 = new Date('2025-01-01T10:00:00Z');

export function web(spec: Partial<StatefulSetSpec> = {}): StatefulSet {
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'web', namespace: 'default', uid: 'web-uid', generation: 1 },
    spec: {
      serviceName: 'nginx',
      replicas: 2,
      selector: { matchLabels: { app: 'nginx' } },
      template: { metadata: { labels: { app: 'nginx' } }, spec: { containers: [{ name: 'nginx', image: 'nginx:1.25', volumeMounts: [{ name: 'www', mountPath: '/usr/share/nginx/html' }] }] } },
      volumeClaimTemplates: [{ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'www' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
      ...spec,
    },
  };
}

export const withImage = (set: StatefulSet, image: string): StatefulSet => ({
  ...set,
  metadata: { ...set.metadata, generation: (set.metadata.generation ?? 1) + 1 },
  spec: { ...set.spec, template: { ...set.spec.template, spec: { ...set.spec.template.spec, containers: [{ name: 'nginx', image }] } } },
});

export function ready(pod: Pod, since = T0): Pod {
  return { ...pod, status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: since.toISOString() }] } };
}

export const withPhase = (pod: Pod, phase: string): Pod => ({ ...pod, status: { phase } });

export const ofType = <K extends StatefulSetAction['type']>(actions: readonly StatefulSetAction[], type: K) =>
  actions.filter((a): a is Extract<StatefulSetAction, { type: K }> => a.type === type);

/** A cluster of one set: apply() does what the API server would do with each action. */
export class World {
  pods = new Map<string, Pod>();
  claims = new Map<string, PersistentVolumeClaim>();
  revisions = new Map<string, ControllerRevision>();
  private uid = 0;

  constructor(public set: StatefulSet) {}

  get observed() {
    return { pods: [...this.pods.values()], claims: [...this.claims.values()], revisions: [...this.revisions.values()] };
  }

  sync(now = T0): StatefulSetAction[] {
    const actions = reconcile(this.set, this.observed, now);
    this.apply(actions, now);
    return actions;
  }

  apply(actions: readonly StatefulSetAction[], now = T0): void {
    const meta = (m: { name?: string }) => ({ ...m, uid: `uid-${++this.uid}`, creationTimestamp: now.toISOString() });
    for (const a of actions) {
      switch (a.type) {
        case 'createPod':
          this.pods.set(a.pod.metadata.name ?? '', { ...a.pod, metadata: meta(a.pod.metadata), status: { phase: 'Pending' } });
          break;
        case 'updatePod':
          this.pods.set(a.pod.metadata.name ?? '', a.pod);
          break;
        case 'deletePod':
          this.pods.delete(a.name);
          break;
        case 'createPvc':
          this.claims.set(a.claim.metadata.name ?? '', { ...a.claim, metadata: meta(a.claim.metadata) });
          break;
        case 'updatePvc': {
          const c = this.claims.get(a.name) as PersistentVolumeClaim;
          this.claims.set(a.name, { ...c, metadata: { ...c.metadata, ownerReferences: a.ownerReferences } });
          break;
        }
        case 'createControllerRevision':
          this.revisions.set(a.revision.metadata.name, { ...a.revision, metadata: { ...meta(a.revision.metadata), name: a.revision.metadata.name } });
          break;
        case 'updateControllerRevision': {
          const r = this.revisions.get(a.name) as ControllerRevision;
          this.revisions.set(a.name, { ...r, revision: a.revision });
          break;
        }
        case 'deleteControllerRevision':
          this.revisions.delete(a.name);
          break;
        case 'updateStatus':
          this.set = { ...this.set, status: a.status };
          break;
        case 'requeueAfter':
          break;
        default: {
          const never: never = a;
          throw new Error(`unknown action ${JSON.stringify(never)}`);
        }
      }
    }
  }

  /** Marks every pod Running and Ready, as the kubelet would. */
  allReady(since = T0): void {
    for (const [name, pod] of this.pods) this.pods.set(name, ready(pod, since));
  }

  markReady(name: string, since = T0): void {
    this.pods.set(name, ready(this.pods.get(name) as Pod, since));
  }
}
