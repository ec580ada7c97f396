import type { KubeObject } from '@keelson/apimachinery';
import type { EventLog } from '@keelson/eventlog';
import { Informer } from '@keelson/informer';

// Objects admission reads on every create, kept in memory from the log (as Kubernetes'
// admission plugins keep informers): namespaces for NamespaceLifecycle, StorageClasses for
// DefaultStorageClass.

export class InformerCache {
  private readonly informer: Informer;

  constructor(log: EventLog, group: string, plural: string) {
    this.informer = new Informer(log, group, plural);
  }

  async start(): Promise<void> {
    await this.informer.start();
    await this.informer.synced;
  }

  get(key: string): KubeObject | undefined {
    return this.informer.get(key);
  }

  list(): KubeObject[] {
    return this.informer.list();
  }

  stop(): Promise<void> {
    return this.informer.stop();
  }
}

/** A miss is not trusted — the namespace may be seconds old — and falls back to a read of the log. */
export class NamespaceCache extends InformerCache {
  constructor(log: EventLog) {
    super(log, '', 'namespaces');
  }
}
