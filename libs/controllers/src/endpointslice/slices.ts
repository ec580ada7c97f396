// The discovery.k8s.io/v1 EndpointSlices a Service should have. Unlike Endpoints, slices keep
// terminating pods, with conditions saying so:
//   serving      the pod is ready
//   terminating  the pod has a deletionTimestamp
//   ready        serving and not terminating (always true when publishNotReadyAddresses)
// Endpoints with the same resolved ports share a slice, at most 100 per slice.

import type { KubeObject } from '@keelson/apimachinery';
import { EndpointPort, endpointAddress, findPort, isPodReady, Pod, selectedPods, Service, shouldBeInEndpoints } from '../endpoints/endpoints';
import { LABEL_HEADLESS } from '../endpoints/reconcile';

export const MAX_ENDPOINTS_PER_SLICE = 100;
export const LABEL_SERVICE_NAME = 'kubernetes.io/service-name';
export const LABEL_MANAGED_BY = 'endpointslice.kubernetes.io/managed-by';
export const MANAGED_BY = 'endpointslice-controller.k8s.io';

export interface SliceEndpoint {
  addresses: string[];
  conditions: { ready: boolean; serving: boolean; terminating: boolean };
  hostname?: string;
  nodeName?: string;
  targetRef: { kind: 'Pod'; namespace: string; name: string; uid: string };
}
export interface EndpointSlice extends KubeObject {
  addressType: 'IPv4' | 'IPv6';
  endpoints: SliceEndpoint[];
  ports: EndpointPort[];
}

export function desiredEndpointSlices(service: Service, pods: readonly Pod[]): EndpointSlice[] {
  const publishNotReady = service.spec?.publishNotReadyAddresses === true;
  const groups = new Map<string, { ports: EndpointPort[]; endpoints: SliceEndpoint[] }>();
  for (const pod of selectedPods(service, pods)) {
    if (!shouldBeInEndpoints(pod, true)) continue;
    const ports = (service.spec?.ports ?? []).flatMap((sp) => {
      const port = findPort(pod, sp);
      return port === undefined ? [] : [{ name: sp.name ?? '', port, protocol: sp.protocol ?? 'TCP', ...(sp.appProtocol ? { appProtocol: sp.appProtocol } : {}) }];
    });
    const terminating = Boolean(pod.metadata.deletionTimestamp);
    const serving = isPodReady(pod);
    const a = endpointAddress(pod, service);
    const endpoint: SliceEndpoint = {
      addresses: [a.ip],
      conditions: { ready: publishNotReady || (serving && !terminating), serving, terminating },
      ...(a.hostname ? { hostname: a.hostname } : {}),
      ...(a.nodeName ? { nodeName: a.nodeName } : {}),
      targetRef: a.targetRef!,
    };
    const key = JSON.stringify(ports);
    const group = groups.get(key) ?? { ports, endpoints: [] };
    group.endpoints.push(endpoint);
    groups.set(key, group);
  }
  const slices: EndpointSlice[] = [];
  for (const [, g] of [...groups].sort(([a], [b]) => a.localeCompare(b))) {
    g.endpoints.sort((x, y) => x.addresses[0].localeCompare(y.addresses[0], 'en', { numeric: true }));
    for (let i = 0; i < g.endpoints.length; i += MAX_ENDPOINTS_PER_SLICE) {
      slices.push({
        apiVersion: 'discovery.k8s.io/v1',
        kind: 'EndpointSlice',
        metadata: sliceMetadata(service),
        addressType: g.endpoints[i].addresses[0].includes(':') ? 'IPv6' : 'IPv4',
        endpoints: g.endpoints.slice(i, i + MAX_ENDPOINTS_PER_SLICE),
        ports: g.ports,
      });
    }
  }
  return slices;
}

/** What a Service with no endpoints keeps: one slice with neither ports nor endpoints. */
export function placeholderSlice(service: Service): EndpointSlice {
  return { apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: sliceMetadata(service), addressType: 'IPv4', endpoints: [], ports: [] };
}

/** setEndpointSliceLabels: the Service's labels, headless when it is, and whose slice it is. */
function sliceMetadata(service: Service): EndpointSlice['metadata'] {
  const name = service.metadata.name ?? '';
  return {
    generateName: `${name}-`,
    namespace: service.metadata.namespace,
    labels: { ...service.metadata.labels, ...(service.spec?.clusterIP === 'None' ? { [LABEL_HEADLESS]: '' } : {}), [LABEL_SERVICE_NAME]: name, [LABEL_MANAGED_BY]: MANAGED_BY },
    ownerReferences: [{ apiVersion: 'v1', kind: 'Service', name, uid: service.metadata.uid ?? '', controller: true, blockOwnerDeletion: true }],
  };
}
