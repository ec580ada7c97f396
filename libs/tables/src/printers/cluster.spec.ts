import { Printer } from '../columns';
import { endpointSlicePrinter, horizontalPodAutoscalerPrinter, ingressClassPrinter, ingressPrinter, leasePrinter, networkPolicyPrinter, podDisruptionBudgetPrinter, priorityClassPrinter, storageClassPrinter } from './cluster';

const now = new Date('2025-01-10T12:00:00Z');
const metadata = { name: 'x', namespace: 'default', creationTimestamp: '2025-01-10T07:00:00Z' }; // 5h ago

describe('cluster printers', () => {
  it.each<[string, Printer, object, unknown[]]>([
    ['an ingress with TLS', ingressPrinter, { metadata, spec: { ingressClassName: 'nginx', rules: [{ host: 'a.example.com' }, { host: 'b.example.com' }], tls: [{}] }, status: { loadBalancer: { ingress: [{ ip: '192.0.2.4' }] } } }, ['x', 'nginx', 'a.example.com,b.example.com', '192.0.2.4', '80, 443', '5h']],
    ['an ingress with 4 rules and no class', ingressPrinter, { metadata, spec: { rules: [{ host: 'a' }, { host: 'b' }, { host: 'c' }, { host: 'd' }] } }, ['x', '<none>', 'a,b,c + 1 more...', '', '80', '5h']],
    ['an ingress without hosts', ingressPrinter, { metadata, spec: { rules: [{}] } }, ['x', '<none>', '*', '', '80', '5h']],
    ['an ingress class', ingressClassPrinter, { metadata, spec: { controller: 'k8s.io/ingress-nginx', parameters: { apiGroup: 'k8s.example.com', kind: 'IngressParameters', name: 'p' } } }, ['x', 'k8s.io/ingress-nginx', 'IngressParameters.k8s.example.com/p', '5h']],
    ['an endpoint slice with 4 addresses', endpointSlicePrinter, { metadata, addressType: 'IPv4', ports: [{ name: 'http', port: 8080 }], endpoints: ['10.244.1.2', '10.244.1.3', '10.244.2.2', '10.244.2.3'].map((a) => ({ addresses: [a] })) }, ['x', 'IPv4', '8080', '10.244.1.2,10.244.1.3,10.244.2.2 + 1 more...', '5h']],
    ['an endpoint slice with no endpoints, an all-ports port and a named one', endpointSlicePrinter, { metadata, addressType: 'IPv4', ports: [{ name: '' }, { name: 'dns' }], endpoints: [] }, ['x', 'IPv4', ',dns', '<unset>', '5h']],
    ['a network policy for all pods', networkPolicyPrinter, { metadata, spec: { podSelector: {} } }, ['x', '<none>', '5h']],
    ['a network policy for app=web', networkPolicyPrinter, { metadata, spec: { podSelector: { matchLabels: { app: 'web' } } } }, ['x', 'app=web', '5h']],
    ['the default storage class', storageClassPrinter, { metadata: { ...metadata, name: 'standard', annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } }, provisioner: 'rancher.io/local-path', volumeBindingMode: 'WaitForFirstConsumer' }, ['standard (default)', 'rancher.io/local-path', 'Delete', 'WaitForFirstConsumer', false, '5h']],
    ['a priority class', priorityClassPrinter, { metadata: { ...metadata, name: 'system-node-critical' }, value: 2000001000, preemptionPolicy: 'PreemptLowerPriority' }, ['system-node-critical', 2000001000, false, '5h', 'PreemptLowerPriority']],
    ['a lease', leasePrinter, { metadata, spec: { holderIdentity: 'node-a' } }, ['x', 'node-a', '5h']],
    ['a PDB with minAvailable', podDisruptionBudgetPrinter, { metadata, spec: { minAvailable: 2 }, status: { disruptionsAllowed: 1 } }, ['x', '2', 'N/A', 1, '5h']],
    ['a PDB with maxUnavailable 25%', podDisruptionBudgetPrinter, { metadata, spec: { maxUnavailable: '25%' }, status: {} }, ['x', 'N/A', '25%', 0, '5h']],
    [
      'an autoscaling/v2 HPA on cpu',
      horizontalPodAutoscalerPrinter,
      { metadata, spec: { scaleTargetRef: { kind: 'Deployment', name: 'web' }, minReplicas: 1, maxReplicas: 5, metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }] }, status: { currentReplicas: 2, currentMetrics: [{ resource: { current: { averageUtilization: 40 } } }] } },
      ['x', 'Deployment/web', 'cpu: 40%/80%', '1', 5, 2, '5h'],
    ],
    [
      'an autoscaling/v1 HPA not yet measured',
      horizontalPodAutoscalerPrinter,
      { metadata, spec: { scaleTargetRef: { kind: 'Deployment', name: 'web' }, maxReplicas: 3, targetCPUUtilizationPercentage: 50 }, status: {} },
      ['x', 'Deployment/web', 'cpu: <unknown>/50%', '<unset>', 3, 0, '5h'],
    ],
  ])('given %s, then its cells', (_what, printer, obj, cells) => {
    expect(printer.print(obj, now).cells).toEqual(cells);
  });
});
