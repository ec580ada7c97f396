// Builders for specs: a pod in a namespace with a uid, and runtime observations of it.
import { containerHash } from './hash';
import type { Container, ObservedContainer, ObservedPod, Pod } from './types';

export const T0 = Date.parse('2024-05-01T10:00:00Z');

export function makePod(spec: Partial<NonNullable<Pod['spec']>> = {}, meta: Partial<NonNullable<Pod['metadata']>> = {}): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web-0', namespace: 'default', uid: 'uid-1', ...meta },
    spec: { containers: [{ name: 'app', image: 'nginx:1.25' }], nodeName: 'node-a', ...spec },
  };
}

export function container(name: string, extra: Partial<Container> = {}): Container {
  return { name, image: 'busybox:1.36', ...extra };
}

/** An observed instance of the pod's container (init or app) with a matching hash. */
export function observedOf(pod: Pod, name: string, state: ObservedContainer['state'], extra: Partial<ObservedContainer> = {}): ObservedContainer {
  const spec = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])].find((c) => c.name === name);
  if (!spec) throw new Error(`no container ${name}`);
  const exited = state === 'exited';
  return {
    name,
    id: `${name}-id`,
    state,
    restartCount: 0,
    hash: containerHash(spec),
    image: spec.image,
    startedAt: state === 'created' ? undefined : T0,
    ...(exited ? { exitCode: 0, finishedAt: T0 + 5_000 } : {}),
    ...extra,
  };
}

export function observed(containers: ObservedContainer[] = [], sandbox: ObservedPod['sandbox'] = { id: 'sb-1', state: 'ready', ip: '10.244.0.5' }): ObservedPod {
  return { sandbox, containers };
}
