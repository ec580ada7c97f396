import type { KubeObject } from '@keelson/apimachinery';

// The pod every benchmark writes: about 1 KB of JSON, shaped like a real workload's pod
// (labels, resources, env, probes), with a `shard` label 0–9 so that `shard=3` selects 10 %.

export const POD_BYTES = 1024;

export function benchPod(namespace: string, name: string, i: number): KubeObject {
  const pod: KubeObject = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace,
      labels: { app: 'bench', tier: 'web', shard: String(i % 10) },
      annotations: { 'bench.keelson.io/padding': '' },
    },
    spec: {
      restartPolicy: 'Always',
      terminationGracePeriodSeconds: 30,
      containers: [
        {
          name: 'app',
          image: 'registry.example.com/team/bench-app:1.2.3',
          command: ['/bin/app'],
          args: ['--listen=:8080', '--log-level=info'],
          ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
          env: [
            { name: 'MODE', value: 'production' },
            { name: 'REGION', value: 'eu-west-1' },
          ],
          resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
          readinessProbe: { httpGet: { path: '/healthz', port: 8080 }, periodSeconds: 10 },
        },
      ],
    },
  };
  // Pad to POD_BYTES so that every pod weighs the same whatever its name.
  const short = POD_BYTES - JSON.stringify(pod).length;
  if (short > 0) (pod.metadata.annotations as Record<string, string>)['bench.keelson.io/padding'] = 'x'.repeat(short);
  return pod;
}
