// The Node and Pod objects of the scheduler benchmarks (scheduler.ts through the apiserver,
// scheduler-cycle.ts in-process): scheduler_perf's SchedulingBasic, a node affinity + taints
// workload and a required pod anti-affinity workload.

export const WORKLOADS = ['SchedulingBasic', 'NodeAffinityAndTaints', 'PodAntiAffinity'] as const;
export type Workload = (typeof WORKLOADS)[number];
export const ZONES = 10;

export function benchNode(i: number) {
  const name = `node-${i}`;
  const tainted = i % 5 === 0; // 1 node in 5 is dedicated
  const resources = { cpu: '32', memory: '128Gi', pods: '110' };
  return {
    name,
    object: { apiVersion: 'v1', kind: 'Node', metadata: { name, labels: { 'kubernetes.io/hostname': name, 'topology.kubernetes.io/zone': `zone-${i % ZONES}` } }, spec: tainted ? { taints: [{ key: 'dedicated', value: 'special', effect: 'NoSchedule' }] } : {} },
    status: { capacity: resources, allocatable: resources, conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady' }] },
  };
}

export function benchPod(workload: Workload, name: string, i: number) {
  const spec: Record<string, unknown> = { containers: [{ name: 'app', image: 'registry.example.com/app:1', resources: { requests: { cpu: '100m', memory: '128Mi' } } }] };
  const labels: Record<string, string> = { app: 'bench' };
  if (workload === 'NodeAffinityAndTaints') {
    const zones = [`zone-${i % ZONES}`, `zone-${(i + 1) % ZONES}`];
    spec.affinity = { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'topology.kubernetes.io/zone', operator: 'In', values: zones }] }] } } };
    if (i % 2 === 0) spec.tolerations = [{ key: 'dedicated', operator: 'Equal', value: 'special', effect: 'NoSchedule' }];
  }
  if (workload === 'PodAntiAffinity') {
    // groups of PODS/10 pods, each pod refusing a node that runs one of its group
    labels.group = `g${i % 10}`;
    spec.affinity = { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { group: labels.group } }, topologyKey: 'kubernetes.io/hostname' }] } };
    spec.tolerations = [{ key: 'dedicated', operator: 'Exists', effect: 'NoSchedule' }];
  }
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, labels }, spec };
}
