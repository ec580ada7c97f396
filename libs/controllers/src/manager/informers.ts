import type { KubeObject } from '@keelson/apimachinery';
import type { EventLog } from '@keelson/eventlog';
import { Informer, type InformerEvent } from '@keelson/informer';
import { keyOfObject } from './client';

// One informer per resource, shared by every controller that reads it (client-go's
// SharedInformerFactory), each with two indexes the syncs need: objects by namespace and by
// their controller's uid. Handlers must be added before `start`, so that the initial state
// reaches them too.

export class IndexedInformer {
  private readonly byNamespace = new Map<string, Map<string, KubeObject>>();
  private readonly byController = new Map<string, Map<string, KubeObject>>();

  constructor(readonly informer: Informer) {
    informer.on((e) => this.index(e));
  }

  get group(): string {
    return this.informer.group;
  }

  get plural(): string {
    return this.informer.plural;
  }

  on(handler: (e: InformerEvent) => void): this {
    this.informer.on(handler);
    return this;
  }

  get(key: string): KubeObject | undefined {
    return this.informer.get(key);
  }

  list(): KubeObject[] {
    return this.informer.list();
  }

  inNamespace(namespace: string): KubeObject[] {
    return [...(this.byNamespace.get(namespace)?.values() ?? [])];
  }

  namespaces(): string[] {
    return [...this.byNamespace.keys()];
  }

  /** Objects whose controller ownerReference has this uid. */
  controlledBy(uid: string | undefined): KubeObject[] {
    return uid ? [...(this.byController.get(uid)?.values() ?? [])] : [];
  }

  private index(e: InformerEvent): void {
    if (e.old) this.unindex(e.key, e.old);
    if (e.type === 'delete') return;
    const o = e.object;
    add(this.byNamespace, o.metadata.namespace ?? '', e.key, o);
    const ctrl = controllerUid(o);
    if (ctrl) add(this.byController, ctrl, e.key, o);
  }

  private unindex(key: string, o: KubeObject): void {
    remove(this.byNamespace, o.metadata.namespace ?? '', key);
    const ctrl = controllerUid(o);
    if (ctrl) remove(this.byController, ctrl, key);
  }
}

function controllerUid(o: KubeObject): string | undefined {
  return (o.metadata.ownerReferences ?? []).find((r) => r.controller === true)?.uid;
}

function add(m: Map<string, Map<string, KubeObject>>, bucket: string, key: string, o: KubeObject): void {
  let b = m.get(bucket);
  if (!b) m.set(bucket, (b = new Map()));
  b.set(key, o);
}

function remove(m: Map<string, Map<string, KubeObject>>, bucket: string, key: string): void {
  const b = m.get(bucket);
  if (!b) return;
  b.delete(key);
  if (b.size === 0) m.delete(bucket);
}

export class SharedInformers {
  private readonly informers = new Map<string, IndexedInformer>();
  private started = false;

  constructor(private readonly log: EventLog) {}

  /** The informer of `group/plural`, created on first use (before `start`). */
  for(group: string, plural: string): IndexedInformer {
    const id = `${group}/${plural}`;
    let i = this.informers.get(id);
    if (!i) {
      if (this.started) throw new Error(`informer ${id} asked for after start`);
      i = new IndexedInformer(new Informer(this.log, group, plural));
      this.informers.set(id, i);
    }
    return i;
  }

  all(): IndexedInformer[] {
    return [...this.informers.values()];
  }

  /** Starts every informer and waits until each has delivered its current state. */
  async start(): Promise<void> {
    this.started = true;
    const all = this.all();
    await Promise.all(all.map((i) => i.informer.start()));
    await Promise.all(all.map((i) => i.informer.synced));
  }

  async stop(): Promise<void> {
    await Promise.all(this.all().map((i) => i.informer.stop()));
  }
}

export { keyOfObject };
