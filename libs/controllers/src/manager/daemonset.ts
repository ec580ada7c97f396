import type { KubeObject } from '@keelson/apimachinery';
import type { InformerEvent } from '@keelson/informer';
import equal from 'fast-deep-equal';
import { reconcile as reconcileDaemonSet } from '../daemonset/reconcile';
import type { DaemonSet, DaemonSetAction, Node, Pod } from '../daemonset/types';
import type { ControllerRevision } from '../history';
import { ignoreNotFound, keyOfObject, splitKey } from './client';
import type { SyncResult } from './controller';
import { Expectations } from './expectations';
import type { IndexedInformer } from './informers';
import { onOwnedPod } from './owned-pods';
import { paths } from './paths';
import { causeOf, ControllerShell, type ShellContext } from './shell';

// The DaemonSet shell: queued when the set, one of its pods or revisions changes, and every
// set when a node comes, goes, or changes what decides eligibility (labels, taints,
// unschedulable). Pods go through the default scheduler (their template pins the node by
// affinity); expectations keep a slow cache from doubling a node's pod.

export class DaemonSetController extends ControllerShell {
  readonly name = 'daemonset';
  override readonly workers = 2;
  readonly expectations: Expectations;
  private readonly sets: IndexedInformer;
  private readonly pods: IndexedInformer;
  private readonly nodes: IndexedInformer;
  private readonly revisions: IndexedInformer;

  constructor(ctx: ShellContext) {
    super(ctx);
    this.expectations = new Expectations(ctx.now);
    this.sets = ctx.informers.for('apps', 'daemonsets');
    this.pods = ctx.informers.for('', 'pods');
    this.nodes = ctx.informers.for('', 'nodes');
    this.revisions = ctx.informers.for('apps', 'controllerrevisions');
    this.sets.on((e) => {
      if (e.type === 'delete') this.expectations.delete(e.key);
      this.enqueue(e.key, e.seq);
    });
    this.pods.on((e) => onOwnedPod(e, 'DaemonSet', this.expectations, (k, s) => this.enqueue(k, s)));
    this.nodes.on((e) => this.onNode(e));
    this.revisions.on((e) => {
      const ref = (e.object.metadata.ownerReferences ?? []).find((r) => r.controller && r.kind === 'DaemonSet');
      if (ref) this.enqueue(`${e.object.metadata.namespace}/${ref.name}`, e.seq);
    });
  }

  keys(): string[] {
    return this.sets.list().map(keyOfObject);
  }

  private onNode(e: InformerEvent): void {
    if (e.type === 'update' && !eligibilityChanged(e.old!, e.object)) return;
    for (const ds of this.sets.list()) this.enqueue(keyOfObject(ds), e.seq);
  }

  async sync(key: string, queuedCause: number | undefined): Promise<SyncResult | void> {
    const ds = this.sets.get(key) as DaemonSet | undefined;
    if (!ds) return void this.expectations.delete(key);
    const observed = {
      nodes: this.nodes.list() as Node[],
      pods: this.pods.controlledBy(ds.metadata.uid) as Pod[],
      revisions: this.revisions.controlledBy(ds.metadata.uid) as ControllerRevision[],
    };
    let actions = reconcileDaemonSet(ds, observed, this.now);
    if (!this.expectations.satisfied(key)) actions = actions.filter((a) => a.type !== 'createPod' && a.type !== 'deletePod');
    const creates = actions.filter((a) => a.type === 'createPod').length;
    const deletes = actions.filter((a) => a.type === 'deletePod').length;
    if (creates || deletes) this.expectations.expect(key, creates, deletes);
    const cause = causeOf(queuedCause, ds);
    let requeue: number | undefined;
    for (let i = 0; i < actions.length; i++) {
      const a = actions[i];
      try {
        if (a.type === 'requeueAfter') requeue = Math.min(requeue ?? Infinity, a.seconds);
        else await this.apply(ds, a, cause);
      } catch (err) {
        const rest = actions.slice(i);
        this.expectations.lower(key, rest.filter((x) => x.type === 'createPod').length, rest.filter((x) => x.type === 'deletePod').length);
        throw err;
      }
    }
    return requeue === undefined ? {} : { requeueAfterSeconds: requeue };
  }

  private async apply(ds: DaemonSet, a: DaemonSetAction, cause: number | undefined): Promise<void> {
    const ns = splitKey(keyOfObject(ds)).namespace || 'default';
    const w = { cause, fieldManager: this.component };
    const involved = { kind: 'DaemonSet', namespace: ns, name: ds.metadata.name, uid: ds.metadata.uid };
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
      case 'createPod': {
        const pod = await this.client.create(paths.pods(ns), a.pod, w);
        await this.recorder.record(involved, 'Normal', 'SuccessfulCreate', `Created pod: ${pod.metadata.name}`, cause);
        return;
      }
      case 'updatePod':
        await this.client.update(paths.pods(ns, a.pod.metadata.name), a.pod, w);
        return;
      case 'deletePod': {
        const pod = this.pods.get(`${ns}/${a.name}`);
        const body = { ...(pod?.metadata.uid ? { preconditions: { uid: pod.metadata.uid } } : {}), ...(a.gracePeriodSeconds !== undefined ? { gracePeriodSeconds: a.gracePeriodSeconds } : {}) };
        await this.client.delete(paths.pods(ns, a.name), body, w).catch(ignoreNotFound);
        await this.recorder.record(involved, 'Normal', 'SuccessfulDelete', `Deleted pod: ${a.name}`, cause);
        return;
      }
      case 'updateStatus':
        await this.client.update(paths.daemonSets(ns, ds.metadata.name, 'status'), { ...ds, status: a.status }, w);
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

function eligibilityChanged(a: KubeObject, b: KubeObject): boolean {
  const spec = (o: KubeObject) => o.spec as { taints?: unknown; unschedulable?: boolean } | undefined;
  const ready = (o: KubeObject) => (o.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions?.find((c) => c.type === 'Ready')?.status;
  return !equal(a.metadata.labels, b.metadata.labels) || !equal(spec(a)?.taints, spec(b)?.taints) || spec(a)?.unschedulable !== spec(b)?.unschedulable || ready(a) !== ready(b);
}
