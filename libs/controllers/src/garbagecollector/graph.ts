// The garbage collector's view of the cluster: every object of every kind reduced to its
// identity and the metadata deletion depends on, linked owner → dependents by uid — the
// `uidToNode` graph of Kubernetes' GraphBuilder. Owners are found by uid, never by name, so a
// re-created namesake (new uid) is not mistaken for the owner its dependents pointed at.

import type { KubeObject, OwnerReference } from '@keelson/apimachinery';

export const FOREGROUND_FINALIZER = 'foregroundDeletion';
export const ORPHAN_FINALIZER = 'orphan';

export interface GcNode {
  readonly apiVersion: string;
  readonly kind: string;
  /** '' for cluster-scoped objects. */
  readonly namespace: string;
  readonly name: string;
  readonly uid: string;
  readonly ownerReferences: readonly OwnerReference[];
  readonly finalizers: readonly string[];
  readonly deletionTimestamp?: string;
}

export function gcNodeOf(obj: KubeObject): GcNode {
  const m = obj.metadata;
  return {
    apiVersion: obj.apiVersion,
    kind: obj.kind,
    namespace: m.namespace ?? '',
    name: m.name ?? '',
    uid: m.uid ?? '',
    ownerReferences: m.ownerReferences ?? [],
    finalizers: m.finalizers ?? [],
    ...(m.deletionTimestamp ? { deletionTimestamp: m.deletionTimestamp } : {}),
  };
}

export interface OwnerGraph {
  readonly byUid: ReadonlyMap<string, GcNode>;
  /** owner uid → objects naming it in ownerReferences (the owner itself may be absent: a "virtual" node). */
  readonly dependents: ReadonlyMap<string, readonly GcNode[]>;
}

export function buildGraph(nodes: readonly GcNode[]): OwnerGraph {
  const byUid = new Map<string, GcNode>();
  const dependents = new Map<string, GcNode[]>();
  for (const n of nodes) byUid.set(n.uid, n);
  for (const n of nodes) {
    for (const ref of n.ownerReferences) {
      const list = dependents.get(ref.uid) ?? [];
      list.push(n);
      dependents.set(ref.uid, list);
    }
  }
  return { byUid, dependents };
}

export const isBeingDeleted = (n: GcNode): boolean => n.deletionTimestamp !== undefined;
/** An owner deleted with propagationPolicy=Foreground: it stays until its blocking dependents are gone. */
export const isDeletingDependents = (n: GcNode): boolean => isBeingDeleted(n) && n.finalizers.includes(FOREGROUND_FINALIZER);

const groupOf = (apiVersion: string): string => (apiVersion.includes('/') ? apiVersion.split('/')[0] : '');

/**
 * The live owner a reference points at, or undefined when it dangles. A namespaced dependent
 * may be owned by a cluster-scoped object or by one in its own namespace; a cluster-scoped
 * dependent only by a cluster-scoped owner (Kubernetes reports the rest as OwnerRefInvalidNamespace
 * and treats the owner as absent).
 */
export function ownerOf(graph: OwnerGraph, dependent: GcNode, ref: OwnerReference): GcNode | undefined {
  const owner = graph.byUid.get(ref.uid);
  if (!owner || owner.kind !== ref.kind || groupOf(owner.apiVersion) !== groupOf(ref.apiVersion)) return undefined;
  if (owner.namespace !== '' && owner.namespace !== dependent.namespace) return undefined;
  return owner;
}

export interface ClassifiedOwners {
  /** owners that exist and are not waiting on their dependents */
  readonly solid: readonly OwnerReference[];
  /** owners that no longer exist (or never did) */
  readonly dangling: readonly OwnerReference[];
  /** owners being deleted in the foreground: they wait for this dependent to go */
  readonly waitingForDependentsDeletion: readonly OwnerReference[];
}

/** `classifyReferences` of attemptToDeleteItem. */
export function classifyOwners(graph: OwnerGraph, node: GcNode): ClassifiedOwners {
  const solid: OwnerReference[] = [];
  const dangling: OwnerReference[] = [];
  const waiting: OwnerReference[] = [];
  for (const ref of node.ownerReferences) {
    const owner = ownerOf(graph, node, ref);
    if (!owner) dangling.push(ref);
    else if (isDeletingDependents(owner)) waiting.push(ref);
    else solid.push(ref);
  }
  return { solid, dangling, waitingForDependentsDeletion: waiting };
}

/** Dependents whose reference to `owner` has blockOwnerDeletion: a foreground delete waits for them. */
export function blockingDependents(graph: OwnerGraph, owner: GcNode): GcNode[] {
  return (graph.dependents.get(owner.uid) ?? []).filter((d) => d.ownerReferences.some((r) => r.uid === owner.uid && r.blockOwnerDeletion === true));
}
