// Watches PersistentVolumes and removes the directories of this node's deleted local-path
// volumes, then their finalizer (the decision is libs/kubelet's localPathToClean).
import { rmSync } from 'node:fs';
import type { KubeObject } from '@keelson/apimachinery';
import type { EventLog } from '@keelson/eventlog';
import { ApiClient, Informer, objectPath } from '@keelson/informer';
import { localPathToClean, withoutLocalPathFinalizer } from '@keelson/kubelet';

export async function startLocalPathCleaner(eventLog: EventLog, api: ApiClient, nodeName: string, root: string, log: (line: string) => void): Promise<() => Promise<void>> {
  const inFlight = new Set<string>();
  const clean = async (pv: KubeObject) => {
    const path = localPathToClean(pv, nodeName, root);
    const name = pv.metadata.name!;
    if (!path || inFlight.has(name)) return;
    inFlight.add(name);
    try {
      rmSync(path, { recursive: true, force: true });
      // resourceVersion makes this a conditional write: a newer version brings its own event.
      await api.patch(objectPath('', 'v1', 'persistentvolumes', undefined, name), { metadata: { finalizers: withoutLocalPathFinalizer(pv), resourceVersion: pv.metadata.resourceVersion } });
      log(`local-path: removed ${path} of deleted volume ${name}`);
    } catch (e) {
      log(`local-path: cleanup of volume ${name} failed: ${(e as Error).message}`);
    } finally {
      inFlight.delete(name);
    }
  };
  const informer = new Informer(eventLog, '', 'persistentvolumes');
  informer.on((e) => e.type !== 'delete' && void clean(e.object));
  await informer.start();
  await informer.synced;
  for (const pv of informer.list()) void clean(pv);
  return () => informer.stop();
}
