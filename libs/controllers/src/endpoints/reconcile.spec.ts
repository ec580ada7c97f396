import { desiredSubsets, Endpoints, Service } from './endpoints';
import { EndpointsAction, reconcileEndpoints } from './reconcile';
import { pod, ref, service } from './testing';

const ips = (s: ReturnType<typeof desiredSubsets>) => s.map((x) => ({ ready: (x.addresses ?? []).map((a) => a.ip), notReady: (x.notReadyAddresses ?? []).map((a) => a.ip), ports: (x.ports ?? []).map((p) => p.port) }));

describe('endpoints', () => {
  it('nothing to do: the Endpoints already match the ready pods', () => {
    const svc = service();
    const pods = [pod('a', '10.0.0.2'), pod('b', '10.0.0.3')];
    const endpoints: Endpoints = { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'web', namespace: 'default', uid: 'uid-ep', labels: { app: 'web' } }, subsets: desiredSubsets(svc, pods) };
    expect(reconcileEndpoints(svc, { pods, endpoints })).toEqual([]);
  });

  it('creates Endpoints with ready addresses, their node and pod, and the named targetPort resolved per pod', () => {
    const actions = reconcileEndpoints(service(), { pods: [pod('b', '10.0.0.10'), pod('a', '10.0.0.9')] });
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
    const [action] = reconcileEndpoints(service({ headless: true }), { pods: [pod('web-0', '10.0.0.2', { hostname: 'web-0' })] });
    expect(action.type === 'createEndpoints' && action.endpoints).toMatchObject({ metadata: { labels: { app: 'web', 'service.kubernetes.io/headless': '' } }, subsets: [{ addresses: [{ ip: '10.0.0.2', hostname: 'web-0' }] }] });
  });

  it('updates the Endpoints when a pod becomes not ready', () => {
    const svc = service();
    const endpoints: Endpoints = { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'web', namespace: 'default', uid: 'uid-ep', labels: { app: 'web' } }, subsets: desiredSubsets(svc, [pod('a', '10.0.0.2')]) };
    const actions = reconcileEndpoints(svc, { pods: [pod('a', '10.0.0.2', { ready: false })], endpoints });
    expect(actions[0]).toMatchObject({ type: 'updateEndpoints', key: { name: 'web', uid: 'uid-ep' }, endpoints: { subsets: [{ notReadyAddresses: [{ ip: '10.0.0.2' }] }] } });
  });

  it.each([
    ['a deleted Service takes its Endpoints along', undefined, [{ type: 'deleteEndpoints', key: { namespace: 'default', name: 'web', uid: 'uid-ep' } }]],
    ['a Service without selector leaves them to the user', service({ selector: null }), []],
  ] as [string, Service | undefined, EndpointsAction[]][])('%s', (_, svc, expected) => {
    const endpoints: Endpoints = { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'web', namespace: 'default', uid: 'uid-ep' }, subsets: [] };
    expect(reconcileEndpoints(svc, { pods: [pod('a', '10.0.0.2')], endpoints })).toEqual(expected);
  });
});
