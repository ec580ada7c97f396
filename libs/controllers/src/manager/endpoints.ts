import type { Endpoints, Pod, Service } from '../endpoints/endpoints';
import { reconcileEndpoints, type EndpointsAction } from '../endpoints/reconcile';
import { applyActions, type ActionHandlers, type Writes } from './apply';
import { keyOfObject, splitKey } from './client';
import type { SyncResult } from './controller';
import type { IndexedInformer } from './informers';
import { paths } from './paths';
import { servicesPicking } from './services';
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
    this.pods.on((e) => servicesPicking(this.services, e).forEach((svc) => this.enqueue(keyOfObject(svc), e.seq)));
  }

  keys(): string[] {
    return this.services.list().map(keyOfObject);
  }

  async sync(key: string, queuedCause: number | undefined): Promise<SyncResult | void> {
    const service = this.services.get(key) as Service | undefined;
    const endpoints = this.endpoints.get(key) as Endpoints | undefined;
    const { namespace } = splitKey(key);
    const actions = reconcileEndpoints(service, { pods: this.pods.inNamespace(namespace) as Pod[], endpoints });
    return applyActions(actions, handlers(namespace, this.writes(causeOf(queuedCause, service ?? endpoints))));
  }
}

function handlers(ns: string, write: Writes): ActionHandlers<EndpointsAction> {
  return {
    createEndpoints: (a) => write.create(paths.endpoints(ns), a.endpoints),
    updateEndpoints: (a) => write.update(paths.endpoints(ns, a.key.name), a.endpoints),
    deleteEndpoints: (a) => write.remove(paths.endpoints(ns, a.key.name), a.key.uid),
  };
}
