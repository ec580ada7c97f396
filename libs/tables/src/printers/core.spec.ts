import { Printer } from '../columns';
import { configMapPrinter, endpointsPrinter, namespacePrinter, nodePrinter, persistentVolumeClaimPrinter, persistentVolumePrinter, secretPrinter, serviceAccountPrinter, servicePrinter } from './core';
import { eventPrinter } from './events';

const now = new Date('2025-01-10T12:00:00Z');
const metadata = { name: 'x', namespace: 'default', creationTimestamp: '2025-01-10T11:59:55Z' }; // 5s ago

describe('core printers', () => {
  it.each<[string, Printer, object, unknown[]]>([
    ['a ClusterIP service', servicePrinter, { metadata, spec: { type: 'ClusterIP', clusterIP: '10.96.0.10', clusterIPs: ['10.96.0.10'], ports: [{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }], selector: { 'k8s-app': 'kube-dns' } } }, ['x', 'ClusterIP', '10.96.0.10', '<none>', '53/UDP,53/TCP', '5s', 'k8s-app=kube-dns']],
    ['a NodePort service', servicePrinter, { metadata, spec: { type: 'NodePort', clusterIPs: ['10.96.1.1'], ports: [{ port: 80, nodePort: 30080, protocol: 'TCP' }] } }, ['x', 'NodePort', '10.96.1.1', '<none>', '80:30080/TCP', '5s', '<none>']],
    ['a pending LoadBalancer', servicePrinter, { metadata, spec: { type: 'LoadBalancer', clusterIPs: ['10.96.1.2'], ports: [{ port: 443, nodePort: 31443, protocol: 'TCP' }] } }, ['x', 'LoadBalancer', '10.96.1.2', '<pending>', '443:31443/TCP', '5s', '<none>']],
    ['a LoadBalancer with addresses', servicePrinter, { metadata, spec: { type: 'LoadBalancer', clusterIPs: ['10.96.1.2'], ports: [] }, status: { loadBalancer: { ingress: [{ ip: '192.0.2.9' }, { ip: '192.0.2.1' }] } } }, ['x', 'LoadBalancer', '10.96.1.2', '192.0.2.1,192.0.2.9', '<none>', '5s', '<none>']],
    ['a headless service', servicePrinter, { metadata, spec: { type: 'ClusterIP', clusterIP: 'None', clusterIPs: ['None'], ports: [{ port: 80, protocol: 'TCP' }] } }, ['x', 'ClusterIP', 'None', '<none>', '80/TCP', '5s', '<none>']],
    ['an ExternalName service', servicePrinter, { metadata, spec: { type: 'ExternalName', externalName: 'db.example.com' } }, ['x', 'ExternalName', '<none>', 'db.example.com', '<none>', '5s', '<none>']],
    ['endpoints with 4 addresses', endpointsPrinter, { metadata, subsets: [{ addresses: [{ ip: '10.0.0.1' }, { ip: '10.0.0.2' }, { ip: '10.0.0.3' }, { ip: '10.0.0.4' }], ports: [{ port: 80 }] }] }, ['x', '10.0.0.1:80,10.0.0.2:80,10.0.0.3:80 + 1 more...', '5s']],
    ['endpoints without subsets', endpointsPrinter, { metadata }, ['x', '<none>', '5s']],
    ['a namespace', namespacePrinter, { metadata, status: { phase: 'Active' } }, ['x', 'Active', '5s']],
    ['a configmap with data and binaryData', configMapPrinter, { metadata, data: { a: '1', b: '2' }, binaryData: { c: 'AA==' } }, ['x', 3, '5s']],
    ['a TLS secret', secretPrinter, { metadata, type: 'kubernetes.io/tls', data: { 'tls.crt': 'x', 'tls.key': 'y' } }, ['x', 'kubernetes.io/tls', 2, '5s']],
    ['a service account', serviceAccountPrinter, { metadata }, ['x', 0, '5s']],
  ])('given %s, then its cells', (_what, printer, obj, cells) => {
    expect(printer.print(obj, now).cells).toEqual(cells);
  });
});

