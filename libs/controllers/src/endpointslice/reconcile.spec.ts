import type { Service } from '../endpoints/endpoints';
import { pod, ref, service } from '../endpoints/testing';
import { EndpointSliceAction, reconcileEndpointSlices } from './reconcile';
import { desiredEndpointSlices, EndpointSlice } from './slices';

// Slices as the API server would hold them: named by generateName, with a uid.
const stored = (slices: EndpointSlice[]): EndpointSlice[] => slices.map((s, i) => ({ ...s, metadata: { ...s.metadata, name: `web-${i}`, uid: `uid-s${i}` } }));
const summary = (actions: EndpointSliceAction[]) => actions.map((a) => (a.type === 'createEndpointSlice' ? `create ${a.slice.endpoints.length}` : `${a.type === 'updateEndpointSlice' ? 'update' : 'delete'} ${a.key.name}`));

describe('endpointslice', () => {
  it('nothing to do: the slices already match the pods', () => {
    const pods = [pod('a', '10.0.0.2'), pod('b', '10.0.0.3', { ready: false })];
    expect(reconcileEndpointSlices(service(), { pods, slices: stored(desiredEndpointSlices(service(), pods)) })).toEqual([]);
  });

  it('creates a slice labelled with the Service and this controller, owned by the Service', () => {
    const [action] = reconcileEndpointSlices(service(), { pods: [pod('a', '10.0.0.2')], slices: [] });
    expect(action).toEqual({
      type: 'createEndpointSlice',
      slice: {
        apiVersion: 'discovery.k8s.io/v1',
        kind: 'EndpointSlice',
        metadata: {
          generateName: 'web-',
          namespace: 'default',
          labels: { app: 'web', 'kubernetes.io/service-name': 'web', 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io' },
          ownerReferences: [{ apiVersion: 'v1', kind: 'Service', name: 'web', uid: 'uid-svc', controller: true, blockOwnerDeletion: true }],
        },
        addressType: 'IPv4',
        endpoints: [{ addresses: ['10.0.0.2'], conditions: { ready: true, serving: true, terminating: false }, nodeName: 'n1', targetRef: ref('a') }],
        ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
      },
    });
  });

  it('keeps terminating and not-ready pods, with conditions saying so', () => {
    const [slice] = desiredEndpointSlices(service(), [pod('a', '10.0.0.2'), pod('b', '10.0.0.3', { deleting: true }), pod('c', '10.0.0.4', { ready: false })]);
    expect(slice.endpoints.map((e) => [e.addresses[0], e.conditions])).toEqual([
      ['10.0.0.2', { ready: true, serving: true, terminating: false }],
      ['10.0.0.3', { ready: false, serving: true, terminating: true }],
      ['10.0.0.4', { ready: false, serving: false, terminating: false }],
    ]);
  });

  it('calls a not-ready pod ready when the Service publishes not-ready addresses', () => {
    const [slice] = desiredEndpointSlices(service({ publishNotReady: true }), [pod('a', '10.0.0.2', { ready: false })]);
    expect(slice.endpoints[0].conditions).toEqual({ ready: true, serving: false, terminating: false });
  });

  it('gives a headless Service its label and the pods whose subdomain names it their hostname', () => {
    const [slice] = desiredEndpointSlices(service({ headless: true }), [pod('web-0', '10.0.0.2', { hostname: 'web-0' }), pod('x', '10.0.0.3')]);
    expect(slice.metadata.labels).toMatchObject({ 'service.kubernetes.io/headless': '' });
    expect(slice.endpoints.map((e) => e.hostname)).toEqual(['web-0', undefined]);
  });

  it('holds at most 100 endpoints per slice', () => {
    const pods = Array.from({ length: 250 }, (_, i) => pod(`p${i}`, `10.0.${Math.floor(i / 200)}.${i % 200}`));
    expect(desiredEndpointSlices(service(), pods).map((s) => s.endpoints.length)).toEqual([100, 100, 50]);
  });

  it('puts pods whose named port resolves differently in different slices', () => {
    const slices = desiredEndpointSlices(service(), [pod('a', '10.0.0.2'), pod('b', '10.0.0.3', { containerPort: 9090 })]);
    expect(slices.map((s) => [s.ports[0].port, s.endpoints.map((e) => e.addresses[0])])).toEqual([[8080, ['10.0.0.2']], [9090, ['10.0.0.3']]]);
  });

  it('updates the slice in place when a pod goes, and deletes slices no longer needed', () => {
    const existing = stored(desiredEndpointSlices(service(), Array.from({ length: 150 }, (_, i) => pod(`p${i}`, `10.1.0.${i + 1}`))));
    expect(summary(reconcileEndpointSlices(service(), { pods: [pod('p0', '10.1.0.1')], slices: existing }))).toEqual(['update web-0', 'delete web-1']);
  });

  it('keeps one empty placeholder slice for a Service without endpoints', () => {
    const actions = reconcileEndpointSlices(service(), { pods: [], slices: [] });
    expect(actions).toMatchObject([{ type: 'createEndpointSlice', slice: { addressType: 'IPv4', endpoints: [], ports: [] } }]);
    const placeholder = stored([(actions[0] as { slice: EndpointSlice }).slice]);
    expect(reconcileEndpointSlices(service(), { pods: [], slices: placeholder })).toEqual([]);
  });

  it('leaves slices that another manager labelled with the Service alone', () => {
    const mirrored = stored(desiredEndpointSlices(service(), [pod('a', '10.0.0.2')])).map((s) => ({ ...s, metadata: { ...s.metadata, labels: { ...s.metadata.labels, 'endpointslice.kubernetes.io/managed-by': 'someone-else' } } }));
    expect(summary(reconcileEndpointSlices(service(), { pods: [], slices: mirrored }))).toEqual(['create 0']);
  });

  it.each([
    ['a deleted Service (its slices go with their owner)', undefined],
    ['a Service without selector', service({ selector: null })],
  ] as [string, Service | undefined][])('does nothing for %s', (_, svc) => {
    const slices = stored(desiredEndpointSlices(service(), [pod('a', '10.0.0.2')]));
    expect(reconcileEndpointSlices(svc, { pods: [pod('b', '10.0.0.3')], slices })).toEqual([]);
  });
});
