import { desiredSubsets, Endpoints, Pod, Service, ServicePort } from './endpoints';
import { EndpointsAction, reconcileEndpoints } from './reconcile';
import { desiredEndpointSlices } from './slices';

const service = (extra: { ports?: ServicePort[]; headless?: boolean; publishNotReady?: boolean; selector?: Record<string, string> | null } = {}): Service => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'web', namespace: 'default', uid: 'uid-svc', labels: { app: 'web' } },
  spec: {
    ...(extra.selector === null ? {} : { selector: extra.selector ?? { app: 'web' } }),
    ports: extra.ports ?? [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }],
    clusterIP: extra.headless ? 'None' : '10.96.0.10',
    ...(extra.publishNotReady ? { publishNotReadyAddresses: true } : {}),
  },
});
const pod = (name: string, ip: string, extra: { ready?: boolean; deleting?: boolean; containerPort?: number; hostname?: string; phase?: string; labels?: Record<string, string> } = {}): Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'default', uid: `uid-${name}`, labels: extra.labels ?? { app: 'web' }, ...(extra.deleting ? { deletionTimestamp: '2025-01-01T12:00:00Z' } : {}) },
  spec: { nodeName: 'n1', containers: [{ name: 'nginx', ports: [{ name: 'http', containerPort: extra.containerPort ?? 8080 }] }], ...(extra.hostname ? { hostname: extra.hostname, subdomain: 'web' } : {}) },
  status: { phase: extra.phase ?? 'Running', podIP: ip, conditions: [{ type: 'Ready', status: extra.ready === false ? 'False' : 'True' }] },
});
const ref = (name: string) => ({ kind: 'Pod' as const, namespace: 'default', name, uid: `uid-${name}` });
const ips = (s: ReturnType<typeof desiredSubsets>) => s.map((x) => ({ ready: (x.addresses ?? []).map((a) => a.ip), notReady: (x.notReadyAddresses ?? []).map((a) => a.ip), ports: (x.ports ?? []).map((p) => p.port) }));

