// What the scheduler's pod informer keeps per pod, whole (as kube-scheduler) and as
// schedulerPodView: the live heap after a full GC holding N bound bench pods as the apiserver
// stores them (admission's defaults, metadata, the binding's PodScheduled condition), each
// as the informer keeps it (managedFields stripped, resourceVersion set). --shape=running: a
// Deployment's pod once its node agent runs it (env, mounts, probes, the service-account volume,
// owner, container statuses) — what a real cluster's scheduler holds for most of its pods.
//
//   node --expose-gc -r @swc-node/register tools/bench/scheduler-pod-view.ts [--pods=10000] [--shape=bench|running]
import { parseArgs } from 'node:util';
import type { KubeObject } from '@keelson/apimachinery';
import type { ApiResource } from '@keelson/resources';
import { defaultObject } from '@keelson/admission';
import { schedulerPodView } from '@keelson/scheduler';
import { fmt } from './load';
import { benchPod, WORKLOADS } from './scheduler-objects';

const { values: flags } = parseArgs({ options: { pods: { type: 'string', default: '10000' }, shape: { type: 'string', default: 'bench' } } });
const PODS = Number(flags.pods);
const RUNNING = flags.shape === 'running';
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');

/** A bench pod as the log holds it once bound. */
function storedBoundPod(workload: (typeof WORKLOADS)[number], i: number): KubeObject {
  const pod = defaultObject({ kind: 'Pod' } as ApiResource, benchPod(workload, `pod-${i}`, i) as KubeObject);
  const now = '2026-11-26T22:00:00Z';
  return {
    ...pod,
    metadata: { ...pod.metadata, namespace: workload.toLowerCase(), uid: `6f1c0c8e-0000-4000-8000-${String(i).padStart(12, '0')}`, resourceVersion: String(100_000 + i), creationTimestamp: now },
    spec: { ...(pod.spec as object), nodeName: `node-${i % 5000}` },
    status: { phase: 'Pending', qosClass: 'Burstable', conditions: [{ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: now }] },
  };
}

/** The pod of a Deployment `web` as it runs: what the apiserver and the node agent add to it. */
function running(pod: KubeObject, i: number): KubeObject {
  const spec = pod.spec as { containers: Record<string, unknown>[]; volumes?: unknown[] };
  const t = '2026-11-26T22:00:01Z';
  const container = {
    ...spec.containers[0],
    env: [{ name: 'POD_NAME', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } } }, { name: 'LOG_LEVEL', value: 'info' }, { name: 'PORT', value: '8080' }],
    ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
    readinessProbe: { httpGet: { path: '/healthz', port: 8080, scheme: 'HTTP' }, periodSeconds: 10, timeoutSeconds: 1, successThreshold: 1, failureThreshold: 3 },
    livenessProbe: { httpGet: { path: '/healthz', port: 8080, scheme: 'HTTP' }, periodSeconds: 10, timeoutSeconds: 1, successThreshold: 1, failureThreshold: 3 },
    volumeMounts: [{ name: 'kube-api-access-x7k2p', readOnly: true, mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' }, { name: 'config', mountPath: '/etc/app' }],
  };
  const projected = { name: 'kube-api-access-x7k2p', projected: { defaultMode: 420, sources: [{ serviceAccountToken: { expirationSeconds: 3607, path: 'token' } }, { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } }, { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } }] } };
  const condition = (type: string) => ({ type, status: 'True', lastProbeTime: null, lastTransitionTime: t });
  return {
    ...pod,
    metadata: { ...pod.metadata, generateName: 'web-7d4b9c6f5-', labels: { ...pod.metadata.labels, 'pod-template-hash': '7d4b9c6f5' }, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-7d4b9c6f5', uid: '0b1d7c3e-1111-4000-8000-000000000001', controller: true, blockOwnerDeletion: true }] },
    spec: { ...spec, containers: [container], volumes: [projected, { name: 'config', configMap: { name: 'web-config', defaultMode: 420 } }], serviceAccountName: 'default', serviceAccount: 'default' },
    status: {
      phase: 'Running',
      qosClass: 'Burstable',
      hostIP: '172.31.0.1',
      podIP: `10.244.${i % 250}.${i % 200}`,
      podIPs: [{ ip: `10.244.${i % 250}.${i % 200}` }],
      startTime: t,
      conditions: ['Initialized', 'Ready', 'ContainersReady', 'PodScheduled'].map(condition),
      containerStatuses: [{ name: 'app', ready: true, started: true, restartCount: 0, image: 'registry.example.com/app:1', imageID: 'docker-pullable://registry.example.com/app@sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08', containerID: `docker://${String(i).padStart(64, 'a')}`, state: { running: { startedAt: t } }, lastState: {} }],
    },
  };
}

/** Live heap in MB while `keep` holds what `make` builds for every pod (the stored pods themselves are built one at a time and dropped). */
function heldMb(make: (pod: KubeObject) => KubeObject): number {
  gc!();
  const before = process.memoryUsage().heapUsed;
  const kept: KubeObject[] = [];
  for (let i = 0; i < PODS; i++) {
    // round-trip through JSON, as each object arrives decoded from its own log entry
    const stored = storedBoundPod(WORKLOADS[i % WORKLOADS.length], i);
    const decoded = JSON.parse(JSON.stringify(RUNNING ? running(stored, i) : stored)) as KubeObject;
    kept.push(make(decoded));
  }
  gc!();
  const mb = (process.memoryUsage().heapUsed - before) / 2 ** 20;
  if (kept.length !== PODS) throw new Error('unreachable');
  return mb;
}

const whole = heldMb((p) => p);
const view = heldMb(schedulerPodView);
console.log(`${PODS} bound ${RUNNING ? 'running Deployment pods' : "bench pods (the three workloads' shapes)"}, live heap after a full GC:`);
console.log(`  whole pods: ${fmt(whole, 1)} MB (${fmt((whole * 2 ** 20) / PODS, 0)} B/pod)`);
console.log(`  schedulerPodView: ${fmt(view, 1)} MB (${fmt((view * 2 ** 20) / PODS, 0)} B/pod), ${fmt(view / whole, 2)}× whole`);
