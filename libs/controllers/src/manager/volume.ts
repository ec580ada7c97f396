import { reconcileStorage } from '../volume/reconcile';
import { DEFAULT_STORAGE_CLASS } from '../volume/storage-class';
import type { VolumeAction } from '../volume/actions';
import type { PersistentVolume, PersistentVolumeClaim, StorageClass } from '../volume/types';
import { ignoreNotFound, isAlreadyExists } from './client';
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
    const cause = causeOf(queuedCause, undefined);
    for (const a of actions) await this.apply(a, cause);
  }

  private async apply(a: VolumeAction, cause: number | undefined): Promise<void> {
    const w = { cause, fieldManager: this.component };
    switch (a.type) {
      case 'updateClaim':
        await this.client.update(paths.pvcs(a.key.namespace, a.key.name), a.claim, w);
        return;
      case 'updateClaimStatus': {
        const claim = this.claims.get(`${a.key.namespace}/${a.key.name}`);
        if (claim) await this.client.update(paths.pvcs(a.key.namespace, a.key.name, 'status'), { ...claim, status: a.status }, w);
        return;
      }
      case 'updateVolume':
        await this.client.update(paths.pvs(a.key.name), a.volume, w);
        return;
      case 'updateVolumeStatus': {
        const volume = this.volumes.get(a.key.name);
        if (volume) await this.client.update(paths.pvs(a.key.name, 'status'), { ...volume, status: a.status }, w);
        return;
      }
      case 'createVolume':
        await this.client.create(paths.pvs(), a.volume, w).catch((e) => {
          if (!isAlreadyExists(e)) throw e;
        });
        return;
      case 'deleteVolume':
        await this.client.delete(paths.pvs(a.key.name), { preconditions: { uid: a.key.uid } }, w).catch(ignoreNotFound);
        return;
      case 'recordEvent':
        await this.recorder.record({ kind: a.kind, namespace: a.key.namespace, name: a.key.name, uid: a.key.uid }, a.eventType, a.reason, a.message, cause);
        return;
      default: {
        const never: never = a;
        throw new Error(`unexpected ${JSON.stringify(never)}`);
      }
    }
  }
}