describe('endpoints', () => {
  it('nothing to do: Endpoints and slices already match the ready pods', () => {
    const svc = service();
    const pods = [pod('a', '10.0.0.2'), pod('b', '10.0.0.3')];
    const endpoints: Endpoints = { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'web', namespace: 'default', uid: 'uid-ep', labels: { app: 'web' } }, subsets: desiredSubsets(svc, pods) };
    const slices = desiredEndpointSlices(svc, pods).map((s, i) => ({ ...s, metadata: { ...s.metadata, name: `web-${i}`, uid: `uid-slice-${i}` } }));
    expect(reconcileEndpoints(svc, { pods, endpoints, slices })).toEqual([]);
  });

  it('creates Endpoints with ready addresses, their node and pod, and the named targetPort resolved per pod', () => {
    const actions = reconcileEndpoints(service(), { pods: [pod('b', '10.0.0.10'), pod('a', '10.0.0.9')], slices: [] });
    expect(actions[0]).toEqual({
      type: 'createEndpoints',
      endpoints: {
        apiVersion: 'v1',
        kind: 'Endpoints',
        metadata: { name: 'web', namespace: 'default', labels: { app: 'web' } },
        subsets: [{ addresses: [{ ip: '10.0.0.9', nodeName: 'n1', targetRef: ref('a') }, { ip: '10.0.0.10', nodeName: 'n1', targetRef: ref('b') }], ports: [{ name: 'http', port: 8080, protocol: 'TCP' }] }],
      },
    });
  });

  it.each([
    ['a not-ready pod goes under notReadyAddresses', [pod('a', '10.0.0.2', { ready: false })], {}, [{ ready: [], notReady: ['10.0.0.2'], ports: [8080] }]],
    ['publishNotReadyAddresses lists it as ready', [pod('a', '10.0.0.2', { ready: false })], { publishNotReady: true }, [{ ready: ['10.0.0.2'], notReady: [], ports: [8080] }]],
    ['a terminating pod is left out', [pod('a', '10.0.0.2', { deleting: true })], {}, []],
    ['a finished pod is left out', [pod('a', '10.0.0.2', { phase: 'Succeeded' })], {}, []],
    ['a pod without an IP yet is left out', [pod('a', '')], {}, []],
    ['a pod the selector does not select is left out', [pod('a', '10.0.0.2', { labels: { app: 'db' } })], {}, []],
    ['pods whose named port differs land in different subsets', [pod('a', '10.0.0.2'), pod('b', '10.0.0.3', { containerPort: 9090 })], {}, [{ ready: ['10.0.0.2'], notReady: [], ports: [8080] }, { ready: ['10.0.0.3'], notReady: [], ports: [9090] }]],
    ['a numeric targetPort is used as it is', [pod('a', '10.0.0.2')], { ports: [{ port: 80, targetPort: 3000 }] }, [{ ready: ['10.0.0.2'], notReady: [], ports: [3000] }]],
    ['no targetPort means the service port', [pod('a', '10.0.0.2')], { ports: [{ port: 80 }] }, [{ ready: ['10.0.0.2'], notReady: [], ports: [80] }]],
    ['a pod without the named port is no endpoint', [pod('a', '10.0.0.2')], { ports: [{ name: 'grpc', port: 81, targetPort: 'grpc' }] }, []],
  ])('%s', (_, pods, svcExtra, expected) => {
    expect(ips(desiredSubsets(service(svcExtra), pods))).toEqual(expected);
  });

  it('gives pods of a headless service their hostname and labels the Endpoints headless', () => {
    const [action] = reconcileEndpoints(service({ headless: true }), { pods: [pod('web-0', '10.0.0.2', { hostname: 'web-0' })], slices: [] });
    expect(action.type === 'createEndpoints' && action.endpoints).toMatchObject({ metadata: { labels: { app: 'web', 'service.kubernetes.io/headless': '' } }, subsets: [{ addresses: [{ ip: '10.0.0.2', hostname: 'web-0' }] }] });
  });

  it('updates the Endpoints when a pod becomes not ready', () => {
    const svc = service();
    const endpoints: Endpoints = { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'web', namespace: 'default', uid: 'uid-ep', labels: { app: 'web' } }, subsets: desiredSubsets(svc, [pod('a', '10.0.0.2')]) };
    const actions = reconcileEndpoints(svc, { pods: [pod('a', '10.0.0.2', { ready: false })], endpoints, slices: [] });
    expect(actions[0]).toMatchObject({ type: 'updateEndpoints', key: { name: 'web', uid: 'uid-ep' }, endpoints: { subsets: [{ notReadyAddresses: [{ ip: '10.0.0.2' }] }] } });
  });

  it.each([
    ['a deleted Service takes its Endpoints along', undefined, [{ type: 'deleteEndpoints', key: { namespace: 'default', name: 'web', uid: 'uid-ep' } }]],
    ['a Service without selector leaves them to the user', service({ selector: null }), []],
  ] as [string, Service | undefined, EndpointsAction[]][])('%s', (_, svc, expected) => {
    const endpoints: Endpoints = { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'web', namespace: 'default', uid: 'uid-ep' }, subsets: [] };
    expect(reconcileEndpoints(svc, { pods: [pod('a', '10.0.0.2')], endpoints, slices: [] })).toEqual(expected);
  });

  describe('EndpointSlices', () => {
    it('keep terminating pods with conditions saying so, owned by the Service', () => {
      const [slice] = desiredEndpointSlices(service(), [pod('a', '10.0.0.2'), pod('b', '10.0.0.3', { deleting: true }), pod('c', '10.0.0.4', { ready: false })]);
      expect(slice.metadata).toMatchObject({ generateName: 'web-', labels: { 'kubernetes.io/service-name': 'web', 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io' }, ownerReferences: [{ kind: 'Service', uid: 'uid-svc', controller: true }] });
      expect(slice.addressType).toBe('IPv4');
      expect(slice.ports).toEqual([{ name: 'http', port: 8080, protocol: 'TCP' }]);
      expect(slice.endpoints.map((e) => [e.addresses[0], e.conditions])).toEqual([
        ['10.0.0.2', { ready: true, serving: true, terminating: false }],
        ['10.0.0.3', { ready: false, serving: true, terminating: true }],
        ['10.0.0.4', { ready: false, serving: false, terminating: false }],
      ]);
    });

    it('hold at most 100 endpoints each', () => {
      const pods = Array.from({ length: 250 }, (_, i) => pod(`p${i}`, `10.0.${Math.floor(i / 200)}.${i % 200}`));
      expect(desiredEndpointSlices(service(), pods).map((s) => s.endpoints.length)).toEqual([100, 100, 50]);
    });

    it('reuse existing slices by position and delete the ones no longer needed', () => {
      const svc = service();
      const make = (n: number) => desiredEndpointSlices(svc, Array.from({ length: n }, (_, i) => pod(`p${i}`, `10.1.0.${i + 1}`))).map((s, i) => ({ ...s, metadata: { ...s.metadata, name: `web-${i}`, uid: `uid-s${i}` } }));
      const existing = make(150); // two slices
      const actions = reconcileEndpoints(svc, { pods: [pod('p0', '10.1.0.1')], endpoints: undefined, slices: existing }).filter((a) => a.type !== 'createEndpoints');
      expect(actions.map((a) => (a.type === 'createEndpointSlice' ? a.type : `${a.type} ${'key' in a ? a.key.name : ''}`))).toEqual(['updateEndpointSlice web-0', 'deleteEndpointSlice web-1']);
    });
  });
});
