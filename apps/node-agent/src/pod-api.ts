// PodApi over the internal API client: what a pod sync reads (ConfigMaps, Secrets — decrypted
// by the apiserver, which is why they are not read from the log — claims and volumes) and
// writes (status, the final delete). Reads are cached for a few seconds, as the kubelet's
// TTL-based configMap/secret managers do, so many pods naming one ConfigMap cost one read.
import type { KubeObject } from '@keelson/apimachinery';
import { objectPath, type ApiClient } from '@keelson/informer';
import type { Pod, PodApi, PodStatus } from '@keelson/kubelet';

const TTL_MS = 5_000;

export class ApiPodApi implements PodApi {
  private readonly cache = new Map<string, { at: number; value: Promise<KubeObject | undefined> }>();

  constructor(private readonly api: ApiClient) {}

  configMap(namespace: string, name: string) {
    return this.read(objectPath('', 'v1', 'configmaps', namespace, name)) as Promise<any>;
  }

  secret(namespace: string, name: string) {
    return this.read(objectPath('', 'v1', 'secrets', namespace, name)) as Promise<any>;
  }

  claim(namespace: string, name: string) {
    return this.read(objectPath('', 'v1', 'persistentvolumeclaims', namespace, name)) as Promise<any>;
  }

  volume(name: string) {
    return this.read(objectPath('', 'v1', 'persistentvolumes', undefined, name)) as Promise<any>;
  }

  async patchStatus(pod: Pod, status: PodStatus, cause?: number): Promise<void> {
    await this.api.patch(objectPath('', 'v1', 'pods', pod.metadata!.namespace, pod.metadata!.name, 'status'), { status }, { cause });
  }

  async deletePod(pod: Pod, cause?: number): Promise<void> {
    const body = { apiVersion: 'v1', kind: 'DeleteOptions', gracePeriodSeconds: 0, preconditions: { uid: pod.metadata!.uid } };
    try {
      await this.api.delete(`${objectPath('', 'v1', 'pods', pod.metadata!.namespace, pod.metadata!.name)}?gracePeriodSeconds=0`, body, { cause });
    } catch (e) {
      // Gone already, or a new pod of the same name (the uid precondition failed): nothing of ours to delete.
      if (![404, 409].includes((e as { code?: number }).code ?? 0)) throw e;
    }
  }

  private read(path: string): Promise<KubeObject | undefined> {
    const hit = this.cache.get(path);
    if (hit && Date.now() - hit.at < TTL_MS) return hit.value;
    const value = this.api.get(path).catch((e) => {
      if ((e as { code?: number }).code === 404) return undefined;
      this.cache.delete(path);
      throw e;
    });
    this.cache.set(path, { at: Date.now(), value });
    return value;
  }
}
