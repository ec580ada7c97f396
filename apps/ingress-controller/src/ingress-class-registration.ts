// The controller's IngressClass, as an ingress-nginx install brings its `nginx` class: created at
// start if no class of that name exists, and marked the cluster's default when no class is, so
// an Ingress without `ingressClassName` (the seed's, most examples') is served. An existing class
// of that name is left as it is — it is the administrator's.
import { DEFAULT_CLASS_ANNOTATION, isDefaultClass, type IngressClass } from '@keelson/ingress';
import { objectPath, retryTransient, type ApiClient } from '@keelson/informer';

export function ensureIngressClass(api: ApiClient, existing: readonly IngressClass[], name: string, controller: string, warn: (m: string) => void): Promise<void> {
  if (existing.some((c) => c.metadata.name === name)) return Promise.resolve();
  const annotations = existing.some(isDefaultClass) ? undefined : { [DEFAULT_CLASS_ANNOTATION]: 'true' };
  const body = { apiVersion: 'networking.k8s.io/v1', kind: 'IngressClass', metadata: { name, annotations }, spec: { controller } };
  const create = () =>
    api.create(objectPath('networking.k8s.io', 'v1', 'ingressclasses', undefined), body, { fieldManager: 'keelson-ingress-controller' }).then(
      () => undefined,
      (e) => {
        if ((e as { code?: number }).code !== 409) throw e; // created meanwhile: theirs stands
      },
    );
  return retryTransient(create, (e) => warn(`ingress-controller: creating IngressClass ${name} failed, retrying: ${(e as Error).message}`));
}
