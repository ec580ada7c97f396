import { reconcileNodeCIDR, type NodeIpamAction } from '../nodeipam/reconcile';
import type { Node } from '../nodelifecycle/types';
import { applyActions, type ActionHandlers, type Writes } from './apply';
import { keyOfObject } from './client';
import type { SyncResult } from './controller';
import type { IndexedInformer } from './informers';
import { paths } from './paths';
import { causeOf, ControllerShell, type ShellContext } from './shell';

// The node IPAM shell (kube-controller-manager's nodeipam, range allocator): a Node is queued
// when it changes. One worker, so the allocations it has in flight (`pending`) are one
// consistent picture; an entry leaves `pending` once the cache shows the Node with it, or the
// Node is gone.

type NodeWithCIDR = Node & { spec?: { podCIDR?: string } };

export class NodeIpamController extends ControllerShell {
  readonly name = 'nodeipam';
  override readonly workers = 1;
  private readonly nodes: IndexedInformer;
  private readonly pending = new Map<string, string>();
  /** Problems already reported (name/reason/podCIDR): a Node's status heartbeats must not repeat them. */
  private readonly reported = new Set<string>();
  private after?: string;

  constructor(ctx: ShellContext) {
    super(ctx);
    this.nodes = ctx.informers.for('', 'nodes');
    this.nodes.on((e) => {
      const name = e.object.metadata.name ?? '';
      const podCIDR = (e.object as NodeWithCIDR).spec?.podCIDR;
      if (e.type === 'delete' || (podCIDR && this.pending.get(name) === podCIDR)) this.pending.delete(name);
      // A Node deleted while its allocation is in flight: every Node waiting may now fit.
      if (e.type === 'delete') for (const n of this.nodes.list()) if (!(n as NodeWithCIDR).spec?.podCIDR) this.enqueue(keyOfObject(n), e.seq);
      this.enqueue(e.key, e.seq);
    });
  }

  keys(): string[] {
    return this.nodes.list().map(keyOfObject);
  }

  async sync(name: string, queuedCause: number | undefined): Promise<SyncResult | void> {
    const node = this.nodes.get(name) as NodeWithCIDR | undefined;
    if (!node) return void this.pending.delete(name);
    const actions = reconcileNodeCIDR(node, { nodes: this.nodes.list() as Node[], pending: this.pending, after: this.after });
    return applyActions(actions, this.handlers(this.writes(causeOf(queuedCause, node))));
  }

  private handlers(write: Writes): ActionHandlers<NodeIpamAction> {
    return {
      allocatePodCIDR: async (a) => {
        // Conditional on the version the decision was made from: a 409 is retried from the cache.
        await write.patch(paths.nodes(a.name), { metadata: { resourceVersion: a.resourceVersion }, spec: { podCIDR: a.podCIDR, podCIDRs: [a.podCIDR] } }, 'merge');
        this.pending.set(a.name, a.podCIDR);
        this.after = a.podCIDR;
      },
      reportProblem: async (a) => {
        const key = `${a.name}/${a.reason}/${a.message}`;
        if (this.reported.has(key)) return;
        this.reported.add(key);
        await write.event({ kind: 'Node', name: a.name, uid: a.uid }, 'Warning', a.reason, a.message);
      },
    };
  }
}
