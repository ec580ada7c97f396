import type { KubeObject } from '@keelson/apimachinery';
import { loadSchedulerConfiguration } from '../config/config';
import { podInfoOf } from '../framework/info';
import { schedulerPodView } from './pod-fields';
import { Scheduler } from './scheduler';
import type { SchedulerClient } from './client';

// The scheduler's pod informer keeps schedulerPodView(pod) instead of the stored pod: every
// decision must come out as it does from the whole object.

/** A pod as the apiserver stores it: defaults, env, mounts, probes, status the scheduler never reads. */
function storedPod(name: string, extra: { spec?: Record<string, unknown>; labels?: Record<string, string>; status?: Record<string, unknown> } = {}): KubeObject {
  const app = {
    name: 'app',
    image: 'nginx:1.8',
    imagePullPolicy: 'IfNotPresent',
    terminationMessagePath: '/dev/termination-log',
    terminationMessagePolicy: 'File',
    env: [{ name: 'MODE', value: 'production' }],
    volumeMounts: [{ name: 'config', mountPath: '/etc/app' }],
    readinessProbe: { httpGet: { path: '/healthz', port: 80, scheme: 'HTTP' }, periodSeconds: 10 },
    resources: { requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '1', memory: '2Gi' } },
    ports: [{ containerPort: 80, protocol: 'TCP' }],
  };
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: 'default',
      uid: `uid-${name}`,
      resourceVersion: '7',
      creationTimestamp: '2026-11-26T10:00:00Z',
      labels: extra.labels ?? { app: 'web' },
      annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"a":"very long"}' },
      managedFields: [{ manager: 'kubectl', operation: 'Apply', fieldsV1: { 'f:spec': {} } }],
    },
    spec: {
      containers: [app],
      volumes: [{ name: 'config', configMap: { name: 'app-config', defaultMode: 420 } }],
      restartPolicy: 'Always',
      dnsPolicy: 'ClusterFirst',
      terminationGracePeriodSeconds: 30,
      schedulerName: 'default-scheduler',
      securityContext: {},
      enableServiceLinks: true,
      priority: 0,
      tolerations: [
        { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
        { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
      ],
      ...extra.spec,
    },
    status: { phase: 'Pending', qosClass: 'Burstable', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable' }], ...extra.status },
  };
}

/** Database pods: required anti-affinity per hostname, a nodeSelector and a zone spread. */
const dbPod = (name: string) =>
  storedPod(name, {
    labels: { app: 'db' },
    spec: {
      nodeSelector: { disk: 'ssd' },
      affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: 'db' } }, topologyKey: 'kubernetes.io/hostname' }] } },
      topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'zone', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { app: 'db' } } }],
      priorityClassName: 'high',
      priority: 1000,
      preemptionPolicy: 'Never',
    },
  });

const PODS: Record<string, KubeObject> = {
  plain: storedPod('plain'),
  'with a hostPort': storedPod('hostport', { spec: { containers: [{ name: 'a', image: 'busybox', env: [], ports: [{ containerPort: 53, hostPort: 5353, protocol: 'UDP' }, { containerPort: 80 }] }] } }),
  'with a sidecar and an init container': storedPod('init', {
    spec: {
      initContainers: [
        { name: 'log', image: 'busybox', restartPolicy: 'Always', resources: { requests: { cpu: '50m' } }, env: [{ name: 'X', value: 'y' }] },
        { name: 'migrate', image: 'busybox', resources: { requests: { cpu: '2' } } },
      ],
      overhead: { cpu: '10m' },
    },
  }),
  'with affinity, a nodeSelector and topology spread': dbPod('db-0'),
  'with a claim': storedPod('claim', { spec: { volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'data' } }, { name: 'tmp', emptyDir: {} }] } }),
  'nominated and being deleted': { ...storedPod('nominated', { status: { nominatedNodeName: 'n1', startTime: '2026-11-26T10:00:01Z' } }), metadata: { ...storedPod('nominated').metadata, deletionTimestamp: '2026-11-26T10:01:00Z' } },
};

describe('schedulerPodView', () => {
  it.each(Object.entries(PODS))('given a pod %s, its PodInfo is the same from the view as from the whole pod', (_, pod) => {
    const { pod: _full, ...fromFull } = podInfoOf(pod);
    const { pod: _view, ...fromView } = podInfoOf(schedulerPodView(pod));
    expect(fromView).toEqual(fromFull);
  });

  it('given a stored pod, the view drops what no scheduler code reads and keeps what its records name', () => {
    const view = schedulerPodView(storedPod('plain')) as KubeObject & { spec: { containers: Record<string, unknown>[]; volumes?: unknown } };
    expect(view.metadata).toEqual({ name: 'plain', namespace: 'default', uid: 'uid-plain', resourceVersion: '7', labels: { app: 'web' } });
    expect(view.spec.containers).toEqual([{ name: 'app', image: 'nginx:1.8', resources: { requests: { cpu: '500m', memory: '1Gi' } } }]);
    expect(view.spec.volumes).toBeUndefined();
    expect(view.status).toEqual({ phase: 'Pending' });
  });

  it('given a pod with a claim, only the claim volume is kept (VolumeBinding reads it)', () => {
    const view = schedulerPodView(PODS['with a claim']) as KubeObject & { spec: { volumes?: unknown } };
    expect(view.spec.volumes).toEqual([{ name: 'data', persistentVolumeClaim: { claimName: 'data' } }]);
  });

  it('given nodes and a mix of pods, the scheduler binds each where it binds the whole pods', async () => {
    const placements = async (view: (p: KubeObject) => KubeObject) => {
      const bound: string[] = [];
      const client: SchedulerClient = {
        create: async (path, body) => {
          if (path.endsWith('/binding')) bound.push(`${path.split('/')[6]}→${(body as { target: { name: string } }).target.name}`);
          return body as KubeObject;
        },
        patch: async () => ({}) as KubeObject,
        delete: async () => ({}) as KubeObject,
      };
      let clock = 0; // a ticking clock: the queue orders equal priorities by arrival
      const scheduler = new Scheduler({ profiles: loadSchedulerConfiguration(undefined).profiles, client, warn: () => undefined, random: () => 0.5, now: () => ++clock });
      scheduler.informers.onNamespace({ type: 'add', key: 'default', object: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } }, seq: 1 });
      ['n1', 'n2', 'n3'].forEach((name, i) => {
        const node = { apiVersion: 'v1', kind: 'Node', metadata: { name, labels: { 'kubernetes.io/hostname': name, zone: `z${i % 2}`, ...(i < 2 ? { disk: 'ssd' } : {}) } }, spec: {}, status: { allocatable: { cpu: `${2 + i}`, memory: '8Gi', pods: '110' } } };
        scheduler.informers.onNode({ type: 'add', key: name, object: node, seq: 2 + i });
      });
      const pods = [storedPod('a'), storedPod('b'), PODS['with a hostPort'], PODS['with a sidecar and an init container'], dbPod('db-0'), dbPod('db-1'), dbPod('db-2')];
      pods.forEach((p, i) => scheduler.informers.onPod({ type: 'add', key: `default/${p.metadata.name}`, object: view(p), seq: 10 + i, entryType: 'Created' }));
      for (let qp = scheduler.queue.pop(); qp; qp = scheduler.queue.pop()) scheduler.scheduleOne(qp);
      await scheduler.drain();
      return bound;
    };
    const whole = await placements((p) => p);
    expect(whole.length).toBeGreaterThan(3);
    expect(await placements(schedulerPodView)).toEqual(whole);
  });
});
