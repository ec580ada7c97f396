// Makes sure the kube-dns Service exists at its ClusterIP and that its Endpoints and
// EndpointSlice name where this server listens: created when missing, updated when they say
// something else, left alone when right — so every start, and every replica, may run it.
import type { KubeObject } from '@keelson/apimachinery';
import { KUBE_DNS, kubeDnsEndpoints, kubeDnsEndpointSlice, kubeDnsService, upToDate, type KubeDnsOptions } from '@keelson/dns';
import { objectPath, retryTransient, type ApiClient } from '@keelson/informer';

const FIELD_MANAGER = 'keelson-dns';
const path = {
  service: (name?: string) => objectPath('', 'v1', 'services', KUBE_DNS.namespace, name),
  endpoints: (name?: string) => objectPath('', 'v1', 'endpoints', KUBE_DNS.namespace, name),
  slices: (name?: string) => objectPath('discovery.k8s.io', 'v1', 'endpointslices', KUBE_DNS.namespace, name),
};

/** Retries while the apiserver is busy or starting (a cluster start on a loaded machine), as an addon manager would. */
export function registerKubeDns(api: ApiClient, o: KubeDnsOptions, warn: (m: string) => void): Promise<void> {
  return retryTransient(() => register(api, o, warn), (e) => warn(`dns: registering ${KUBE_DNS.namespace}/${KUBE_DNS.name} failed, retrying: ${(e as Error).message}`));
}

async function register(api: ApiClient, o: KubeDnsOptions, warn: (m: string) => void): Promise<void> {
  const service = await ensure(api, path.service, kubeDnsService(o), false);
  const clusterIP = (service.spec as { clusterIP?: string } | undefined)?.clusterIP;
  if (clusterIP !== o.clusterIP) warn(`dns: Service ${KUBE_DNS.namespace}/${KUBE_DNS.name} has clusterIP ${clusterIP}, not ${o.clusterIP}; pods' resolv.conf names ${o.clusterIP}`);
  await ensure(api, path.endpoints, kubeDnsEndpoints(o), true);
  await ensure(api, path.slices, kubeDnsEndpointSlice(o, service.metadata.uid ?? ''), true);
}

/** Reads what is there (creating `want` if nothing is) and, if `update`, brings it up to date. */
async function ensure(api: ApiClient, at: (name?: string) => string, want: KubeObject, update: boolean): Promise<KubeObject> {
  const name = want.metadata.name!;
  // Read first: creating a Service whose ClusterIP is taken (by itself) fails on the IP, not the name.
  const have = await api.get(at(name)).catch(async (e) => {
    if ((e as { code?: number }).code !== 404) throw e;
    return api.create(at(), want, { fieldManager: FIELD_MANAGER }).catch((c) => {
      if ((c as { code?: number }).code === 409) return api.get(at(name)); // another replica was quicker
      throw c;
    });
  });
  if (!update || upToDate(have, want)) return have;
  return api.update(at(name), { ...have, ...want, metadata: { ...have.metadata, labels: want.metadata.labels, ownerReferences: want.metadata.ownerReferences ?? have.metadata.ownerReferences } }, { fieldManager: FIELD_MANAGER });
}
