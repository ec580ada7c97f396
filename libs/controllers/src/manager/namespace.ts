import { RESOURCES } from '@keelson/resources';
import { objectPath } from '@keelson/informer';
import { reconcileNamespace, type Namespace, type NamespaceAction, type NamespacedContent } from '../namespace/reconcile';
import { applyActions, type ActionHandlers, type Writes } from './apply';
import { ignoreNotFound, isNotFound } from './client';
import type { SyncResult } from './controller';
import type { IndexedInformer } from './informers';
import { paths } from './paths';
import { causeOf, ControllerShell, type ShellContext } from './shell';

// The namespace shell: a namespace is queued when it changes, and a terminating one again
// whenever something inside it goes away. Its contents come from the shared informers of
// every namespaced resource.

export class NamespaceController extends ControllerShell {
  readonly name = 'namespace';
  override readonly workers = 2;
  private readonly namespaces: IndexedInformer;
  private readonly contents: { group: string; version: string; plural: string; informer: IndexedInformer }[];

  constructor(ctx: ShellContext) {
    super(ctx);
    this.namespaces = ctx.informers.for('', 'namespaces');
    this.namespaces.on((e) => this.enqueue(e.key, e.seq));
    this.contents = RESOURCES.filter((r) => r.namespaced).map((r) => ({ group: r.group, version: r.versions[0], plural: r.plural, informer: ctx.informers.for(r.group, r.plural) }));
    for (const c of this.contents) {
      c.informer.on((e) => {
        if (e.type === 'add') return;
        const ns = this.namespaces.get(e.object.metadata.namespace ?? '');
        if (ns?.metadata.deletionTimestamp) this.enqueue(ns.metadata.name!, e.seq);
      });
    }
  }

  keys(): string[] {
    return this.namespaces.list().map((n) => n.metadata.name!);
  }

  async sync(name: string, queuedCause: number | undefined): Promise<SyncResult | void> {
    const ns = this.namespaces.get(name) as Namespace | undefined;
    if (!ns?.metadata.deletionTimestamp) return;
    const contents: NamespacedContent[] = this.contents.map((c) => ({ group: c.group, version: c.version, plural: c.plural, objects: c.informer.inNamespace(name) }));
    return applyActions(reconcileNamespace(ns, contents, this.now), this.handlers(ns, this.writes(causeOf(queuedCause, ns))));
  }

  private handlers(ns: Namespace, write: Writes): ActionHandlers<NamespaceAction> {
    return {
      deleteCollection: (a) => write.remove(objectPath(a.group, a.version, a.plural, a.namespace), undefined, { propagationPolicy: 'Background' }),
      updateNamespaceStatus: (a) => write.update(paths.namespaces(a.name, 'status'), { ...ns, status: a.status }),
      finalizeNamespace: async (a) => {
        const body = { ...ns, spec: { ...ns.spec, finalizers: [...a.finalizers] } };
        // Kubernetes changes spec.finalizers only through /finalize; a server without it takes a plain update.
        await write.update(paths.namespaces(a.name, 'finalize'), body).catch(async (e) => {
          if (!isNotFound(e) && (e as { code?: number }).code !== 405) throw e;
          return write.update(paths.namespaces(a.name), body).catch(ignoreNotFound);
        });
      },
    };
  }
}
