import { Errors, StatusError } from '@keelson/apimachinery';
import { findByPlural } from '@keelson/resources';
import type { ObjectStore } from '../store';

const NAMESPACES = findByPlural('', 'v1', 'namespaces')!;

/** Objects go only into namespaces that exist and are not being deleted, as Kubernetes' NamespaceLifecycle admission says. */
export async function checkNamespace(store: ObjectStore, namespace: string): Promise<void> {
  const cached = store.namespaces?.get(namespace);
  const active = cached && !cached.metadata.deletionTimestamp && (cached.status as { phase?: string } | undefined)?.phase !== 'Terminating';
  if (active) return;
  const ns = (await store.current(NAMESPACES, undefined, namespace)).object;
  if (!ns) throw Errors.notFound('namespaces', '', namespace);
  if (ns.metadata.deletionTimestamp || (ns.status as { phase?: string } | undefined)?.phase === 'Terminating') {
    throw new StatusError(
      403,
      'Forbidden',
      `unable to create new content in namespace ${namespace} because it is being terminated`,
    );
  }
}
