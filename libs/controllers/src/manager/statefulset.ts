import type { ControllerRevision } from '../history';
import { reconcile as reconcileStatefulSet } from '../statefulset/reconcile';
import type { PersistentVolumeClaim, Pod, StatefulSet, StatefulSetAction } from '../statefulset/types';
import { applyActions, type ActionHandlers, type Writes } from './apply';
import { keyOfObject, splitKey } from './client';
import type { SyncResult } from './controller';
import { Expectations } from './expectations';
import type { IndexedInformer } from './informers';
import { onDependent, onOwnedPod, onOwner } from './owned-pods';
import { paths } from './paths';
import { revisionHandlers } from './revisions';
import { causeOf, ControllerShell, type ShellContext } from './shell';

// The StatefulSet shell: queued when the set, one of its pods, or one of its revisions
// changes, or a claim in its namespace does. Pod names are fixed, so a stale cache would only
// meet AlreadyExists; expectations still keep a sync from acting twice on the same gap.

export class StatefulSetController extends ControllerShell {
  readonly name = 'statefulset';
  override readonly workers = 2;
  readonly expectations: Expectations;
  private readonly sets: IndexedInformer;
  private readonly pods: IndexedInformer;
  private readonly claims: IndexedInformer;
  private readonly revisions: IndexedInformer;

  constructor(ctx: ShellContext) {
    super(ctx);
    this.expectations = new Expectations(ctx.now);
    this.sets = ctx.informers.for('apps', 'statefulsets');
    this.pods = ctx.informers.for('', 'pods');
    this.claims = ctx.informers.for('', 'persistentvolumeclaims');
    this.revisions = ctx.informers.for('apps', 'controllerrevisions');
    this.sets.on(onOwner(this.expectations, this.enqueue));
    this.pods.on((e) => onOwnedPod(e, 'StatefulSet', this.expectations, this.enqueue));
    this.revisions.on(onDependent('StatefulSet', this.enqueue));
  }

  keys(): string[] {
    return this.sets.list().map(keyOfObject);
  }

  async sync(key: string, queuedCause: number | undefined): Promise<SyncResult | void> {
    const set = this.sets.get(key) as StatefulSet | undefined;
    if (!set) return void this.expectations.delete(key);
    const { namespace } = splitKey(key);
    const observed = {
      pods: this.pods.controlledBy(set.metadata.uid) as Pod[],
      claims: this.claims.inNamespace(namespace) as PersistentVolumeClaim[],
      revisions: this.revisions.controlledBy(set.metadata.uid) as ControllerRevision[],
    };
    let actions = reconcileStatefulSet(set, observed, this.now);
    // While our own pod writes are not yet in the cache, only status and history may move.
    if (!this.expectations.satisfied(key)) actions = actions.filter((a) => a.type !== 'createPod' && a.type !== 'deletePod' && a.type !== 'createPvc');
    this.expectations.expectPodWrites(key, actions);
    const handlers = this.handlers(set, this.writes(causeOf(queuedCause, set)));
    return applyActions(actions, handlers, { onStopped: (rest) => this.expectations.lowerPodWrites(key, rest) });
  }

  private handlers(set: StatefulSet, write: Writes): ActionHandlers<StatefulSetAction> {
    const ns = set.metadata.namespace ?? 'default';
    const involved = { kind: 'StatefulSet', namespace: ns, name: set.metadata.name, uid: set.metadata.uid };
    const event = (message: string) => write.event(involved, 'Normal', 'SuccessfulCreate', message);
    return {
      ...revisionHandlers(ns, write),
      createPvc: async (a) => {
        // Already there: the informer had not shown it yet.
        if (await write.createOnce(paths.pvcs(ns), a.claim)) {
          await event(`create Claim ${a.claim.metadata.name} Pod ${podNameOfClaim(a.claim, set)} in StatefulSet ${set.metadata.name} success`);
        }
      },
      updatePvc: (a) => write.patch(paths.pvcs(ns, a.name), { metadata: { ownerReferences: a.ownerReferences } }, 'merge'),
      createPod: async (a) => {
        await write.create(paths.pods(ns), a.pod);
        await event(`create Pod ${a.pod.metadata.name} in StatefulSet ${set.metadata.name} successful`);
      },
      updatePod: (a) => write.update(paths.pods(ns, a.pod.metadata.name), a.pod),
      deletePod: async (a) => {
        await write.remove(paths.pods(ns, a.name), this.pods.get(`${ns}/${a.name}`)?.metadata.uid);
        await write.event(involved, 'Normal', 'SuccessfulDelete', `delete Pod ${a.name} in StatefulSet ${set.metadata.name} successful`);
      },
      updateStatus: (a) => write.update(paths.statefulSets(ns, set.metadata.name, 'status'), { ...set, status: a.status }),
    };
  }
}

function podNameOfClaim(claim: PersistentVolumeClaim, set: StatefulSet): string {
  // `<template>-<set>-<ordinal>` → `<set>-<ordinal>`
  const name = claim.metadata.name ?? '';
  const i = name.lastIndexOf(`-${set.metadata.name}-`);
  return i < 0 ? name : name.slice(i + 1);
}

