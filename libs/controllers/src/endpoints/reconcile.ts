// One Service key: its Endpoints (created, updated only when subsets or labels change, deleted
// with the Service). EndpointSlices are the endpointslice controller's (../endpointslice).

import { isDeepStrictEqual } from 'node:util';
import { keyOf, ObjectKey } from '../common/actions';
import { desiredSubsets, Endpoints, Pod, Service } from './endpoints';

export const LABEL_HEADLESS = 'service.kubernetes.io/headless';

export interface EndpointsObserved {
  /** Pods in the Service's namespace. */
  readonly pods: readonly Pod[];
  /** The Endpoints named after the Service, if any. */
  readonly endpoints?: Endpoints;
}

export type EndpointsAction =
  | { readonly type: 'createEndpoints'; readonly endpoints: Endpoints }
  | { readonly type: 'updateEndpoints'; readonly key: ObjectKey; readonly endpoints: Endpoints }
  | { readonly type: 'deleteEndpoints'; readonly key: ObjectKey };

/** @param service undefined when the Service is gone: its Endpoints go too (slices follow through ownerReferences). */
export function reconcileEndpoints(service: Service | undefined, observed: EndpointsObserved): EndpointsAction[] {
  if (!service) return observed.endpoints ? [{ type: 'deleteEndpoints', key: keyOf(observed.endpoints) }] : [];
  // Without a selector the Endpoints are the user's; ExternalName services have none.
  if (!service.spec?.selector || service.spec.type === 'ExternalName' || service.metadata.deletionTimestamp) return [];
  return syncEndpoints(service, observed);
}

function syncEndpoints(service: Service, observed: EndpointsObserved): EndpointsAction[] {
  const labels = { ...service.metadata.labels, ...(service.spec?.clusterIP === 'None' ? { [LABEL_HEADLESS]: '' } : {}) };
  const subsets = desiredSubsets(service, observed.pods);
  const current = observed.endpoints;
  if (!current) {
    return [{ type: 'createEndpoints', endpoints: { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: service.metadata.name, namespace: service.metadata.namespace, labels }, subsets } }];
  }
  if (isDeepStrictEqual(current.subsets ?? [], subsets) && isDeepStrictEqual(current.metadata.labels ?? {}, labels)) return [];
  return [{ type: 'updateEndpoints', key: keyOf(current), endpoints: { ...current, metadata: { ...current.metadata, labels }, subsets } }];
}

export function endpointsActionType(a: EndpointsAction): EndpointsAction['type'] {
  switch (a.type) {
    case 'createEndpoints':
    case 'updateEndpoints':
    case 'deleteEndpoints':
      return a.type;
    default: {
      const never: never = a;
      throw new Error(`unexpected ${JSON.stringify(never)}`);
    }
  }
}
