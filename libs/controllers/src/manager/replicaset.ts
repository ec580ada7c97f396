import type { KubeObject } from '@keelson/apimachinery';
import type { InformerEvent } from '@keelson/informer';
import { controllerRefOf } from '../common/owner-references';
import { selects } from '../common/selectors';
import type { Pod, ReplicaSet } from '../common/types';
import { reconcileReplicaSet } from '../replicaset/reconcile';
import { keyOfObject, splitKey } from './client';
import type { SyncResult } from './controller';
import { executeControllerActions, podWriteError } from './execute';
import { Expectations } from './expectations';
import { observePodEvent, onOwner } from './owned-pods';
import type { IndexedInformer } from './informers';
import { causeOf, ControllerShell, type ShellContext } from './shell';

// The ReplicaSet shell (replica_set.go's event handlers + syncReplicaSet's IO): a ReplicaSet is
// queued when it changes, when a pod it controls changes, or when an orphan pod it selects
// appears. Pod creates and deletes are guarded by expectations.

export class ReplicaSetController extends ControllerShell {
  readonly name = 'replicaset';
  override readonly workers = 5;
  readonly expectations: Expectations;
  private readonly replicaSets: IndexedInformer;
  private readonly pods: IndexedInformer;
  private readonly manageErrors = new Map<string, { message: string }>();

  constructor(ctx: ShellContext) {
    super(ctx);
    this.expectations = new Expectations(ctx.now);
    this.replicaSets = ctx.informers.for('apps', 'replicasets');
    this.pods = ctx.informers.for('', 'pods');
    this.replicaSets.on(onOwner(this.expectations, this.enqueue));
    this.pods.on((e) => this.onPod(e));
  }

  keys(): string[] {
    return this.replicaSets.list().map(keyOfObject);
  }

  private onPod(e: InformerEvent): void {
    const pod = e.object;
    const ref = controllerRefOf(pod);
    const rsKey = ref?.kind === 'ReplicaSet' ? `${pod.metadata.namespace}/${ref.name}` : undefined;
    if (rsKey) observePodEvent(e, rsKey, this.expectations);
    const oldRef = e.old && controllerRefOf(e.old);
    if (oldRef?.kind === 'ReplicaSet' && oldRef.uid !== ref?.uid) this.enqueue(`${pod.metadata.namespace}/${oldRef.name}`, e.seq);
    if (rsKey) return this.enqueue(rsKey, e.seq);
    // An orphan: every ReplicaSet that selects it may adopt it.
    if (e.type === 'delete') return;
    for (const rs of this.replicaSets.inNamespace(pod.metadata.namespace ?? '')) {
      if (selects((rs as ReplicaSet).spec.selector, pod.metadata.labels)) this.enqueue(keyOfObject(rs), e.seq);
    }
  }

  async sync(key: string, queuedCause: number | undefined): Promise<SyncResult | void> {
    const rs = this.replicaSets.get(key) as ReplicaSet | undefined;
    if (!rs) {
      this.expectations.delete(key);
      this.manageErrors.delete(key);
      return;
    }
    const { namespace } = splitKey(key);
    const satisfied = this.expectations.satisfied(key);
    const actions = reconcileReplicaSet(
      rs,
      {
        pods: this.pods.inNamespace(namespace) as Pod[],
        replicaSets: this.replicaSets.inNamespace(namespace) as ReplicaSet[],
        expectationsSatisfied: satisfied,
        manageReplicasError: this.manageErrors.get(key),
      },
      this.now,
    );
    this.expectations.expectPodWrites(key, actions);
    try {
      const result = await executeControllerActions(actions, {
        write: this.writes(causeOf(queuedCause, rs)),
        current: { ReplicaSet: rs as KubeObject },
        onNotApplied: (rest) => this.expectations.lowerPodWrites(key, rest),
        podOwner: { kind: 'ReplicaSet', namespace, name: rs.metadata.name ?? '', uid: rs.metadata.uid },
      });
      if (actions.some((a) => a.type === 'createPod' || a.type === 'deletePod')) this.manageErrors.delete(key);
      return result;
    } catch (err) {
      const manageError = podWriteError(err);
      if (manageError) this.manageErrors.set(key, { message: manageError.message });
      throw err;
    }
  }
}
