import { controllerRef, POD_REVISION_LABEL } from '../history';
import { daemonTolerations } from './eligibility';
import type { Affinity, DaemonSet, Pod } from './types';

// Daemon pods are not bound by the controller: since Kubernetes 1.12 each one carries a
// required node affinity for exactly its node and the default scheduler binds it, so resource
// fit, ports and preemption apply to daemons like to any pod.

/** The annotation the API server keeps on a DaemonSet counting template changes (deprecated, honoured when present). */
export const TEMPLATE_GENERATION_ANNOTATION = 'deprecated.daemonset.template.generation';
export const POD_TEMPLATE_GENERATION_LABEL = 'pod-template-generation';

export const templateGeneration = (ds: DaemonSet): string | undefined => ds.metadata.annotations?.[TEMPLATE_GENERATION_ANNOTATION];

/**
 * ReplaceDaemonSetPodNodeNameNodeAffinity: the required node affinity becomes the single term
 * `matchFields metadata.name In [node]`. The template's own required terms are dropped — the
 * controller already checked them against this node — preferred terms and pod (anti-)affinity stay.
 */
export function nodeNameAffinity(affinity: Affinity | undefined, nodeName: string): Affinity {
  const required = { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: [nodeName] }] }] };
  return { ...affinity, nodeAffinity: { ...affinity?.nodeAffinity, requiredDuringSchedulingIgnoredDuringExecution: required } };
}

/** GetTargetNodeName: the node a pod is bound to, or else the one its metadata.name affinity names. */
export function targetNodeName(pod: Pod): string | undefined {
  if (pod.spec?.nodeName) return pod.spec.nodeName;
  for (const term of pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? []) {
    for (const f of term.matchFields ?? []) {
      if (f.key === 'metadata.name' && f.operator === 'In') return f.values?.length === 1 ? f.values[0] : undefined;
    }
  }
  return undefined;
}

/**
 * The pod for one node (CreatePodTemplate + GetPodFromTemplate): the template with the default
 * daemon tolerations, the revision hash label, the node affinity, `generateName: <ds>-`, and the
 * DaemonSet as controller.
 */
export function newDaemonPod(ds: DaemonSet, nodeName: string, hash: string): Pod {
  const template = ds.spec.template;
  const meta = template.metadata ?? {};
  const generation = templateGeneration(ds);
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      generateName: `${ds.metadata.name}-`,
      namespace: ds.metadata.namespace,
      labels: { ...meta.labels, ...(generation !== undefined ? { [POD_TEMPLATE_GENERATION_LABEL]: generation } : {}), [POD_REVISION_LABEL]: hash },
      ...(meta.annotations ? { annotations: { ...meta.annotations } } : {}),
      ...(meta.finalizers ? { finalizers: [...meta.finalizers] } : {}),
      ownerReferences: [controllerRef(ds)],
    },
    spec: { ...template.spec, tolerations: daemonTolerations(template.spec), affinity: nodeNameAffinity(template.spec?.affinity, nodeName) },
  };
}

/** IsPodUpdated: made from the current revision (hash label), or from the current template generation. */
export function isPodUpdated(ds: DaemonSet, pod: Pod, hash: string): boolean {
  const labels = pod.metadata.labels ?? {};
  const generation = templateGeneration(ds);
  return (hash !== '' && labels[POD_REVISION_LABEL] === hash) || (generation !== undefined && labels[POD_TEMPLATE_GENERATION_LABEL] === generation);
}
