import { controllerRef, POD_REVISION_LABEL } from '../history';
import type { PersistentVolumeClaim, Pod, PodTemplate, StatefulSet, Volume } from './types';

// A StatefulSet pod's identity is its ordinal: the name `<set>-<ordinal>`, the hostname equal
// to that name and the subdomain equal to the headless Service, so that
// `web-0.nginx.default.svc.cluster.local` always resolves to whichever pod is web-0 now; and the
// claims `<template>-<set>-<ordinal>` it mounts, which outlive it (stateful_set_utils.go).

export const POD_NAME_LABEL = 'statefulset.kubernetes.io/pod-name';
export const POD_INDEX_LABEL = 'apps.kubernetes.io/pod-index';

const ORDINAL = /^(.*)-([0-9]+)$/;

/** getParentNameAndOrdinal: "web-12" → ["web", 12]; a name without a numeric suffix → ["", -1]. */
export function parentAndOrdinal(name: string): [string, number] {
  const m = ORDINAL.exec(name);
  if (!m) return ['', -1];
  const ordinal = Number(m[2]);
  return [m[1], ordinal <= 0x7fffffff ? ordinal : -1];
}

export const ordinalOf = (pod: Pod): number => parentAndOrdinal(pod.metadata.name ?? '')[1];
export const isMemberOf = (set: StatefulSet, pod: Pod): boolean => parentAndOrdinal(pod.metadata.name ?? '')[0] === set.metadata.name;
export const podName = (set: StatefulSet, ordinal: number): string => `${set.metadata.name}-${ordinal}`;
export const claimName = (set: StatefulSet, template: PersistentVolumeClaim, ordinal: number): string => `${template.metadata.name}-${set.metadata.name}-${ordinal}`;
export const podRevision = (pod: Pod): string => pod.metadata.labels?.[POD_REVISION_LABEL] ?? '';

/** The claims a pod at `ordinal` mounts, keyed by template (= volume) name: labels are the template's plus the selector's matchLabels. */
export function claimsFor(set: StatefulSet, ordinal: number): Map<string, PersistentVolumeClaim> {
  const claims = new Map<string, PersistentVolumeClaim>();
  for (const t of set.spec.volumeClaimTemplates ?? []) {
    const { status: _status, ...template } = t;
    claims.set(t.metadata.name ?? '', {
      ...template,
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: {
        ...t.metadata,
        name: claimName(set, t, ordinal),
        namespace: set.metadata.namespace,
        labels: { ...t.metadata.labels, ...set.spec.selector?.matchLabels },
      },
    });
  }
  return claims;
}

/** identityMatches: the name fits the set and ordinal and the pod-name label says so. */
export function identityMatches(set: StatefulSet, pod: Pod): boolean {
  const [parent, ordinal] = parentAndOrdinal(pod.metadata.name ?? '');
  return (
    ordinal >= 0 &&
    parent === set.metadata.name &&
    pod.metadata.namespace === set.metadata.namespace &&
    pod.metadata.labels?.[POD_NAME_LABEL] === pod.metadata.name
  );
}

/** storageMatches: every volumeClaimTemplate is a volume of that name using this ordinal's claim. */
export function storageMatches(set: StatefulSet, pod: Pod): boolean {
  const ordinal = ordinalOf(pod);
  if (ordinal < 0) return false;
  const volumes = new Map((pod.spec?.volumes ?? []).map((v) => [v.name, v]));
  return (set.spec.volumeClaimTemplates ?? []).every(
    (t) => volumes.get(t.metadata.name ?? '')?.persistentVolumeClaim?.claimName === claimName(set, t, ordinal),
  );
}

/** updateIdentity: the labels that name the pod (hostname/subdomain are set only at creation: they are immutable). */
export function withIdentity(set: StatefulSet, pod: Pod): Pod {
  const ordinal = ordinalOf(pod);
  return {
    ...pod,
    metadata: { ...pod.metadata, namespace: set.metadata.namespace, labels: { ...pod.metadata.labels, [POD_NAME_LABEL]: pod.metadata.name ?? '', [POD_INDEX_LABEL]: String(ordinal) } },
  };
}

/** updateStorage: a claim volume per template, then the pod's own volumes of other names. */
export function withStorage(set: StatefulSet, pod: Pod): Pod {
  const claims = claimsFor(set, ordinalOf(pod));
  const volumes: Volume[] = [...claims].map(([name, claim]) => ({ name, persistentVolumeClaim: { claimName: claim.metadata.name ?? '' } }));
  for (const v of pod.spec?.volumes ?? []) if (!claims.has(v.name)) volumes.push(v);
  return { ...pod, spec: { ...pod.spec, volumes } };
}

/**
 * newStatefulSetPod at a revision: the template's metadata and spec, owned by the set, with
 * identity, storage and the revision label. Worked example — set "web", serviceName "nginx",
 * template "www", ordinal 0: pod "web-0", hostname "web-0", subdomain "nginx", volume "www" →
 * claim "www-web-0", labels pod-name=web-0, pod-index=0, controller-revision-hash=web-<hash>.
 */
export function newPod(set: StatefulSet, template: PodTemplate, ordinal: number, revision: string): Pod {
  const name = podName(set, ordinal);
  const meta = template.metadata ?? {};
  const pod: Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: set.metadata.namespace,
      labels: { ...meta.labels, [POD_REVISION_LABEL]: revision },
      ...(meta.annotations ? { annotations: { ...meta.annotations } } : {}),
      ...(meta.finalizers ? { finalizers: [...meta.finalizers] } : {}),
      ownerReferences: [controllerRef(set)],
    },
    spec: { ...template.spec, hostname: name, subdomain: set.spec.serviceName ?? '' },
  };
  return withStorage(set, withIdentity(set, pod));
}
