// One Service key for the EndpointSlice controller (pkg/controller/endpointslice): the slices it
// should have, matched against the ones this controller manages (label managed-by), each
// desired slice taking the existing one with the same ports if there is one, else the first
// left over. Slices are created, updated where they differ, and deleted when no longer needed;
// an addressType cannot change, so such a slice is replaced. A Service with no endpoints keeps
// one empty placeholder slice, as Kubernetes does. A deleted Service's slices go through their
// ownerReferences (the garbage collector); a Service without a selector gets none from here.

import { isDeepStrictEqual } from 'node:util';
import { keyOf, ObjectKey } from '../common/actions';
import type { Pod, Service } from '../endpoints/endpoints';
import { desiredEndpointSlices, EndpointSlice, LABEL_MANAGED_BY, MANAGED_BY, placeholderSlice } from './slices';

export interface EndpointSliceObserved {
  /** Pods in the Service's namespace. */
  readonly pods: readonly Pod[];
  /** EndpointSlices labelled kubernetes.io/service-name = the Service, whoever manages them. */
  readonly slices: readonly EndpointSlice[];
}

export type EndpointSliceAction =
  | { readonly type: 'createEndpointSlice'; readonly slice: EndpointSlice }
  | { readonly type: 'updateEndpointSlice'; readonly key: ObjectKey; readonly slice: EndpointSlice }
  | { readonly type: 'deleteEndpointSlice'; readonly key: ObjectKey };

export function reconcileEndpointSlices(service: Service | undefined, observed: EndpointSliceObserved): EndpointSliceAction[] {
  if (!service || !service.spec?.selector || service.spec.type === 'ExternalName' || service.metadata.deletionTimestamp) return [];
  const computed = desiredEndpointSlices(service, observed.pods);
  const desired = computed.length ? computed : [placeholderSlice(service)];
  const left = observed.slices.filter((s) => s.metadata.labels?.[LABEL_MANAGED_BY] === MANAGED_BY).sort((a, b) => (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''));
  // Same ports first (then only endpoints change), else any slice of the same address type.
  const take = (want: EndpointSlice): EndpointSlice | undefined => {
    const reusable = (s: EndpointSlice) => s.addressType === want.addressType;
    let i = left.findIndex((s) => reusable(s) && isDeepStrictEqual(s.ports ?? [], want.ports));
    if (i < 0) i = left.findIndex(reusable);
    return i < 0 ? undefined : left.splice(i, 1)[0];
  };
  const actions: EndpointSliceAction[] = [];
  for (const want of desired) {
    const have = take(want);
    if (!have) actions.push({ type: 'createEndpointSlice', slice: want });
    else if (!sameContent(have, want)) actions.push({ type: 'updateEndpointSlice', key: keyOf(have), slice: { ...have, endpoints: want.endpoints, ports: want.ports, metadata: { ...have.metadata, labels: want.metadata.labels } } });
  }
  for (const extra of left) actions.push({ type: 'deleteEndpointSlice', key: keyOf(extra) });
  return actions;
}

function sameContent(have: EndpointSlice, want: EndpointSlice): boolean {
  return isDeepStrictEqual(have.endpoints ?? [], want.endpoints) && isDeepStrictEqual(have.ports ?? [], want.ports) && isDeepStrictEqual(have.metadata.labels ?? {}, want.metadata.labels);
}
