import type { KubeObject } from '@keelson/apimachinery';
import type { ClusterObjects } from './snapshot';

// The non-node objects a cycle reads (namespace labels for affinity namespaceSelectors; PVCs,
// PVs and StorageClasses for VolumeBinding). Copy-on-write: a snapshot holds the maps as they
// were; a change afterwards clones the one map it touches, never the ones already handed out.

const keyOf = (o: KubeObject) => (o.metadata.namespace ? `${o.metadata.namespace}/${o.metadata.name ?? ''}` : (o.metadata.name ?? ''));

export class ClusterObjectStore {
  private namespaces = new Map<string, Readonly<Record<string, string>>>();
  private pvcs = new Map<string, KubeObject>();
  private pvs = new Map<string, KubeObject>();
  private storageClasses = new Map<string, KubeObject>();
  private current?: ClusterObjects;
  /** maps some handed-out ClusterObjects holds: never mutated again */
  private readonly shared = new WeakSet<Map<string, unknown>>();

  setNamespace(namespace: KubeObject): void {
    this.namespaces = this.edit(this.namespaces, (m) => m.set(namespace.metadata.name ?? '', namespace.metadata.labels ?? {}));
  }
  removeNamespace(name: string): void {
    this.namespaces = this.edit(this.namespaces, (m) => m.delete(name));
  }
  /** keyed namespace/name, as Snapshot.pvcs is */
  setPvc(pvc: KubeObject): void {
    this.pvcs = this.edit(this.pvcs, (m) => m.set(keyOf(pvc), pvc));
  }
  removePvc(key: string): void {
    this.pvcs = this.edit(this.pvcs, (m) => m.delete(key));
  }
  setPv(pv: KubeObject): void {
    this.pvs = this.edit(this.pvs, (m) => m.set(keyOf(pv), pv));
  }
  removePv(name: string): void {
    this.pvs = this.edit(this.pvs, (m) => m.delete(name));
  }
  setStorageClass(sc: KubeObject): void {
    this.storageClasses = this.edit(this.storageClasses, (m) => m.set(keyOf(sc), sc));
  }
  removeStorageClass(name: string): void {
    this.storageClasses = this.edit(this.storageClasses, (m) => m.delete(name));
  }

  /** The same object as long as nothing changed, so a snapshot can tell it is up to date. */
  protected clusterObjects(): ClusterObjects {
    if (!this.current) {
      this.current = { namespaces: this.namespaces, pvcs: this.pvcs, pvs: [...this.pvs.values()], storageClasses: this.storageClasses };
      for (const m of [this.namespaces, this.pvcs, this.storageClasses]) this.shared.add(m as Map<string, unknown>);
    }
    return this.current;
  }

  /** Clones the map if a handed-out ClusterObjects may hold it, then applies the change. */
  private edit<V>(map: Map<string, V>, change: (m: Map<string, V>) => unknown): Map<string, V> {
    const own = this.shared.has(map) ? new Map(map) : map;
    change(own);
    this.current = undefined;
    return own;
  }
}
