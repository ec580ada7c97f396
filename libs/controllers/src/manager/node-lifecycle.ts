import type { KubeObject } from '@keelson/apimachinery';
import type { InformerEvent } from '@keelson/informer';
import { NODE_MONITOR_PERIOD_SECONDS, reconcileNode, type NodeLifecycleAction, type NodeLifecycleOptions } from '../nodelifecycle/reconcile';
import type { Lease, Node, Pod } from '../nodelifecycle/types';
import type { ObjectKey } from '../common/actions';
import { applyActions, type ActionHandlers, type Writes } from './apply';
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
    const actions = reconcileNode(node, { lease, pods }, this.now, this.options);
    return applyActions(actions, this.handlers(node, this.writes(causeOf(queuedCause, node))));
  }

  private handlers(node: Node, write: Writes): ActionHandlers<NodeLifecycleAction> {
    const podStatus = (key: ObjectKey, condition: object) => write.patch(paths.pods(key.namespace, key.name, 'status'), { status: { conditions: [condition] } }, 'strategic').catch(ignoreNotFound);
    return {
      updateNodeStatus: (a) => write.patch(paths.nodes(a.name, 'status'), { status: { conditions: a.conditions } }, 'merge'),
      // Conditional on the node version the taints were decided from.
      updateNodeTaints: (a) => write.patch(paths.nodes(a.name), { metadata: { resourceVersion: node.metadata.resourceVersion }, spec: { taints: a.taints } }, 'merge'),
      markPodNotReady: (a) => podStatus(a.key, { type: 'Ready', status: 'False', lastTransitionTime: a.lastTransitionTime }),
      evictPod: async ({ key, condition }) => {
        await podStatus(key, condition);
        await write.remove(paths.pods(key.namespace, key.name), key.uid);
        await write.event({ kind: 'Pod', namespace: key.namespace, name: key.name, uid: key.uid }, 'Normal', 'TaintManagerEviction', `Marking for deletion Pod ${key.namespace}/${key.name}`);
      },
    };
  }
}
