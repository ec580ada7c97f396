import type { InformerEvent } from '@keelson/informer';
import { selects } from '../common/selectors';
import type { Endpoints, Pod, Service } from '../endpoints/endpoints';
import { reconcileEndpoints, type EndpointsAction } from '../endpoints/reconcile';
import { ignoreNotFound, keyOfObject } from './client';
import type { SyncResult } from './controller';
import type { IndexedInformer } from './informers';
import { paths } from './paths';
import { causeOf, ControllerShell, type ShellContext } from './shell';

// The Endpoints shell: a Service is queued when it changes, when its Endpoints change, and
// when a pod its selector picks (before or after the change) changes.

export class EndpointsController extends ControllerShell {
  readonly name = 'endpoints';
  override readonly workers = 3;
  private readonly services: IndexedInformer;
  private readonly endpoints: IndexedInformer;
  private readonly pods: IndexedInformer;

  constructor(ctx: ShellContext) {
    super(ctx);
    this.services = ctx.informers.for('', 'services');
    this.endpoints = ctx.informers.for('', 'endpoints');
    this.pods = ctx.informers.for('', 'pods');
    this.services.on((e) => this.enqueue(e.key, e.seq));
    this.endpoints.on((e) => this.enqueue(e.key, e.seq));
    this.pods.on((e) => this.onPod(e));
  }

  keys(): string[] {
    return this.services.list().map(keyOfObject);
  }

  private onPod(e: InformerEvent): void {
    const ns = e.object.metadata.namespace ?? '';
    for (const svc of this.services.inNamespace(ns)) {
      const selector = (svc as Service).spec?.selector;
      if (!selector) continue;
      const picks = (labels?: Record<string, string>) => selects({ matchLabels: selector }, labels);
      if (picks(e.object.metadata.labels) || (e.old && picks(e.old.metadata.labels))) this.enqueue(keyOfObject(svc), e.seq);
    }
  }

  async sync(key: string, queuedCause: number | undefined): Promise<SyncResult | void> {
    const service = this.services.get(key) as Service | undefined;
    const endpoints = this.endpoints.get(key) as Endpoints | undefined;
    const ns = key.split('/')[0];
    const actions = reconcileEndpoints(service, { pods: this.pods.inNamespace(ns) as Pod[], endpoints });
    const cause = causeOf(queuedCause, service ?? endpoints);
    for (const a of actions) await this.apply(ns, a, cause);
  }

  private async apply(ns: string, a: EndpointsAction, cause: number | undefined): Promise<void> {
    const w = { cause, fieldManager: this.component };
    switch (a.type) {
      case 'createEndpoints':
        await this.client.create(paths.endpoints(ns), a.endpoints, w);
        return;
      case 'updateEndpoints':
        await this.client.update(paths.endpoints(ns, a.key.name), a.endpoints, w);
        return;
      case 'deleteEndpoints':
        await this.client.delete(paths.endpoints(ns, a.key.name), { preconditions: { uid: a.key.uid } }, w).catch(ignoreNotFound);
        return;
      default: {
        const never: never = a;
        throw new Error(`unexpected ${JSON.stringify(never)}`);
      }
    }
  }
}
