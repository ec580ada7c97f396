import type { KubeObject } from '@keelson/apimachinery';
import { node, pod, testScheduler } from './testing';

// VolumeBinding through the whole scheduler: queue, informer path, cycle and PreBind.

const storageClass = (name: string, provisioner: string, volumeBindingMode: string): KubeObject => ({ apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name }, provisioner, volumeBindingMode }) as KubeObject;
const claim = (name: string, storageClassName: string, bound?: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'PersistentVolumeClaim',
  metadata: { name, namespace: 'default', uid: `uid-${name}` },
  spec: { storageClassName, accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, ...(bound ? { volumeName: bound } : {}) },
  status: { phase: bound ? 'Bound' : 'Pending' },
});
const volume = (name: string, storageClassName: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'PersistentVolume',
  metadata: { name },
  spec: { storageClassName, capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], claimRef: { namespace: 'default', name: 'data' } },
  status: { phase: 'Bound' },
});
const using = (name: string, claimName: string) => pod(name, '100m', { volumes: [{ name: 'data', persistentVolumeClaim: { claimName } }] });

function cluster() {
  const t = testScheduler();
  for (const n of ['a', 'b']) t.feed(t.scheduler.informers.onNode, 'add', node(n));
  t.feed(t.scheduler.informers.onStorageClass, 'add', storageClass('fast', 'example.com/csi', 'Immediate'));
  t.feed(t.scheduler.informers.onStorageClass, 'add', storageClass('standard', 'rancher.io/local-path', 'WaitForFirstConsumer'));
  return t;
}

const conditionMessage = (calls: { path: string; body?: unknown }[], podName: string) =>
  (calls.find((c) => c.path.endsWith(`/${podName}/status`))?.body as { status: { conditions: { message: string }[] } } | undefined)?.status.conditions[0].message;

describe('Scheduler with volumes', () => {
  it('given a pod whose claim of an Immediate class is unbound, then it stays Pending with Kubernetes’ PreFilter message (no node count) and is not retried on unrelated events', async () => {
    const { scheduler, client, feed, runAll, advance } = cluster();
    feed(scheduler.informers.onPvc, 'add', claim('data', 'fast'));
    feed(scheduler.informers.onPod, 'add', using('p', 'data'));
    await runAll();
    expect(client.binds()).toEqual([]);
    expect(conditionMessage(client.calls, 'p')).toBe('0/2 nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.');
    // a pod coming and going on a node frees nothing a volume needs
    const other = pod('other', '100m', { nodeName: 'a' });
    feed(scheduler.informers.onPod, 'add', other);
    feed(scheduler.informers.onPod, 'delete', other);
    advance(20_000);
    scheduler.tick();
    await runAll();
    expect(client.binds()).toEqual([]);
    expect(scheduler.queue.where('default/p')).toBe('unschedulable');
  });

  it('given a pod waiting for its claim, when the PV controller binds the claim, then the pod moves back and is bound', async () => {
    const { scheduler, client, feed, runAll, advance } = cluster();
    feed(scheduler.informers.onPvc, 'add', claim('data', 'fast'));
    feed(scheduler.informers.onPod, 'add', using('p', 'data'));
    await runAll();
    feed(scheduler.informers.onPv, 'add', volume('pv-1', 'fast'));
    feed(scheduler.informers.onPvc, 'update', claim('data', 'fast', 'pv-1'));
    expect(scheduler.queue.where('default/p')).not.toBe('unschedulable');
    advance(20_000);
    scheduler.tick();
    await runAll();
    expect(client.binds().map((b) => b.pod)).toEqual(['p']);
  });

  it('given a WaitForFirstConsumer claim, then the pod is bound at once and the claim first learns the chosen node', async () => {
    const { scheduler, client, feed, runAll } = cluster();
    feed(scheduler.informers.onPvc, 'add', claim('data', 'standard'));
    feed(scheduler.informers.onPod, 'add', using('p', 'data'));
    await runAll();
    const [bind] = client.binds();
    expect(client.calls.map((c) => `${c.verb} ${c.path}`)).toEqual([
      'patch /api/v1/namespaces/default/persistentvolumeclaims/data',
      'create /api/v1/namespaces/default/pods/p/binding',
      'create /api/v1/namespaces/default/events', // Scheduled
    ]);
    expect(client.calls[0].body).toEqual({ metadata: { annotations: { 'volume.kubernetes.io/selected-node': bind.node } } });
  });
});
