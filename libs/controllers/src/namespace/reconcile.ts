// Namespace deletion, as pkg/controller/namespace/deletion: the API server has given the
// namespace a deletionTimestamp and phase Terminating and refuses new objects in it; this
// controller deletes everything left inside, reports progress in status.conditions, and once
// nothing is left removes `kubernetes` from spec.finalizers. With spec.finalizers and
// metadata.finalizers both empty the API server removes the namespace (update.ts
// finishesDeletion / pendingSpecFinalizers).
//
// Kubernetes changes spec.finalizers only through PUT /api/v1/namespaces/{name}/finalize (a
// plain update keeps them). The action names that subresource; the shell may fall back to a
// plain update while Keelson's registry lists only `status` for namespaces.

import type { KubeObject } from '@keelson/apimachinery';
import { isDeepStrictEqual } from 'node:util';
import { NamespaceCondition, namespaceConditions } from './conditions';

export const KUBERNETES_FINALIZER = 'kubernetes';

export interface Namespace extends KubeObject {
  spec?: { finalizers?: string[] };
  status?: { phase?: 'Active' | 'Terminating'; conditions?: NamespaceCondition[] };
}

/** One served namespaced resource (the shell enumerates them from RESOURCES, CRDs included) and what of it is in the namespace. */
export interface NamespacedContent {
  readonly group: string;
  readonly version: string;
  readonly plural: string;
  readonly objects: readonly KubeObject[];
}

export type NamespaceAction =
  /** DELETE .../namespaces/{ns}/{plural} (deletecollection): every object of the resource in the namespace. */
  | { readonly type: 'deleteCollection'; readonly namespace: string; readonly group: string; readonly version: string; readonly plural: string }
  | { readonly type: 'updateNamespaceStatus'; readonly name: string; readonly uid: string; readonly status: NonNullable<Namespace['status']> }
  /** PUT /api/v1/namespaces/{name}/finalize with spec.finalizers replaced. */
  | { readonly type: 'finalizeNamespace'; readonly name: string; readonly uid: string; readonly finalizers: readonly string[] }
  /** Look again after `seconds`: pods still wait out their grace period, or someone else's finalizers are pending. */
  | { readonly type: 'requeueAfter'; readonly seconds: number };

/** How long to wait when content remains but no grace period says how long (finalizers of other controllers). */
export const CONTENT_REMAINING_REQUEUE_SECONDS = 5;

export function reconcileNamespace(ns: Namespace, contents: readonly NamespacedContent[], now: Date): NamespaceAction[] {
  if (!ns.metadata.deletionTimestamp) return [];
  const name = ns.metadata.name ?? '';
  const uid = ns.metadata.uid ?? '';
  const specFinalizers = ns.spec?.finalizers ?? [];
  if (!specFinalizers.includes(KUBERNETES_FINALIZER)) return []; // ours is done; another finalizer's owner or the API server goes on

  const actions: NamespaceAction[] = [];
  const remaining = contents.filter((c) => c.objects.length > 0);
  for (const c of remaining) {
    // A collection whose every object is already going needs no second request.
    if (c.objects.some((o) => !o.metadata.deletionTimestamp)) actions.push({ type: 'deleteCollection', namespace: name, group: c.group, version: c.version, plural: c.plural });
  }

  const status: NonNullable<Namespace['status']> = { phase: 'Terminating', conditions: namespaceConditions(ns.status?.conditions ?? [], remaining, now) };
  if (!isDeepStrictEqual(status, { phase: ns.status?.phase, conditions: ns.status?.conditions ?? [] })) {
    actions.push({ type: 'updateNamespaceStatus', name, uid, status });
  }

  if (remaining.length === 0) {
    actions.push({ type: 'finalizeNamespace', name, uid, finalizers: specFinalizers.filter((f) => f !== KUBERNETES_FINALIZER) });
    return actions;
  }
  actions.push({ type: 'requeueAfter', seconds: estimateSeconds(remaining, now) });
  return actions;
}

/**
 * deleteAllContent's estimate: pods still running out their grace period will be gone by their
 * deletionTimestamp (the API server sets it to now + grace). E.g. a pod deleted at 12:00:00 with
 * 30 s grace carries deletionTimestamp 12:00:30; at 12:00:10 the estimate is 20 s.
 */
function estimateSeconds(remaining: readonly NamespacedContent[], now: Date): number {
  let latest = 0;
  for (const c of remaining) {
    if (c.plural !== 'pods' || c.group !== '') continue;
    for (const p of c.objects) {
      const at = Date.parse(p.metadata.deletionTimestamp ?? '');
      if (!Number.isNaN(at)) latest = Math.max(latest, Math.ceil((at - now.getTime()) / 1000));
    }
  }
  return latest > 0 ? latest : CONTENT_REMAINING_REQUEUE_SECONDS;
}

export function assertNamespaceActionHandled(a: NamespaceAction): string {
  switch (a.type) {
    case 'deleteCollection':
    case 'updateNamespaceStatus':
    case 'finalizeNamespace':
    case 'requeueAfter':
      return a.type;
    default: {
      const never: never = a;
      throw new Error(`unexpected ${JSON.stringify(never)}`);
    }
  }
}
