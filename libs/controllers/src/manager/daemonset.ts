import type { KubeObject } from '@keelson/apimachinery';
import type { InformerEvent } from '@keelson/informer';
import equal from 'fast-deep-equal';
import { reconcile as reconcileDaemonSet } from '../daemonset/reconcile';
import type { DaemonSet, DaemonSetAction, Node, Pod } from '../daemonset/types';
import type { ControllerRevision } from '../history';
import { applyActions, type ActionHandlers, type Writes } from './apply';
import { keyOfObject } from './client';
import type { SyncResult } from './controller';
import { Expectations } from './expectations';
import type { IndexedInformer } from './informers';
import { onDependent, onOwnedPod, onOwner } from './owned-pods';
import { paths } from './paths';
import { revisionHandlers } from './revisions';
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
    this.sets.on(onOwner(this.expectations, this.enqueue));
    this.pods.on((e) => onOwnedPod(e, 'DaemonSet', this.expectations, this.enqueue));
    this.nodes.on((e) => this.onNode(e));
    this.revisions.on(onDependent('DaemonSet', this.enqueue));
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
    this.expectations.expectPodWrites(key, actions);
    const handlers = this.handlers(ds, this.writes(causeOf(queuedCause, ds)));
    return applyActions(actions, handlers, { onStopped: (rest) => this.expectations.lowerPodWrites(key, rest) });
  }

  private handlers(ds: DaemonSet, write: Writes): ActionHandlers<DaemonSetAction> {
    const ns = ds.metadata.namespace || 'default';
    const involved = { kind: 'DaemonSet', namespace: ns, name: ds.metadata.name, uid: ds.metadata.uid };
    return {
      ...revisionHandlers(ns, write),
      createPod: async (a) => {
        const pod = await write.create(paths.pods(ns), a.pod);
        await write.event(involved, 'Normal', 'SuccessfulCreate', `Created pod: ${pod.metadata.name}`);
      },
      updatePod: (a) => write.update(paths.pods(ns, a.pod.metadata.name), a.pod),
      deletePod: async (a) => {
        const grace = a.gracePeriodSeconds !== undefined ? { gracePeriodSeconds: a.gracePeriodSeconds } : {};
        await write.remove(paths.pods(ns, a.name), this.pods.get(`${ns}/${a.name}`)?.metadata.uid, grace);
        await write.event(involved, 'Normal', 'SuccessfulDelete', `Deleted pod: ${a.name}`);
      },
      updateStatus: (a) => write.update(paths.daemonSets(ns, ds.metadata.name, 'status'), { ...ds, status: a.status }),
    };
  }
}

function eligibilityChanged(a: KubeObject, b: KubeObject): boolean {
  const spec = (o: KubeObject) => o.spec as { taints?: unknown; unschedulable?: boolean } | undefined;
  const ready = (o: KubeObject) => (o.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions?.find((c) => c.type === 'Ready')?.status;
  return !equal(a.metadata.labels, b.metadata.labels) || !equal(spec(a)?.taints, spec(b)?.taints) || spec(a)?.unschedulable !== spec(b)?.unschedulable || ready(a) !== ready(b);
}
