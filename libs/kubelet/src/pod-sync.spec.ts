// PodSyncer with the in-memory FakeRuntime, a fake network, API and prober: given a pod and
// what the runtime holds, one sync → these runtime calls and this status write.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeRuntime, type ContainerConfig } from '@keelson/runtime';
import type { PodApi, PodNetworkPlugin } from './pod-sync-ports';
import { PodSyncer } from './pod-sync';
import { ProbeRunner } from './probe-runner';
import { container, makePod, T0 } from './testing';
import type { Pod, PodStatus } from './types';
import { VolumeHost } from './volume-host';
import type { ContainerDevices } from './devices/manager';
import type { PodEventRecorder } from './pod-events';

function setup(pod: Pod, devices?: ContainerDevices) {
  let now = T0;
  const runtime = new FakeRuntime(() => now);
  const writes: PodStatus[] = [];
  const deletes: string[] = [];
  const net: string[] = [];
  let networkError: string | undefined;
  const network: PodNetworkPlugin = {
    setUp: async (id) => {
      if (networkError) throw new Error(networkError);
      return net.push(`ADD ${id}`), '10.244.1.5';
    },
    tearDown: async (id) => void net.push(`DEL ${id}`),
    podIP: (id) => (net.includes(`ADD ${id}`) && !net.includes(`DEL ${id}`) ? '10.244.1.5' : undefined),
  };
  const api: PodApi = {
    configMap: async () => undefined,
    secret: async () => undefined,
    claim: async () => undefined,
    volume: async () => undefined,
    patchStatus: async (_p, status) => void writes.push(status),
    deletePod: async (p) => void deletes.push(p.metadata!.name!),
  };
  const dir = mkdtempSync(join(tmpdir(), 'keelson-pod-sync-'));
  let current: Pod | undefined = pod;
  const events: string[] = [];
  const recorder: PodEventRecorder = { record: (ref, type, reason, message) => void events.push(`${ref.fieldPath ?? 'pod'} ${type} ${reason}: ${message}`) };
  const syncer = new PodSyncer({ nodeName: 'node-a', hostIP: '172.31.0.1', runtime, network, volumes: new VolumeHost(dir), prober: new ProbeRunner(runtime), api, podByUid: () => current, nodeCpus: [0, 1], clock: () => now, devices, events: recorder });
  return {
    runtime, writes, deletes, net, syncer, dir, events,
    setPod: (p: Pod | undefined) => (current = p),
    tick: (ms: number) => (now += ms),
    failNetwork: (message: string) => (networkError = message),
  };
}

