import type { KubeObject } from '@keelson/apimachinery';
import type { InformerEvent } from '@keelson/informer';
import { NODE_MONITOR_PERIOD_SECONDS, reconcileNode, type NodeLifecycleAction, type NodeLifecycleOptions } from '../nodelifecycle/reconcile';
import type { Lease, Node, Pod } from '../nodelifecycle/types';
import { ignoreNotFound, keyOfObject } from './client';
import type { SyncResult } from './controller';
import type { IndexedInformer } from './informers';
import { paths } from './paths';
import { causeOf, ControllerShell, type ShellContext } from './shell';

// The node lifecycle shell: a node is queued when it or its Lease (kube-node-lease) changes,
// when one of its pods changes while the node carries a NoExecute taint, and every
// NODE_MONITOR_PERIOD_SECONDS while leading — silence is noticed by that periodic pass.

export const NODE_LEASE_NAMESPACE = 'kube-node-lease';

export class NodeLifecycleController extends ControllerShell {
  readonly name = 'nodelifecycle';
  override readonly workers = 2;
  private readonly nodes: IndexedInformer;
  private readonly leases: IndexedInformer;
  private readonly pods: IndexedInformer;
  private readonly podsByNode = new Map<string, Map<string, KubeObject>>();
  private timer?: NodeJS.Timeout;

  constructor(
    ctx: ShellContext,
    private readonly options: NodeLifecycleOptions = {},
  ) {
    super(ctx);
    this.nodes = ctx.informers.for('', 'nodes');
    this.leases = ctx.informers.for('coordination.k8s.io', 'leases');
    this.pods = ctx.informers.for('', 'pods');
    this.nodes.on((e) => this.enqueue(e.key, e.seq));
    this.leases.on((e) => {
      if (e.object.metadata.namespace === NODE_LEASE_NAMESPACE) this.enqueue(e.object.metadata.name!, e.seq);
    });
    this.pods.on((e) => this.onPod(e));
  }

  keys(): string[] {
    return this.nodes.list().map(keyOfObject);
  }

  override onStartedLeading(): void {
    this.timer = setInterval(() => {
      for (const key of this.keys()) this.enqueue(key);
    }, NODE_MONITOR_PERIOD_SECONDS * 1000);
    this.timer.unref();
  }

  override onStoppedLeading(): void {
    if (this.timer) clearInterval(this.timer);
  }

  private onPod(e: InformerEvent): void {
    const nodeOf = (p?: KubeObject) => (p?.spec as { nodeName?: string } | undefined)?.nodeName;
    const before = nodeOf(e.old);
    const after = e.type === 'delete' ? undefined : nodeOf(e.object);
    if (before && before !== after) this.podsByNode.get(before)?.delete(e.key);
    if (after) {
      let m = this.podsByNode.get(after);
      if (!m) this.podsByNode.set(after, (m = new Map()));
      m.set(e.key, e.object);
      const node = this.nodes.get(after) as Node | undefined;
      if (node?.spec?.taints?.some((t) => t.effect === 'NoExecute')) this.enqueue(after, e.seq);
    }
  }

  async sync(name: string, queuedCause: number | undefined): Promise<SyncResult | void> {
    const node = this.nodes.get(name) as Node | undefined;
    if (!node) return void this.podsByNode.delete(name);
    const lease = this.leases.get(`${NODE_LEASE_NAMESPACE}/${name}`) as Lease | undefined;
    const pods = [...(this.podsByNode.get(name)?.values() ?? [])] as Pod[];
    const cause = causeOf(queuedCause, node);
    let requeue: number | undefined;
    for (const a of reconcileNode(node, { lease, pods }, this.now, this.options)) {
      if (a.type === 'requeueAfter') requeue = Math.min(requeue ?? Infinity, a.seconds);
      else await this.apply(node, a, cause);
    }
    return requeue === undefined ? {} : { requeueAfterSeconds: requeue };
  }

  private async apply(node: Node, a: Exclude<NodeLifecycleAction, { type: 'requeueAfter' }>, cause: number | undefined): Promise<void> {
    const w = { cause, fieldManager: this.component };
    switch (a.type) {
      case 'updateNodeStatus':
        await this.client.patch(paths.nodes(a.name, 'status'), { status: { conditions: a.conditions } }, { ...w, patchType: 'merge' });
        return;
      case 'updateNodeTaints':
        await this.client.patch(paths.nodes(a.name), { metadata: { resourceVersion: node.metadata.resourceVersion }, spec: { taints: a.taints } }, { ...w, patchType: 'merge' });
        return;
      case 'markPodNotReady': {
        const condition = { type: 'Ready', status: 'False', lastTransitionTime: a.lastTransitionTime };
        await this.client.patch(paths.pods(a.key.namespace, a.key.name, 'status'), { status: { conditions: [condition] } }, { ...w, patchType: 'strategic' }).catch(ignoreNotFound);
        return;
      }
      case 'evictPod':
        await this.client.patch(paths.pods(a.key.namespace, a.key.name, 'status'), { status: { conditions: [a.condition] } }, { ...w, patchType: 'strategic' }).catch(ignoreNotFound);
        await this.client.delete(paths.pods(a.key.namespace, a.key.name), { preconditions: { uid: a.key.uid } }, w).catch(ignoreNotFound);
        await this.recorder.record({ kind: 'Pod', namespace: a.key.namespace, name: a.key.name, uid: a.key.uid }, 'Normal', 'TaintManagerEviction', `Marking for deletion Pod ${a.key.namespace}/${a.key.name}`, cause);
        return;
      default: {
        const never: never = a;
        throw new Error(`unexpected ${JSON.stringify(never)}`);
      }
    }
  }
}
