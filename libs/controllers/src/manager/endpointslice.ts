import type { InformerEvent } from '@keelson/informer';
import { selects } from '../common/selectors';
import type { Pod, Service } from '../endpoints/endpoints';
import { reconcileEndpointSlices, type EndpointSliceAction } from '../endpointslice/reconcile';
import { LABEL_SERVICE_NAME, type EndpointSlice } from '../endpointslice/slices';
import { ignoreNotFound, keyOfObject } from './client';
import type { SyncResult } from './controller';
import type { IndexedInformer } from './informers';
import { paths } from './paths';
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
    this.pods.on((e) => this.onPod(e));
  }

  keys(): string[] {
    return this.services.list().map(keyOfObject);
  }

  private onSlice(e: InformerEvent): void {
    const service = e.object.metadata.labels?.[LABEL_SERVICE_NAME] ?? e.old?.metadata.labels?.[LABEL_SERVICE_NAME];
    if (service) this.enqueue(`${e.object.metadata.namespace}/${service}`, e.seq);
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
    const [ns, name] = key.split('/');
    const slices = this.slices.inNamespace(ns).filter((s) => s.metadata.labels?.[LABEL_SERVICE_NAME] === name) as EndpointSlice[];
    const actions = reconcileEndpointSlices(service, { pods: this.pods.inNamespace(ns) as Pod[], slices });
    const cause = causeOf(queuedCause, service);
    for (const a of actions) await this.apply(ns, a, cause);
  }

  private async apply(ns: string, a: EndpointSliceAction, cause: number | undefined): Promise<void> {
    const w = { cause, fieldManager: this.component };
    switch (a.type) {
      case 'createEndpointSlice':
        await this.client.create(paths.endpointSlices(ns), a.slice, w);
        return;
      case 'updateEndpointSlice':
        await this.client.update(paths.endpointSlices(ns, a.key.name), a.slice, w);
        return;
      case 'deleteEndpointSlice':
        await this.client.delete(paths.endpointSlices(ns, a.key.name), { preconditions: { uid: a.key.uid } }, w).catch(ignoreNotFound);
        return;
      default: {
        const never: never = a;
        throw new Error(`unexpected ${JSON.stringify(never)}`);
      }
    }
  }
}
