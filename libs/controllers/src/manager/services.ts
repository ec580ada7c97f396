import type { KubeObject } from '@keelson/apimachinery';
import type { InformerEvent } from '@keelson/informer';
import { selects } from '../common/selectors';
import type { Service } from '../endpoints/endpoints';
import type { IndexedInformer } from './informers';

// For the Endpoints and EndpointSlice shells: which Services a pod event concerns.

/** The Services in the pod's namespace whose selector picks the pod, before or after the change. */
export function servicesPicking(services: IndexedInformer, e: InformerEvent): KubeObject[] {
  return services.inNamespace(e.object.metadata.namespace ?? '').filter((svc) => {
    const selector = (svc as Service).spec?.selector;
    if (!selector) return false;
    const picks = (labels?: Record<string, string>) => selects({ matchLabels: selector }, labels);
    return picks(e.object.metadata.labels) || (!!e.old && picks(e.old.metadata.labels));
  });
}
