import { reconcileStorage } from '../volume/reconcile';
import { DEFAULT_STORAGE_CLASS } from '../volume/storage-class';
import type { VolumeAction } from '../volume/actions';
import type { PersistentVolume, PersistentVolumeClaim, StorageClass } from '../volume/types';
import { applyActions, type ActionHandlers, type Writes } from './apply';
import { isAlreadyExists } from './client';
import type { SyncResult } from './controller';
import type { IndexedInformer } from './informers';
import { paths } from './paths';
import { causeOf, ControllerShell, type ShellContext } from './shell';

// The PersistentVolume binder and local-path provisioner: one pure pass over all claims,
// volumes, classes and nodes, so the queue holds a single key that every change of those
// re-queues (with its seq). At leadership the default StorageClass is created if absent.
// A provisioned volume's directory is removed by the node agent holding it (the PV's finalizer).

const ALL = 'storage';

export class PersistentVolumeController extends ControllerShell {
  readonly name = 'persistentvolume-binder';
  private readonly claims: IndexedInformer;
  private readonly volumes: IndexedInformer;
  private readonly classes: IndexedInformer;
  private readonly nodes: IndexedInformer;

  constructor(ctx: ShellContext) {
    super(ctx);
    this.claims = ctx.informers.for('', 'persistentvolumeclaims');
    this.volumes = ctx.informers.for('', 'persistentvolumes');
    this.classes = ctx.informers.for('storage.k8s.io', 'storageclasses');
    this.nodes = ctx.informers.for('', 'nodes');
    for (const i of [this.claims, this.volumes, this.classes]) i.on((e) => this.enqueue(ALL, e.seq));
    this.nodes.on((e) => e.type !== 'update' && this.enqueue(ALL, e.seq));
  }

  keys(): string[] {
    return [ALL];
  }

  override onStartedLeading(): void {
    if (this.classes.get(DEFAULT_STORAGE_CLASS.metadata.name!)) return;
    this.client.create(paths.storageClasses(), DEFAULT_STORAGE_CLASS, { fieldManager: this.component }).catch((e) => {
      if (!isAlreadyExists(e)) this.ctx.warn(`${this.component}: default StorageClass not created: ${(e as Error).message}`);
    });
  }

  async sync(_key: string, queuedCause: number | undefined): Promise<SyncResult | void> {
    const actions = reconcileStorage({
      claims: this.claims.list() as PersistentVolumeClaim[],
      volumes: this.volumes.list() as PersistentVolume[],
      classes: this.classes.list() as StorageClass[],
      nodes: this.nodes.list(),
    });
    return applyActions(actions, this.handlers(this.writes(causeOf(queuedCause, undefined))));
  }

  private handlers(write: Writes): ActionHandlers<VolumeAction> {
    return {
      updateClaim: (a) => write.update(paths.pvcs(a.key.namespace, a.key.name), a.claim),
      updateClaimStatus: async (a) => {
        const claim = this.claims.get(`${a.key.namespace}/${a.key.name}`);
        if (claim) await write.update(paths.pvcs(a.key.namespace, a.key.name, 'status'), { ...claim, status: a.status });
      },
      updateVolume: (a) => write.update(paths.pvs(a.key.name), a.volume),
      updateVolumeStatus: async (a) => {
        const volume = this.volumes.get(a.key.name);
        if (volume) await write.update(paths.pvs(a.key.name, 'status'), { ...volume, status: a.status });
      },
      createVolume: (a) => write.createOnce(paths.pvs(), a.volume),
      deleteVolume: (a) => write.remove(paths.pvs(a.key.name), a.key.uid),
      recordEvent: (a) => write.event({ kind: a.kind, namespace: a.key.namespace, name: a.key.name, uid: a.key.uid }, a.eventType, a.reason, a.message),
    };
  }
}
