import type { ControllerRevision } from '../history';
import { reconcile as reconcileStatefulSet } from '../statefulset/reconcile';
import type { PersistentVolumeClaim, Pod, StatefulSet, StatefulSetAction } from '../statefulset/types';
import { ignoreNotFound, isAlreadyExists, keyOfObject, splitKey } from './client';
import type { SyncResult } from './controller';
import { Expectations } from './expectations';
import type { IndexedInformer } from './informers';
import { onOwnedPod } from './owned-pods';
import { paths } from './paths';
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
    this.sets.on((e) => {
      if (e.type === 'delete') this.expectations.delete(e.key);
      this.enqueue(e.key, e.seq);
    });
    this.pods.on((e) => onOwnedPod(e, 'StatefulSet', this.expectations, (k, s) => this.enqueue(k, s)));
    this.revisions.on((e) => {
      const ref = (e.object.metadata.ownerReferences ?? []).find((r) => r.controller && r.kind === 'StatefulSet');
      if (ref) this.enqueue(`${e.object.metadata.namespace}/${ref.name}`, e.seq);
    });
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
    const creates = actions.filter((a) => a.type === 'createPod').length;
    const deletes = actions.filter((a) => a.type === 'deletePod').length;
    if (creates || deletes) this.expectations.expect(key, creates, deletes);
    const cause = causeOf(queuedCause, set);
    let requeue: number | undefined;
    for (let i = 0; i < actions.length; i++) {
      const a = actions[i];
      try {
        if (a.type === 'requeueAfter') requeue = Math.min(requeue ?? Infinity, a.seconds);
        else await this.apply(set, a, cause);
      } catch (err) {
        const rest = actions.slice(i);
        this.expectations.lower(key, rest.filter((x) => x.type === 'createPod').length, rest.filter((x) => x.type === 'deletePod').length);
        throw err;
      }
    }
    return requeue === undefined ? {} : { requeueAfterSeconds: requeue };
  }

  private async apply(set: StatefulSet, a: StatefulSetAction, cause: number | undefined): Promise<void> {
    const ns = set.metadata.namespace ?? 'default';
    const w = { cause, fieldManager: this.component };
    const involved = { kind: 'StatefulSet', namespace: ns, name: set.metadata.name, uid: set.metadata.uid };
    switch (a.type) {
      case 'createControllerRevision':
        await this.client.create(paths.revisions(ns), a.revision, w);
        return;
      case 'updateControllerRevision':
        await this.client.patch(paths.revisions(ns, a.name), { revision: a.revision }, { ...w, patchType: 'merge' });
        return;
      case 'deleteControllerRevision':
        await this.client.delete(paths.revisions(ns, a.name), undefined, w).catch(ignoreNotFound);
        return;
      case 'createPvc':
        try {
          await this.client.create(paths.pvcs(ns), a.claim, w);
          await this.recorder.record(involved, 'Normal', 'SuccessfulCreate', `create Claim ${a.claim.metadata.name} Pod ${podNameOfClaim(a.claim, set)} in StatefulSet ${set.metadata.name} success`, cause);
        } catch (err) {
          if (!isAlreadyExists(err)) throw err; // the informer had not shown it yet
        }
        return;
      case 'updatePvc':
        await this.client.patch(paths.pvcs(ns, a.name), { metadata: { ownerReferences: a.ownerReferences } }, { ...w, patchType: 'merge' });
        return;
      case 'createPod':
        await this.client.create(paths.pods(ns), a.pod, w);
        await this.recorder.record(involved, 'Normal', 'SuccessfulCreate', `create Pod ${a.pod.metadata.name} in StatefulSet ${set.metadata.name} successful`, cause);
        return;
      case 'updatePod':
        await this.client.update(paths.pods(ns, a.pod.metadata.name), a.pod, w);
        return;
      case 'deletePod': {
        const pod = this.pods.get(`${ns}/${a.name}`);
        const pre = pod?.metadata.uid ? { preconditions: { uid: pod.metadata.uid } } : undefined;
        await this.client.delete(paths.pods(ns, a.name), pre, w).catch(ignoreNotFound);
        await this.recorder.record(involved, 'Normal', 'SuccessfulDelete', `delete Pod ${a.name} in StatefulSet ${set.metadata.name} successful`, cause);
        return;
      }
      case 'updateStatus':
        await this.client.update(paths.statefulSets(ns, set.metadata.name, 'status'), { ...set, status: a.status }, w);
        return;
      case 'requeueAfter':
        return;
      default: {
        const never: never = a;
        throw new Error(`unexpected action ${JSON.stringify(never)}`);
      }
    }
  }
}

function podNameOfClaim(claim: PersistentVolumeClaim, set: StatefulSet): string {
  // `<template>-<set>-<ordinal>` → `<set>-<ordinal>`
  const name = claim.metadata.name ?? '';
  const i = name.lastIndexOf(`-${set.metadata.name}-`);
  return i < 0 ? name : name.slice(i + 1);
}

