// Kubernetes' garbage collector as one pure pass over the ownerReferences graph.
//
//   background  an object whose every owner is gone is deleted; one that still has a live
//               owner only loses the dangling reference
//   foreground  an owner with deletionTimestamp and the `foregroundDeletion` finalizer: its
//               dependents are deleted (in the foreground themselves when they have dependents
//               of their own), and once no dependent with blockOwnerDeletion is left the
//               finalizer goes and the API server removes the owner
//   orphan      an owner with deletionTimestamp and the `orphan` finalizer: its dependents lose
//               the reference to it, then the finalizer goes
//
// No clock: nothing here waits on time, only on objects disappearing (each removal is an event
// that re-runs the pass). The shell runs one object's actions in order and stops at the first
// failure, as attemptToDeleteItem does.

import type { OwnerReference } from '@keelson/apimachinery';
import {
  blockingDependents,
  buildGraph,
  classifyOwners,
  FOREGROUND_FINALIZER,
  GcNode,
  isBeingDeleted,
  isDeletingDependents,
  ORPHAN_FINALIZER,
  OwnerGraph,
} from './graph';

/** Identity of the object an action writes; `uid` is the precondition (never touch a namesake). */
export interface GcTarget {
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  readonly uid: string;
}

export type PropagationPolicy = 'Background' | 'Foreground' | 'Orphan';

export type GcAction =
  /**
   * DELETE with preconditions.uid. `verifyOwnersAbsent`: the cache may lag behind a just-created
   * owner, so the shell first confirms with a live GET that each is really gone (404 or another
   * uid), as Kubernetes' isDangling does, and skips the delete otherwise.
   */
  | { readonly type: 'deleteObject'; readonly target: GcTarget; readonly propagationPolicy: PropagationPolicy; readonly reason: 'ownersGone' | 'ownerDeletingInForeground'; readonly verifyOwnersAbsent: readonly OwnerReference[] }
  /** Strategic merge patch `ownerReferences: [{$patch: delete, uid}]` for each uid. */
  | { readonly type: 'removeOwnerReferences'; readonly target: GcTarget; readonly ownerUids: readonly string[]; readonly reason: 'dangling' | 'orphaned' | 'ownerDeletingInForeground' }
  /** Update of metadata.finalizers without `finalizer`; with the last one gone the API server deletes the object. */
  | { readonly type: 'removeFinalizer'; readonly target: GcTarget; readonly finalizer: typeof FOREGROUND_FINALIZER | typeof ORPHAN_FINALIZER };

export type GcActionType = GcAction['type'];

export const targetOf = (n: GcNode): GcTarget => ({ apiVersion: n.apiVersion, kind: n.kind, namespace: n.namespace, name: n.name, uid: n.uid });

/** Every action the graph calls for now, object by object. */
export function reconcileGarbage(nodes: readonly GcNode[]): GcAction[] {
  const graph = buildGraph(nodes);
  return nodes.flatMap((n) => reconcileObject(graph, n));
}

/** What one object (the work queue's key) needs: as owner being deleted, then as dependent. */
export function reconcileObject(graph: OwnerGraph, node: GcNode): GcAction[] {
  if (isBeingDeleted(node)) return finalizeOwner(graph, node);
  return collectDependent(graph, node);
}

/** processDeletingDependentsItem and orphanFinalizer: an owner on its way out. */
function finalizeOwner(graph: OwnerGraph, owner: GcNode): GcAction[] {
  const actions: GcAction[] = [];
  if (owner.finalizers.includes(ORPHAN_FINALIZER)) {
    const dependents = graph.dependents.get(owner.uid) ?? [];
    for (const d of dependents) actions.push({ type: 'removeOwnerReferences', target: targetOf(d), ownerUids: [owner.uid], reason: 'orphaned' });
    actions.push({ type: 'removeFinalizer', target: targetOf(owner), finalizer: ORPHAN_FINALIZER });
    return actions;
  }
  if (isDeletingDependents(owner) && blockingDependents(graph, owner).length === 0) {
    actions.push({ type: 'removeFinalizer', target: targetOf(owner), finalizer: FOREGROUND_FINALIZER });
  }
  // Otherwise the dependents' own pass deletes them; each removal re-runs this one.
  return actions;
}

/** attemptToDeleteItem for an object that is not being deleted. */
function collectDependent(graph: OwnerGraph, node: GcNode): GcAction[] {
  if (node.ownerReferences.length === 0) return [];
  const { solid, dangling, waitingForDependentsDeletion: waiting } = classifyOwners(graph, node);
  const target = targetOf(node);

  if (solid.length > 0) {
    // A live owner keeps it. References to owners that are gone, or that wait for it in the
    // foreground, are dropped so those owners can finish (the object survives them).
    if (dangling.length === 0 && waiting.length === 0) return [];
    const reason = dangling.length > 0 ? 'dangling' : 'ownerDeletingInForeground';
    return [{ type: 'removeOwnerReferences', target, ownerUids: [...dangling, ...waiting].map((r) => r.uid), reason }];
  }

  if (waiting.length > 0) {
    // An owner deletes it in the foreground. If it has dependents of its own, it is deleted in
    // the foreground too, so the blocking chain is honoured all the way down.
    const hasDependents = (graph.dependents.get(node.uid) ?? []).length > 0;
    const policy: PropagationPolicy = hasDependents ? 'Foreground' : policyFromFinalizers(node);
    return [{ type: 'deleteObject', target, propagationPolicy: policy, reason: 'ownerDeletingInForeground', verifyOwnersAbsent: dangling }];
  }

  // Every owner is gone: background collection.
  return [{ type: 'deleteObject', target, propagationPolicy: policyFromFinalizers(node), reason: 'ownersGone', verifyOwnersAbsent: dangling }];
}

/** A finalizer the object already carries decides how its own dependents go. */
function policyFromFinalizers(node: GcNode): PropagationPolicy {
  if (node.finalizers.includes(ORPHAN_FINALIZER)) return 'Orphan';
  if (node.finalizers.includes(FOREGROUND_FINALIZER)) return 'Foreground';
  return 'Background';
}

/** Exhaustiveness guard for the shell's `switch (action.type)`. */
export function describeGcAction(a: GcAction): string {
  switch (a.type) {
    case 'deleteObject':
      return `delete ${a.target.kind} ${a.target.namespace}/${a.target.name} (${a.propagationPolicy}, ${a.reason})`;
    case 'removeOwnerReferences':
      return `remove ownerReferences ${a.ownerUids.join(',')} from ${a.target.kind} ${a.target.namespace}/${a.target.name} (${a.reason})`;
    case 'removeFinalizer':
      return `remove finalizer ${a.finalizer} from ${a.target.kind} ${a.target.namespace}/${a.target.name}`;
    default: {
      const never: never = a;
      throw new Error(`unexpected ${JSON.stringify(never)}`);
    }
  }
}
