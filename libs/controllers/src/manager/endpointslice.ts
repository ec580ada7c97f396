import type { InformerEvent } from '@keelson/informer';
import type { Pod, Service } from '../endpoints/endpoints';
import { reconcileEndpointSlices, type EndpointSliceAction } from '../endpointslice/reconcile';
import { LABEL_SERVICE_NAME, type EndpointSlice } from '../endpointslice/slices';
import { applyActions, type ActionHandlers, type Writes } from './apply';
import { keyOfObject, splitKey } from './client';
import type { SyncResult } from './controller';
import type { IndexedInformer } from './informers';
import { paths } from './paths';
import { servicesPicking } from './services';
import { causeOf, ControllerShell, type ShellContext } from './shell';

// The EndpointSlice shell: a Service is queued when it changes, when a slice labelled with its
// name changes, and when a pod its selector picks (before or after the change) changes.

export class EndpointSliceController extends ControllerShell {
  readonly name = 'endpointslice';
  override readonly workers = 3;
  private readonly services: IndexedInformer;
  private readonly slices: IndexedInformer;
  private readonly pods: IndexedInformer;

  constructor(ctx: ShellContext) {
    super(ctx);
    this.services = ctx.informers.for('', 'services');
    this.slices = ctx.informers.for('discovery.k8s.io', 'endpointslices');
    this.pods = ctx.informers.for('', 'pods');
    this.services.on((e) => this.enqueue(e.key, e.seq));
    this.slices.on((e) => this.onSlice(e));
    this.pods.on((e) => servicesPicking(this.services, e).forEach((svc) => this.enqueue(keyOfObject(svc), e.seq)));
  }

  keys(): string[] {
    return this.services.list().map(keyOfObject);
  }

  private onSlice(e: InformerEvent): void {
    const service = e.object.metadata.labels?.[LABEL_SERVICE_NAME] ?? e.old?.metadata.labels?.[LABEL_SERVICE_NAME];
    if (service) this.enqueue(`${e.object.metadata.namespace}/${service}`, e.seq);
  }

  async sync(key: string, queuedCause: number | undefined): Promise<SyncResult | void> {
    const service = this.services.get(key) as Service | undefined;
    const { namespace, name } = splitKey(key);
    const slices = this.slices.inNamespace(namespace).filter((s) => s.metadata.labels?.[LABEL_SERVICE_NAME] === name) as EndpointSlice[];
    const actions = reconcileEndpointSlices(service, { pods: this.pods.inNamespace(namespace) as Pod[], slices });
    return applyActions(actions, handlers(namespace, this.writes(causeOf(queuedCause, service))));
  }
}

function handlers(ns: string, write: Writes): ActionHandlers<EndpointSliceAction> {
  return {
    createEndpointSlice: (a) => write.create(paths.endpointSlices(ns), a.slice),
    updateEndpointSlice: (a) => write.update(paths.endpointSlices(ns, a.key.name), a.slice),
    deleteEndpointSlice: (a) => write.remove(paths.endpointSlices(ns, a.key.name), a.key.uid),
  };
}
