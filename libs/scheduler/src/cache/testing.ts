import type { KubeObject } from '@keelson/apimachinery';
import { podInfoOf } from '../framework/info';
import type { PodInfo } from '../framework/types';

export function testNode(name: string, allocatable: Record<string, string> = { cpu: '4', memory: '8Gi', pods: '110' }, labels: Record<string, string> = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'Node', metadata: { name, labels }, spec: {}, status: { allocatable } };
}

/** A pod requesting `cpu`, bound to `nodeName` when given (as the log shows it once bound). */
export function testPod(name: string, opts: { cpu?: string; nodeName?: string; priority?: number; labels?: Record<string, string>; hostPort?: number } = {}): PodInfo {
  const container: Record<string, unknown> = { name: 'c', image: 'busybox', resources: { requests: opts.cpu ? { cpu: opts.cpu } : {} } };
  if (opts.hostPort) container.ports = [{ containerPort: 80, hostPort: opts.hostPort }];
  return podInfoOf({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', uid: `uid-${name}`, labels: opts.labels ?? {} },
    spec: { containers: [container], priority: opts.priority ?? 0, ...(opts.nodeName ? { nodeName: opts.nodeName } : {}) },
  });
}

/** The pod as the log shows it after binding: same object with spec.nodeName. */
export function bound(p: PodInfo, nodeName: string): PodInfo {
  return podInfoOf({ ...p.pod, spec: { ...(p.pod.spec as object), nodeName } });
}