describe('node printer', () => {
  const node = (labels: Record<string, string>, ready: string | undefined, unschedulable = false) => ({
    metadata: { name: 'node-a', labels, creationTimestamp: '2024-12-01T00:00:00Z' },
    spec: { unschedulable },
    status: {
      conditions: ready ? [{ type: 'MemoryPressure', status: 'False' }, { type: 'Ready', status: ready }] : [],
      addresses: [{ type: 'InternalIP', address: '172.18.0.2' }, { type: 'Hostname', address: 'node-a' }],
      nodeInfo: { kubeletVersion: 'v1.32.0', osImage: 'Debian GNU/Linux 12 (bookworm)', kernelVersion: '6.1.0', containerRuntimeVersion: 'docker://27.0.0' },
    },
  });
  it.each<[string, ReturnType<typeof node>, string, string]>([
    ['ready control plane', node({ 'node-role.kubernetes.io/control-plane': '' }, 'True'), 'Ready', 'control-plane'],
    ['not ready worker', node({ 'kubernetes.io/role': 'worker' }, 'False'), 'NotReady', 'worker'],
    ['cordoned, no roles', node({}, 'True', true), 'Ready,SchedulingDisabled', '<none>'],
    ['never reported', node({}, undefined), 'Unknown', '<none>'],
  ])('given a %s node, then STATUS %s and ROLES %s', (_what, obj, status, roles) => {
    expect(nodePrinter.print(obj, now).cells).toEqual(['node-a', status, roles, '40d', 'v1.32.0', '172.18.0.2', '<none>', 'Debian GNU/Linux 12 (bookworm)', '6.1.0', 'docker://27.0.0']);
  });
});

describe('volume printers', () => {
  it('given a bound PV, then CAPACITY ACCESS MODES RECLAIM POLICY STATUS CLAIM STORAGECLASS VOLUMEATTRIBUTESCLASS REASON AGE', () => {
    const pv = { metadata, spec: { capacity: { storage: '10Gi' }, accessModes: ['ReadWriteMany', 'ReadWriteOnce'], persistentVolumeReclaimPolicy: 'Retain', claimRef: { namespace: 'default', name: 'data' }, storageClassName: 'standard' }, status: { phase: 'Bound' } };
    expect(persistentVolumePrinter.columns.map((c) => c.name)).toEqual(['Name', 'Capacity', 'Access Modes', 'Reclaim Policy', 'Status', 'Claim', 'StorageClass', 'VolumeAttributesClass', 'Reason', 'Age', 'VolumeMode']);
    expect(persistentVolumePrinter.print(pv, now).cells).toEqual(['x', '10Gi', 'RWO,RWX', 'Retain', 'Bound', 'default/data', 'standard', '<unset>', '', '5s', '<unset>']);
  });
  it('given a pending PVC, then no capacity or access modes; once bound, the volume\'s', () => {
    const pending = { metadata, spec: { storageClassName: 'standard', resources: { requests: { storage: '1Gi' } } }, status: { phase: 'Pending' } };
    expect(persistentVolumeClaimPrinter.print(pending, now).cells).toEqual(['x', 'Pending', '', '', '', 'standard', '<unset>', '5s', '<unset>']);
    const bound = { ...pending, spec: { ...pending.spec, volumeName: 'pv-1', volumeMode: 'Filesystem' }, status: { phase: 'Bound', capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'] } };
    expect(persistentVolumeClaimPrinter.print(bound, now).cells).toEqual(['x', 'Bound', 'pv-1', '1Gi', 'RWO', 'standard', '<unset>', '5s', 'Filesystem']);
  });
});

describe('event printer', () => {
  it('given a core/v1 event, then LAST SEEN TYPE REASON OBJECT SUBOBJECT SOURCE MESSAGE FIRST SEEN COUNT NAME', () => {
    const ev = {
      metadata: { name: 'web.17a', namespace: 'default' },
      involvedObject: { kind: 'Pod', name: 'web', fieldPath: 'spec.containers{app}' },
      reason: 'Pulled', message: ' Successfully pulled image "nginx"\n', type: 'Normal', count: 3,
      firstTimestamp: '2025-01-10T11:50:00Z', lastTimestamp: '2025-01-10T11:59:00Z',
      source: { component: 'kubelet', host: 'node-a' },
    };
    expect(eventPrinter.print(ev, now).cells).toEqual(['60s', 'Normal', 'Pulled', 'pod/web', 'spec.containers{app}', 'kubelet, node-a', 'Successfully pulled image "nginx"', '10m', 3, 'web.17a']);
  });
  it('given an events.k8s.io/v1 singleton event, then it reads regarding/note/eventTime and counts 1', () => {
    const ev = { metadata: { name: 'e' }, regarding: { kind: 'Node', name: 'node-a' }, note: 'Starting kubelet.', reason: 'Starting', type: 'Normal', eventTime: '2025-01-10T11:58:00Z', reportingController: 'kubelet', reportingInstance: 'node-a' };
    expect(eventPrinter.print(ev, now).cells).toEqual(['2m', 'Normal', 'Starting', 'node/node-a', '', 'kubelet, node-a', 'Starting kubelet.', '2m', 1, 'e']);
  });
});