describe('PodSyncer', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('given a new pod, when it syncs, then it runs the sandbox, wires it, starts the containers and reports Running', async () => {
    const t = setup(makePod({ containers: [container('app', { image: 'busybox' }), container('side', { image: 'busybox' })] }));
    dirs.push(t.dir);
    await t.syncer.sync('uid-1');
    expect(t.runtime.actions()).toEqual(['runPodSandbox', 'createContainer', 'createContainer', 'startContainer', 'startContainer']);
    expect(t.net).toEqual(['ADD sandbox-1']);
    expect(t.writes).toHaveLength(1);
    expect(t.writes[0]).toMatchObject({ phase: 'Running', podIP: '10.244.1.5', hostIP: '172.31.0.1', qosClass: 'BestEffort' });
  });

  it('given a running pod, when it syncs again, then it does nothing and writes nothing', async () => {
    const t = setup(makePod({ containers: [container('app', { image: 'busybox' })] }));
    dirs.push(t.dir);
    await t.syncer.sync('uid-1');
    const calls = t.runtime.calls.length;
    t.tick(1_000);
    await t.syncer.sync('uid-1');
    expect(t.runtime.calls.slice(calls)).toEqual([]);
    expect(t.writes).toHaveLength(1);
  });

  it('given a missing image, then it reports ErrImagePull at once and ImagePullBackOff on the next sync', async () => {
    const t = setup(makePod({ containers: [container('app', { image: 'registry.example/none:1' })] }));
    dirs.push(t.dir);
    await t.syncer.sync('uid-1');
    expect(t.writes.at(-1)!.containerStatuses![0].state!.waiting!.reason).toBe('ErrImagePull');
    t.tick(1_000);
    await t.syncer.sync('uid-1');
    expect(t.writes.at(-1)!.containerStatuses![0].state!.waiting).toMatchObject({ reason: 'ImagePullBackOff', message: 'Back-off pulling image "registry.example/none:1"' });
  });

  it('given a container that exited twice, then it waits out a 10 s back-off before the next restart', async () => {
    const t = setup(makePod({ containers: [container('app', { image: 'busybox' })] }));
    dirs.push(t.dir);
    await t.syncer.sync('uid-1');
    const first = [...t.runtime.containers.keys()][0];
    t.tick(1_000);
    t.runtime.exit(first, 1);
    await t.syncer.sync('uid-1'); // first crash: restarted at once, back-off recorded
    const second = [...t.runtime.containers.keys()].find((id) => id !== first)!;
    t.tick(1_000);
    t.runtime.exit(second, 1);
    const result = await t.syncer.sync('uid-1');
    expect(t.runtime.containers.size).toBe(1); // the newest dead instance stays (MaxPerPodContainer 1), the older one is collected
    expect(t.writes.at(-1)!.containerStatuses![0]).toMatchObject({ restartCount: 1, state: { waiting: { reason: 'CrashLoopBackOff' } } });
    expect(result.requeueAfterMs).toBe(10_000);
  });

  it("given a pod asking for a GPU, then its container gets the device plugin's env, mount, device node and annotation, and gives the device back when it completes", async () => {
    const released: string[] = [];
    const devices: ContainerDevices = {
      allocate: async (_pod, c) => (c.resources?.limits?.['example.com/gpu'] ? { envs: { GPUS: 'gpu-0' }, mounts: [{ hostPath: '/opt/gpu', containerPath: '/usr/local/gpu', readOnly: true }], devices: [{ hostPath: '/dev/null', containerPath: '/dev/gpu0', permissions: 'rw' }], annotations: { 'example.com/gpu': 'gpu-0' } } : undefined),
      release: (uid) => void released.push(uid),
    };
    const t = setup(makePod({ restartPolicy: 'Never', containers: [container('app', { image: 'busybox', resources: { limits: { 'example.com/gpu': '1' } } })] }), devices);
    dirs.push(t.dir);
    await t.syncer.sync('uid-1');
    const config = t.runtime.calls.find((c) => c.method === 'createContainer')!.args[1] as ContainerConfig;
    expect(config.env).toContainEqual({ name: 'GPUS', value: 'gpu-0' });
    expect(config.mounts).toContainEqual({ hostPath: '/opt/gpu', containerPath: '/usr/local/gpu', readOnly: true });
    expect(config.devices).toEqual([{ hostPath: '/dev/null', containerPath: '/dev/gpu0', permissions: 'rw' }]);
    expect(config.annotations).toEqual({ 'example.com/gpu': 'gpu-0' });
    expect(released).toEqual([]);
    t.tick(1_000);
    t.runtime.exit([...t.runtime.containers.keys()][0], 0);
    await t.syncer.sync('uid-1');
    expect(t.writes.at(-1)!.phase).toBe('Succeeded');
    expect(released).toContain('uid-1');
  });

  it('given a pod marked for deletion, then it stops it, unwires and removes it, and deletes it for good', async () => {
    const pod = makePod({ containers: [container('app', { image: 'busybox' })], terminationGracePeriodSeconds: 3 });
    const t = setup(pod);
    dirs.push(t.dir);
    await t.syncer.sync('uid-1');
    t.setPod({ ...pod, metadata: { ...pod.metadata, deletionTimestamp: '2024-05-01T10:00:03Z', deletionGracePeriodSeconds: 3 } });
    const result = await t.syncer.sync('uid-1');
    expect(result).toEqual({ done: true });
    expect(t.runtime.calls.find((c) => c.method === 'stopContainer')!.args[1]).toBe(3);
    // DEL is idempotent; tear-down repeats it for a stopped sandbox so no IP can leak.
    expect(t.net[0]).toBe('ADD sandbox-1');
    expect(new Set(t.net.slice(1))).toEqual(new Set(['DEL sandbox-1']));
    expect(t.runtime.sandboxes.size + t.runtime.containers.size).toBe(0);
    expect(t.deletes).toEqual(['web-0']);
  });

  it('given an eviction while a sync is under way, then the last status written is Failed/Evicted and the pod stays down', async () => {
    const t = setup(makePod({ containers: [container('app', { image: 'busybox' })] }));
    dirs.push(t.dir);
    await t.syncer.sync('uid-1');
    t.tick(1_000);
    // Both start in the same tick: the sync has read the running containers before the eviction kills them.
    await Promise.all([t.syncer.sync('uid-1'), t.syncer.evict('uid-1', 'The node was low on resource: memory.')]);
    await t.syncer.sync('uid-1');
    expect(t.writes.at(-1)).toMatchObject({ phase: 'Failed', reason: 'Evicted' });
    expect(t.runtime.actions().filter((a) => a === 'startContainer')).toHaveLength(1);
  });

  it('given a readiness probe, when it first succeeds after the sync, then Ready is written without another sync', async () => {
    const t = setup(makePod({ containers: [container('app', { image: 'busybox', readinessProbe: { exec: { command: ['true'] }, periodSeconds: 5 } })] }));
    dirs.push(t.dir);
    await t.syncer.sync('uid-1');
    expect(t.writes[0].conditions?.find((c) => c.type === 'Ready')?.status).toBe('False');
    const calls = t.runtime.calls.length;
    await new Promise((r) => setTimeout(r, 20)); // the probe's timer (due at once) and its status write
    t.syncer.stop();
    expect(t.runtime.actions().slice(calls)).toEqual(['execSync']);
    expect(t.writes).toHaveLength(2);
    expect(t.writes[1].conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
    expect(t.writes[1].containerStatuses?.[0]).toMatchObject({ name: 'app', ready: true });
  });

  it('given a pod bound to another node, then it removes whatever of it runs here', async () => {
    const pod = makePod({ containers: [container('app', { image: 'busybox' })] });
    const t = setup(pod);
    dirs.push(t.dir);
    await t.syncer.sync('uid-1');
    t.setPod({ ...pod, spec: { ...pod.spec!, nodeName: 'node-b' } });
    expect(await t.syncer.sync('uid-1')).toEqual({ done: true });
    expect(t.runtime.sandboxes.size + t.runtime.containers.size).toBe(0);
    expect(t.deletes).toEqual([]);
  });

  describe('Events', () => {
    it('given a new pod, records Pulled, Created and Started for each container', async () => {
      const t = setup(makePod({ containers: [container('app', { image: 'busybox' })] }));
      dirs.push(t.dir);
      await t.syncer.sync('uid-1');
      expect(t.events).toEqual([
        'spec.containers{app} Normal Pulled: Container image "busybox" already present on machine',
        'spec.containers{app} Normal Created: Created container: app',
        'spec.containers{app} Normal Started: Started container app',
      ]);
    });

    it('given a running pod, records nothing on the next sync', async () => {
      const t = setup(makePod({ containers: [container('app', { image: 'busybox' })] }));
      dirs.push(t.dir);
      await t.syncer.sync('uid-1');
      t.events.length = 0;
      t.tick(1_000);
      await t.syncer.sync('uid-1');
      expect(t.events).toEqual([]);
    });

    it('given a missing image, records the failed pull and ErrImagePull, then the pull back-off', async () => {
      const t = setup(makePod({ containers: [container('app', { image: 'none:1' })] }));
      dirs.push(t.dir);
      await t.syncer.sync('uid-1');
      t.tick(1_000);
      await t.syncer.sync('uid-1');
      expect(t.events.map((e) => e.replace(/: denied.*$/, ': denied'))).toEqual([
        'spec.containers{app} Normal Pulling: Pulling image "none:1"',
        expect.stringMatching(/^spec.containers\{app\} Warning Failed: Failed to pull image "none:1": /),
        'spec.containers{app} Warning Failed: Error: ErrImagePull',
        'spec.containers{app} Normal BackOff: Back-off pulling image "none:1"',
        'spec.containers{app} Warning Failed: Error: ImagePullBackOff',
      ]);
    });

    it('given a container that crashed twice, records BackOff while it waits', async () => {
      const t = setup(makePod({ containers: [container('app', { image: 'busybox' })] }));
      dirs.push(t.dir);
      await t.syncer.sync('uid-1');
      t.tick(1_000);
      t.runtime.exit([...t.runtime.containers.keys()][0], 1);
      await t.syncer.sync('uid-1');
      t.tick(1_000);
      t.runtime.exit([...t.runtime.containers.keys()].at(-1)!, 1);
      t.events.length = 0;
      await t.syncer.sync('uid-1');
      expect(t.events).toEqual(['spec.containers{app} Warning BackOff: Back-off restarting failed container app in pod web-0_default(uid-1)']);
    });

    it('given a failing readiness probe, records Unhealthy with its output', async () => {
      const t = setup(makePod({ containers: [container('app', { image: 'busybox', readinessProbe: { exec: { command: ['cat', '/tmp/ready'] }, periodSeconds: 2 } })] }));
      dirs.push(t.dir);
      t.runtime.execHandler = () => ({ stdout: '', stderr: "cat: can't open '/tmp/ready'\n", exitCode: 1 });
      await t.syncer.sync('uid-1');
      // The probe runs on the prober manager's timer (due at once), not in the sync.
      await new Promise((r) => setTimeout(r, 20));
      t.syncer.stop();
      expect(t.events.filter((e) => e.includes('Unhealthy'))).toContain("spec.containers{app} Warning Unhealthy: Readiness probe failed: cat: can't open '/tmp/ready'");
    });

    it('given a pod marked for deletion, records Killing for its container', async () => {
      const pod = makePod({ containers: [container('app', { image: 'busybox' })], terminationGracePeriodSeconds: 3 });
      const t = setup(pod);
      dirs.push(t.dir);
      await t.syncer.sync('uid-1');
      t.setPod({ ...pod, metadata: { ...pod.metadata, deletionTimestamp: '2024-05-01T10:00:03Z', deletionGracePeriodSeconds: 3 } });
      await t.syncer.sync('uid-1');
      expect(t.events.at(-1)).toBe('spec.containers{app} Normal Killing: Stopping container app');
    });

    it('given a sandbox whose network cannot be set up, records FailedCreatePodSandBox with the CNI error', async () => {
      const t = setup(makePod({ containers: [container('app', { image: 'busybox' })] }));
      dirs.push(t.dir);
      t.failNetwork('plugin type="bridge" failed (add): no IP addresses available');
      await expect(t.syncer.sync('uid-1')).rejects.toThrow('no IP addresses');
      expect(t.events).toEqual(['pod Warning FailedCreatePodSandBox: Failed to create pod sandbox: plugin type="bridge" failed (add): no IP addresses available']);
    });
  });
});
