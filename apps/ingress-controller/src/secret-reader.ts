// TLS Secrets, read through the API: the log holds Secrets sealed (their data is encrypted at
// rest), so the informer tells which Secrets exist and when they change, and the apiserver,
// which holds the key, serves their data. A Secret is fetched again only when its
// resourceVersion moves, so a sync that changes nothing reads nothing.
import type { KubeObject } from '@keelson/apimachinery';
import type { Secret } from '@keelson/ingress';
import { objectPath, type ApiClient, type Informer } from '@keelson/informer';

export class SecretReader {
  private readonly cache = new Map<string, { resourceVersion?: string; secret: Secret }>();

  constructor(
    private readonly api: ApiClient,
    private readonly informer: Informer,
  ) {}

  /** The Secrets named `namespace/name` that exist, opened. */
  async read(keys: readonly string[]): Promise<Secret[]> {
    const out: Secret[] = [];
    for (const key of keys) {
      const current: KubeObject | undefined = this.informer.get(key);
      if (!current) {
        this.cache.delete(key);
        continue;
      }
      const cached = this.cache.get(key);
      if (cached && cached.resourceVersion === current.metadata.resourceVersion) {
        out.push(cached.secret);
        continue;
      }
      const [namespace, name] = key.split('/');
      const secret = (await this.api.get(objectPath('', 'v1', 'secrets', namespace, name)).catch((e) => {
        if ((e as { code?: number }).code === 404) return undefined;
        throw e;
      })) as Secret | undefined;
      if (!secret) continue;
      this.cache.set(key, { resourceVersion: current.metadata.resourceVersion, secret });
      out.push(secret);
    }
    for (const key of this.cache.keys()) if (!keys.includes(key)) this.cache.delete(key);
    return out;
  }
}
