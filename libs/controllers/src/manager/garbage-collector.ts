import type { KubeObject } from '@keelson/apimachinery';
import type { InformerEvent } from '@keelson/informer';
import { findByKind, parseApiVersion, RESOURCES } from '@keelson/resources';
import { gcNodeOf, type GcNode, type OwnerGraph } from '../garbagecollector/graph';
import { reconcileObject, type GcAction } from '../garbagecollector/reconcile';
import { applyActions, type ActionHandlers, type Writes } from './apply';
import { ignoreNotFound, isNotFound } from './client';
import type { SyncResult } from './controller';
import { causeOf, ControllerShell, type ShellContext } from './shell';
import { objectPath } from '@keelson/informer';

// The garbage collector's shell (GraphBuilder + attemptToDelete/orphan workers): informers on
// every resource keep an owner graph by uid, updated per event rather than rebuilt per sync.
// The queue carries uids. An object is looked at when it changes; its dependents when it goes
// or starts a foreground/orphan deletion; its owners when it goes (a foreground owner may now
// be free). Events are left out: they are the most numerous objects and never own anything.

const SKIPPED = new Set(['events']);

export class GarbageCollector extends ControllerShell {
  readonly name = 'garbagecollector';
  override readonly workers = 4;
  private readonly byUid = new Map<string, GcNode>();
  private readonly dependentsOf = new Map<string, Map<string, GcNode>>();
  private readonly seqOf = new Map<string, number>();
  private readonly graph: OwnerGraph;

  constructor(ctx: ShellContext) {
    super(ctx);
    const deps = this.dependentsOf;
    this.graph = {
      byUid: this.byUid,
      // A read-only view: reconcileObject only calls `get`.
      dependents: { get: (uid: string) => [...(deps.get(uid)?.values() ?? [])] } as unknown as OwnerGraph['dependents'],
    };
    for (const r of RESOURCES) {
      if (SKIPPED.has(r.plural)) continue;
      ctx.informers.for(r.group, r.plural).on((e) => this.onObject(e));
    }
  }

  keys(): string[] {
    // Only objects with owners or a deletion in progress can need anything.
    return [...this.byUid.values()].filter((n) => n.ownerReferences.length > 0 || n.deletionTimestamp).map((n) => n.uid);
  }

  private onObject(e: InformerEvent): void {
    const node = gcNodeOf(e.object);
    if (!node.uid) return;
    const old = e.old ? gcNodeOf(e.old) : undefined;
    if (old) this.unlink(old);
    if (e.type === 'delete') {
      this.byUid.delete(node.uid);
      this.seqOf.delete(node.uid);
      for (const d of this.dependentsOf.get(node.uid)?.values() ?? []) this.enqueue(d.uid, e.seq);
      for (const ref of node.ownerReferences) this.enqueue(ref.uid, e.seq);
      return;
    }
    this.byUid.set(node.uid, node);
    this.seqOf.set(node.uid, e.seq);
    for (const ref of node.ownerReferences) {
      let m = this.dependentsOf.get(ref.uid);
      if (!m) this.dependentsOf.set(ref.uid, (m = new Map()));
      m.set(node.uid, node);
    }
    if (node.ownerReferences.length > 0 || node.deletionTimestamp) this.enqueue(node.uid, e.seq);
    if (node.deletionTimestamp && !old?.deletionTimestamp) {
      for (const d of this.dependentsOf.get(node.uid)?.values() ?? []) this.enqueue(d.uid, e.seq);
    }
    // Owners that changed away: the old owner may be waiting in the foreground for this one.
    for (const ref of old?.ownerReferences ?? []) if (!node.ownerReferences.some((r) => r.uid === ref.uid)) this.enqueue(ref.uid, e.seq);
  }

  private unlink(node: GcNode): void {
    for (const ref of node.ownerReferences) {
      const m = this.dependentsOf.get(ref.uid);
      m?.delete(node.uid);
      if (m?.size === 0) this.dependentsOf.delete(ref.uid);
    }
  }

  async sync(uid: string, queuedCause: number | undefined): Promise<SyncResult | void> {
    const node = this.byUid.get(uid);
    if (!node) return;
    const cause = causeOf(queuedCause, { metadata: { resourceVersion: String(this.seqOf.get(uid) ?? '') } } as KubeObject);
    return applyActions(reconcileObject(this.graph, node), this.handlers(this.writes(cause)));
  }

  private handlers(write: Writes): ActionHandlers<GcAction> {
    // A kind this server does not serve has no path: nothing to do for it.
    const pathOfTarget = ({ target: t }: GcAction) => pathOf(t.apiVersion, t.kind, t.namespace, t.name);
    return {
      deleteObject: async (a) => {
        const path = pathOfTarget(a);
        if (!path) return;
        for (const ref of a.verifyOwnersAbsent) {
          const ownerPath = pathOf(ref.apiVersion, ref.kind, a.target.namespace, ref.name);
          if (ownerPath && (await this.stillThere(ownerPath, ref.uid))) return; // the cache was behind
        }
        await write.remove(path, a.target.uid, { propagationPolicy: a.propagationPolicy });
      },
      removeOwnerReferences: async (a) => {
        const path = pathOfTarget(a);
        const patch = { metadata: { uid: a.target.uid, ownerReferences: a.ownerUids.map((uid) => ({ $patch: 'delete', uid })) } };
        if (path) await write.patch(path, patch, 'strategic').catch(ignoreNotFound);
      },
      removeFinalizer: async (a) => {
        const path = pathOfTarget(a);
        const current = path && (await this.client.get(path).catch(ignoreNotFound));
        if (!path || !current || current.metadata.uid !== a.target.uid) return;
        const finalizers = (current.metadata.finalizers ?? []).filter((f) => f !== a.finalizer);
        await write.patch(path, { metadata: { finalizers, resourceVersion: current.metadata.resourceVersion } }, 'merge').catch(ignoreNotFound);
      },
    };
  }

  private async stillThere(path: string, uid: string): Promise<boolean> {
    try {
      return (await this.client.get(path)).metadata.uid === uid;
    } catch (e) {
      if (isNotFound(e)) return false;
      throw e;
    }
  }
}

/** REST path of an object named by apiVersion/kind; undefined for a kind this server does not serve. */
export function pathOf(apiVersion: string, kind: string, namespace: string, name: string): string | undefined {
  const r = findByKind(apiVersion, kind);
  if (!r) return undefined;
  const { group, version } = parseApiVersion(apiVersion);
  return objectPath(group, version, r.plural, r.namespaced ? namespace || 'default' : undefined, name);
}
