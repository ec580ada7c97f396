import type { KubeObject } from '@keelson/apimachinery';
import type { InformerEvent } from '@keelson/informer';
import { controllerRefOf } from '../common/owner-references';
import { selects } from '../common/selectors';
import type { Deployment, Pod, ReplicaSet } from '../common/types';
import { reconcileDeployment } from '../deployment/reconcile';
import { keyOfObject, splitKey } from './client';
import type { SyncResult } from './controller';
import { executeControllerActions } from './execute';
import type { IndexedInformer } from './informers';
import { causeOf, ControllerShell, type ShellContext } from './shell';

// The Deployment shell (deployment_controller.go's handlers): a Deployment is queued when it
// changes, when a ReplicaSet it controls (or an orphan it selects) changes, and when a pod of
// one of its ReplicaSets goes away (Recreate waits for that).

export class DeploymentController extends ControllerShell {
  readonly name = 'deployment';
  override readonly workers = 5;
  private readonly deployments: IndexedInformer;
  private readonly replicaSets: IndexedInformer;
  private readonly pods: IndexedInformer;

  constructor(ctx: ShellContext) {
    super(ctx);
    this.deployments = ctx.informers.for('apps', 'deployments');
    this.replicaSets = ctx.informers.for('apps', 'replicasets');
    this.pods = ctx.informers.for('', 'pods');
    this.deployments.on((e) => this.enqueue(e.key, e.seq));
    this.replicaSets.on((e) => this.onReplicaSet(e));
    this.pods.on((e) => this.onPod(e));
  }

  keys(): string[] {
    return this.deployments.list().map(keyOfObject);
  }

  private onReplicaSet(e: InformerEvent): void {
    const rs = e.object;
    const ns = rs.metadata.namespace ?? '';
    const ref = controllerRefOf(rs);
    const oldRef = e.old && controllerRefOf(e.old);
    if (oldRef?.kind === 'Deployment' && oldRef.uid !== ref?.uid) this.enqueue(`${ns}/${oldRef.name}`, e.seq);
    if (ref) {
      if (ref.kind === 'Deployment') this.enqueue(`${ns}/${ref.name}`, e.seq);
      return;
    }
    if (e.type === 'delete') return;
    for (const d of this.deployments.inNamespace(ns)) {
      if (selects((d as Deployment).spec.selector, rs.metadata.labels)) this.enqueue(keyOfObject(d), e.seq);
    }
  }

  private onPod(e: InformerEvent): void {
    if (e.type !== 'delete') return;
    const ref = controllerRefOf(e.object);
    if (ref?.kind !== 'ReplicaSet') return;
    const rs = this.replicaSets.get(`${e.object.metadata.namespace}/${ref.name}`);
    const owner = rs && controllerRefOf(rs);
    if (owner?.kind !== 'Deployment') return;
    const d = this.deployments.get(`${rs!.metadata.namespace}/${owner.name}`) as Deployment | undefined;
    // Only Recreate waits on pods; a rolling update hears about them through its ReplicaSets.
    if (d?.spec.strategy?.type === 'Recreate') this.enqueue(keyOfObject(d), e.seq);
  }

  async sync(key: string, queuedCause: number | undefined): Promise<SyncResult | void> {
    const d = this.deployments.get(key) as Deployment | undefined;
    if (!d) return;
    const { namespace } = splitKey(key);
    const replicaSets = this.replicaSets.inNamespace(namespace) as ReplicaSet[];
    const recreate = d.spec.strategy?.type === 'Recreate';
    const actions = reconcileDeployment(d, { replicaSets, pods: recreate ? (this.pods.inNamespace(namespace) as Pod[]) : [] }, this.now);
    return executeControllerActions(actions, { write: this.writes(causeOf(queuedCause, d)), current: { Deployment: d as KubeObject } });
  }
}
