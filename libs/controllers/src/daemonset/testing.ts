import type { ControllerRevision } from '../history';
import { reconcile } from './reconcile';
import type { DaemonSet, DaemonSetAction, DaemonSetSpec, Node, Pod, Taint } from './types';

// Fixtures: the seed's fluentd-elasticsearch DaemonSet and a cluster that applies actions the
// way the shell, API server and scheduler would (a created pod is bound to its node).

export const T0 = new Date('2025-01-01T10:00:00Z');

export function fluentd(spec: Partial<DaemonSetSpec> = {}): DaemonSet {
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: 'fluentd', namespace: 'kube-system', uid: 'ds-uid', generation: 1 },
    spec: {
      selector: { matchLabels: { name: 'fluentd-elasticsearch' } },
      template: { metadata: { labels: { name: 'fluentd-elasticsearch' } }, spec: { containers: [{ name: 'fluentd', image: 'fluentd:1' }] } },
      ...spec,
    },
  };
}

export const node = (name: string, taints: Taint[] = [], labels: Record<string, string> = {}): Node => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name, labels: { 'kubernetes.io/hostname': name, ...labels } },
  spec: { taints },
});

export const withImage = (ds: DaemonSet, image: string): DaemonSet => ({
  ...ds,
  metadata: { ...ds.metadata, generation: (ds.metadata.generation ?? 1) + 1 },
  spec: { ...ds.spec, template: { ...ds.spec.template, spec: { ...ds.spec.template.spec, containers: [{ name: 'fluentd', image }] } } },
});

export const ofType = <K extends DaemonSetAction['type']>(actions: readonly DaemonSetAction[], type: K) =>
  actions.filter((a): a is Extract<DaemonSetAction, { type: K }> => a.type === type);

export class Cluster {
  pods = new Map<string, Pod>();
  revisions = new Map<string, ControllerRevision>();
  private n = 0;

  constructor(
    public ds: DaemonSet,
    public nodes: Node[],
  ) {}

  get observed() {
    return { nodes: this.nodes, pods: [...this.pods.values()], revisions: [...this.revisions.values()] };
  }

  sync(now = T0): DaemonSetAction[] {
    const actions = reconcile(this.ds, this.observed, now);
    this.apply(actions, now);
    return actions;
  }

  apply(actions: readonly DaemonSetAction[], now = T0): void {
    for (const a of actions) {
      switch (a.type) {
        case 'createPod': {
          const name = `${a.pod.metadata.generateName}${++this.n}`;
          const created = new Date(now.getTime() + this.n).toISOString();
          this.pods.set(name, { ...a.pod, metadata: { ...a.pod.metadata, name, uid: `pod-${this.n}`, creationTimestamp: created }, spec: { ...a.pod.spec, nodeName: a.nodeName }, status: { phase: 'Pending' } });
          break;
        }
        case 'updatePod':
          this.pods.set(a.pod.metadata.name ?? '', a.pod);
          break;
        case 'deletePod':
          this.pods.delete(a.name);
          break;
        case 'createControllerRevision':
          this.revisions.set(a.revision.metadata.name, { ...a.revision, metadata: { ...a.revision.metadata, creationTimestamp: now.toISOString() } });
          break;
        case 'updateControllerRevision':
          this.revisions.set(a.name, { ...(this.revisions.get(a.name) as ControllerRevision), revision: a.revision });
          break;
        case 'deleteControllerRevision':
          this.revisions.delete(a.name);
          break;
        case 'updateStatus':
          this.ds = { ...this.ds, status: a.status };
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

  allReady(since = T0): void {
    for (const [name, pod] of this.pods) if (pod.status?.phase !== 'Running') this.pods.set(name, ready(pod, since));
  }

  podsOn(nodeName: string): Pod[] {
    return [...this.pods.values()].filter((p) => p.spec?.nodeName === nodeName);
  }
}

export const ready = (pod: Pod, since = T0): Pod => ({ ...pod, status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: since.toISOString() }] } });
