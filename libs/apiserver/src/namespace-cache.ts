import type { KubeObject } from '@keelson/apimachinery';
import type { EventLog } from '@keelson/eventlog';
import { Informer } from '@keelson/informer';

// The namespaces every create checks against, kept in memory from the log (as Kubernetes'
// NamespaceLifecycle admission keeps an informer). A miss is not trusted — the namespace may
// be seconds old — and falls back to a read of the log.

export class NamespaceCache {
  private readonly informer: Informer;

  constructor(log: EventLog) {
    this.informer = new Informer(log, '', 'namespaces');
  }

  async start(): Promise<void> {
    await this.informer.start();
    await this.informer.synced;
  }

  /** The namespace if this cache has it; undefined means "ask the log". */
  get(name: string): KubeObject | undefined {
    return this.informer.get(name);
  }

  stop(): Promise<void> {
    return this.informer.stop();
  }
}
