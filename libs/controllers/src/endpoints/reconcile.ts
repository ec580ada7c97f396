// One Service key: its Endpoints (created, updated only when subsets or labels change, deleted
// with the Service) and its EndpointSlices (computed, then matched against the existing ones
// by position; the shell may hold them as data until the API serves discovery.k8s.io/v1).

import { isDeepStrictEqual } from 'node:util';
import { keyOf, ObjectKey } from '../common/actions';
import { desiredSubsets, Endpoints, Pod, Service } from './endpoints';
import { desiredEndpointSlices, EndpointSlice, LABEL_MANAGED_BY, MANAGED_BY } from './slices';

export const LABEL_HEADLESS = 'service.kubernetes.io/headless';

export interface EndpointsObserved {
  /** Pods in the Service's namespace. */
  readonly pods: readonly Pod[];
  /** The Endpoints named after the Service, if any. */
  readonly endpoints?: Endpoints;
  /** EndpointSlices labelled kubernetes.io/service-name = the Service. */
  readonly slices: readonly EndpointSlice[];
}

export type EndpointsAction =
  | { readonly type: 'createEndpoints'; readonly endpoints: Endpoints }
  | { readonly type: 'updateEndpoints'; readonly key: ObjectKey; readonly endpoints: Endpoints }
  | { readonly type: 'deleteEndpoints'; readonly key: ObjectKey }
  | { readonly type: 'createEndpointSlice'; readonly slice: EndpointSlice }
  | { readonly type: 'updateEndpointSlice'; readonly key: ObjectKey; readonly slice: EndpointSlice }
  | { readonly type: 'deleteEndpointSlice'; readonly key: ObjectKey };

/** @param service undefined when the Service is gone: its Endpoints go too (slices follow through ownerReferences). */
export function reconcileEndpoints(service: Service | undefined, observed: EndpointsObserved): EndpointsAction[] {
  if (!service) return observed.endpoints ? [{ type: 'deleteEndpoints', key: keyOf(observed.endpoints) }] : [];
  // Without a selector the Endpoints are the user's; ExternalName services have none.
  if (!service.spec?.selector || service.spec.type === 'ExternalName' || service.metadata.deletionTimestamp) return [];
  return [...syncEndpoints(service, observed), ...syncSlices(service, observed)];
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

function syncSlices(service: Service, observed: EndpointsObserved): EndpointsAction[] {
  const desired = desiredEndpointSlices(service, observed.pods);
  const existing = observed.slices.filter((s) => s.metadata.labels?.[LABEL_MANAGED_BY] === MANAGED_BY).sort((a, b) => (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''));
  const actions: EndpointsAction[] = [];
  desired.forEach((want, i) => {
    const have = existing[i];
    if (!have) return actions.push({ type: 'createEndpointSlice', slice: want });
    const same = have.addressType === want.addressType && isDeepStrictEqual(have.endpoints, want.endpoints) && isDeepStrictEqual(have.ports, want.ports) && isDeepStrictEqual(have.metadata.labels, want.metadata.labels);
    if (!same) actions.push({ type: 'updateEndpointSlice', key: keyOf(have), slice: { ...have, addressType: want.addressType, endpoints: want.endpoints, ports: want.ports, metadata: { ...have.metadata, labels: want.metadata.labels } } });
    return undefined;
  });
  for (const extra of existing.slice(desired.length)) actions.push({ type: 'deleteEndpointSlice', key: keyOf(extra) });
  return actions;
}

export function endpointsActionType(a: EndpointsAction): EndpointsAction['type'] {
  switch (a.type) {
    case 'createEndpoints':
    case 'updateEndpoints':
    case 'deleteEndpoints':
    case 'createEndpointSlice':
    case 'updateEndpointSlice':
    case 'deleteEndpointSlice':
      return a.type;
    default: {
      const never: never = a;
      throw new Error(`unexpected ${JSON.stringify(never)}`);
    }
  }
}
