// The workload controllers with real node agents and real containers, driven by kubectl, as
// issue 5's "Done when" lists them: a StatefulSet with dynamically provisioned volumes, a
// DaemonSet on every node (also one added later), a Job's parallelism, the seed's CronJob, a
// rolling update that a broken image stops and `rollout undo` repairs, garbage collection of a
// deleted Deployment, and pods moving off a node whose agent stopped. The tests are a story and
// run in order on one cluster (nodes 31–33, 34 joins later).
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Docker from 'dockerode';
import { ensureImages } from '@keelson/runtime';
import { moverDeployment } from './testing/mover';
import { eventually, RealCluster } from './testing/real-cluster';

const NODES = [31, 32, 33];
const LATE_NODE = 34;
const FIXTURES = join(__dirname, '../../../k8s-fixtures');
const run = promisify(execFile);

type Pod = { metadata: { name: string; uid: string; creationTimestamp: string; deletionTimestamp?: string; labels?: Record<string, string> }; spec: { nodeName?: string }; status: { phase?: string; podIP?: string; conditions?: { type: string; status: string; lastTransitionTime?: string }[]; containerStatuses?: { image: string; state: { terminated?: { startedAt: string; finishedAt: string } } }[] } };

const isReady = (p: Pod) => p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
const nodeNumber = (p: Pod) => Number(p.spec.nodeName?.replace('keelson-node-', ''));
const live = (pods: Pod[]) => pods.filter((p) => !p.metadata.deletionTimestamp);

/** An HTTP GET of a pod from inside its node's network namespace, where pod addresses route. */
async function httpGet(pod: Pod, path = '/'): Promise<string> {
  const { stdout } = await run('ip', ['netns', 'exec', `keelson-node-${nodeNumber(pod)}`, 'curl', '-s', '-m', '5', '-w', ' %{http_code}', `http://${pod.status.podIP}${path}`]).catch((e) => ({ stdout: `error ${(e as Error).message}` }));
  return stdout.replace(/\s+/g, ' ').trim();
}

/** The most intervals [start, finish) that overlap at one instant. */
function maxOverlap(intervals: { start: number; finish: number }[]): number {
  const edges = intervals.flatMap((i) => [{ t: i.start, d: 1 }, { t: i.finish, d: -1 }]).sort((a, b) => a.t - b.t || a.d - b.d);
  let now = 0;
  let max = 0;
  for (const e of edges) max = Math.max(max, (now += e.d));
  return max;
}

describe('workloads on real nodes', () => {
  const c = new RealCluster();
  const docker = new Docker();
  const ok = (args: string[], input = '') => c.ok(args, input);
  const pods = async (selector: string) => (await c.json<{ items: Pod[] }>(['pods', '-l', selector])).items;

  beforeAll(async () => {
    await ensureImages(docker, ['busybox', 'nginx:1.7.9', 'nginx:1.8', 'registry.k8s.io/pause:3.9']);
    await c.start(__filename, NODES);
    await eventually(() => ok(['get', 'nodes']), (out) => (out.match(/\sReady\s/g) ?? []).length === NODES.length, 120_000);
  }, 300_000);
  afterAll(() => c.stop(), 180_000);

  it('given the seed’s CronJob (checked at the end), and the StatefulSet `web` of the seed, then web-0 is Running and Ready before web-1 is made, each with a provisioned volume of class standard', async () => {
    await ok(['apply', '-f', join(FIXTURES, 'cronjob-hello-v1beta1.yaml')]);
    await ok(['apply', '-f', join(FIXTURES, 'statefulset-web.yaml')]);
    const both = await eventually(() => pods('app=web'), (p) => p.length === 2 && p.every((x) => x.status.phase === 'Running' && isReady(x)), 180_000);
    const [web0, web1] = both.sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
    expect([web0.metadata.name, web1.metadata.name]).toEqual(['web-0', 'web-1']);
    // OrderedReady: web-1 was created only once web-0 had become Ready.
    const web0Ready = web0.status.conditions!.find((x) => x.type === 'Ready')!.lastTransitionTime!;
    expect(Date.parse(web1.metadata.creationTimestamp)).toBeGreaterThanOrEqual(Date.parse(web0Ready));

    const claims = await c.json<{ items: { metadata: { name: string }; spec: { storageClassName: string; volumeName: string }; status: { phase: string } }[] }>(['pvc']);
    expect(claims.items.map((x) => `${x.metadata.name} ${x.spec.storageClassName} ${x.status.phase}`).sort()).toEqual(['www-web-0 standard Bound', 'www-web-1 standard Bound']);
    const pv = await c.json<{ spec: { hostPath: { path: string }; nodeAffinity: unknown; persistentVolumeReclaimPolicy: string } }>(['pv', claims.items.find((x) => x.metadata.name === 'www-web-0')!.spec.volumeName]);
    expect(pv.spec.persistentVolumeReclaimPolicy).toBe('Delete');
    expect(pv.spec.hostPath.path).toContain(`/nodes/${web0.spec.nodeName}/storage/pvc-`);
    expect(existsSync(pv.spec.hostPath.path)).toBe(true);
  }, 240_000);

  it('when a file is written in web-0’s volume and web-0 is deleted, then the new web-0 finds it and serves it', async () => {
    await ok(['exec', 'web-0', '--', 'sh', '-c', 'echo kept-across-restarts > /usr/share/nginx/html/index.html']);
    const [before] = await pods('statefulset.kubernetes.io/pod-name=web-0');
    await ok(['delete', 'pod', 'web-0']);
    const [after] = await eventually(() => pods('statefulset.kubernetes.io/pod-name=web-0'), (p) => p.length === 1 && p[0].metadata.uid !== before.metadata.uid && p[0].status.phase === 'Running' && isReady(p[0]), 120_000);
    expect(after.spec.nodeName).toBe(before.spec.nodeName); // its volume lives on that node
    expect(await ok(['exec', 'web-0', '--', 'cat', '/usr/share/nginx/html/index.html'])).toBe('kept-across-restarts\n');
    expect(await eventually(() => httpGet(after), (r) => r.endsWith('200'), 30_000)).toBe('kept-across-restarts 200');
  }, 180_000);

  it('when the StatefulSet and its claims are deleted, then the provisioned volumes and their directories go', async () => {
    const pvs = (await c.json<{ items: { metadata: { name: string }; spec: { hostPath: { path: string } } }[] }>(['pv'])).items;
    expect(pvs).toHaveLength(2);
    await ok(['delete', 'statefulset', 'web']);
    await eventually(() => pods('app=web'), (p) => p.length === 0, 90_000);
    await ok(['delete', 'pvc', 'www-web-0', 'www-web-1']);
    const left = await eventually(() => ok(['get', 'pv', '-o', 'name']), (out) => out.trim() === '', 90_000);
    expect(left.trim()).toBe('');
    expect(pvs.map((v) => existsSync(v.spec.hostPath.path))).toEqual([false, false]);
  }, 240_000);

  it('given the seed’s DaemonSet, then one pod runs on every node, and a node added later gets its own', async () => {
    await ok(['create', 'serviceaccount', 'log-agent']);
    await ok(['apply', '-f', join(FIXTURES, 'daemonset.yaml')]);
    const running = (p: Pod[]) => live(p).filter((x) => x.status.phase === 'Running');
    const first = await eventually(() => pods('name=log-agent'), (p) => running(p).length === NODES.length, 120_000);
    expect(running(first).map(nodeNumber).sort()).toEqual(NODES);

    await c.addNode(LATE_NODE);
    const all = await eventually(() => pods('name=log-agent'), (p) => running(p).length === NODES.length + 1, 120_000);
    expect(running(all).map(nodeNumber).sort()).toEqual([...NODES, LATE_NODE]);
  }, 300_000);

  it('given the seed’s Job (completions 5, parallelism 2), then it completes with real containers, never more than 2 running at once', async () => {
    await ok(['apply', '-f', join(FIXTURES, 'job.yaml')]);
    let mostActive = 0;
    let mostRunning = 0;
    const done = await eventually(
      async () => {
        const running = (await pods('batch.kubernetes.io/job-name=countdown')).filter((x) => x.status.phase === 'Running').length;
        const [active, ...rest] = (await ok(['get', 'job', 'countdown', '-o', 'jsonpath={.status.active} {.status.succeeded} {.status.conditions[?(@.type=="Complete")].status}'])).split(' ');
        mostActive = Math.max(mostActive, Number(active || 0));
        mostRunning = Math.max(mostRunning, running);
        return rest.join(' ');
      },
      (v) => v === '5 True',
      180_000,
    );
    expect(done).toBe('5 True');
    expect(mostActive).toBe(2); // two pods at a time, as parallelism says
    expect(mostRunning).toBeLessThanOrEqual(2);
    const finished = await pods('batch.kubernetes.io/job-name=countdown');
    expect(finished.map((p) => p.status.phase)).toEqual(Array(5).fill('Succeeded'));
    // The containers' own start and finish times (second resolution) agree: never 3 at once.
    const intervals = finished.map((p) => p.status.containerStatuses![0].state.terminated!).map((t) => ({ start: Date.parse(t.startedAt), finish: Date.parse(t.finishedAt) }));
    expect(maxOverlap(intervals)).toBeLessThanOrEqual(2);
  }, 240_000);

  describe('a rolling update of the seed’s nginx Deployment', () => {
    const replicaSets = async () =>
      (await c.json<{ items: { metadata: { name: string; annotations: Record<string, string> }; spec: { replicas: number; template: { spec: { containers: { image: string }[] } } }; status: { readyReplicas?: number } }[] }>(['rs', '-l', 'app=nginx'])).items
        .map((r) => ({ image: r.spec.template.spec.containers[0].image, replicas: r.spec.replicas, ready: r.status.readyReplicas ?? 0, revision: r.metadata.annotations['deployment.kubernetes.io/revision'] }))
        .sort((a, b) => a.image.localeCompare(b.image));
    /** What `kubectl rollout status` waits for, read directly (its watch has ended early with exit 1 on a loaded machine). */
    const rolledOut = () =>
      eventually(
        () => ok(['get', 'deployment', 'nginx-deployment', '-o', 'jsonpath={.metadata.generation} {.status.observedGeneration} {.status.replicas} {.status.updatedReplicas} {.status.availableReplicas}']),
        (v) => /^(\d+) \1 2 2 2$/.test(v),
        240_000,
      );
    const scalingEvents = async () =>
      (await c.json<{ items: { reason: string; message: string; metadata: { creationTimestamp: string }; firstTimestamp?: string }[] }>(['events', '--field-selector', 'involvedObject.name=nginx-deployment'])).items
        .filter((e) => e.reason === 'ScalingReplicaSet')
        .map((e) => e.message);

    it('given 2 pods of nginx:1.7.9, when the image is set to nginx:1.8, then it rolls over one pod at a time and every new pod serves', async () => {
      await ok(['apply', '-f', join(FIXTURES, 'deployment-nginx.yaml')]);
      expect(await rolledOut()).toMatch(/ 2 2 2$/);
      const before = new Set(await scalingEvents());
      // Sample while rolling: never more than 3 pods (maxSurge 25% of 2 → 1), never fewer than 2 ready (maxUnavailable 25% of 2 → 0).
      let sampling = true;
      const samples: { total: number; ready: number }[] = [];
      const sampler = (async () => {
        while (sampling) {
          const p = live(await pods('app=nginx').catch(() => []));
          if (p.length) samples.push({ total: p.length, ready: p.filter(isReady).length });
        }
      })();
      try {
        await ok(['set', 'image', 'deployment/nginx-deployment', 'nginx=nginx:1.8']);
        expect(await rolledOut()).toMatch(/ 2 2 2$/);
      } finally {
        sampling = false;
        await sampler;
      }
      expect(Math.max(...samples.map((s) => s.total))).toBeLessThanOrEqual(3);
      expect(Math.min(...samples.map((s) => s.ready))).toBeGreaterThanOrEqual(2);
      // Every scaling step the controller took moved one replica.
      const steps = (await scalingEvents()).filter((m) => !before.has(m)).map((m) => /from (\d+) to (\d+)/.exec(m)!);
      expect(steps).toHaveLength(4); // up to 1, down to 1, up to 2, down to 0
      for (const m of steps) expect(Math.abs(Number(m[1]) - Number(m[2]))).toBe(1);
      expect(await replicaSets()).toEqual([expect.objectContaining({ image: 'nginx:1.7.9', replicas: 0 }), expect.objectContaining({ image: 'nginx:1.8', replicas: 2, ready: 2 })]);
      const now = live(await pods('app=nginx'));
      expect(now.map((p) => p.status.containerStatuses![0].image)).toEqual(['nginx:1.8', 'nginx:1.8']);
      for (const p of now) expect(await httpGet(p, '/index.html')).toMatch(/Welcome to nginx.* 200$/s);
    }, 360_000);

    it('when the image is broken, then the rollout stops with one failing new pod and the old pods still serving', async () => {
      await ok(['set', 'image', 'deployment/nginx-deployment', 'nginx=nginx:does-not-exist']);
      const failing = await eventually(
        async () => live(await pods('app=nginx')).filter((p) => p.status.containerStatuses?.[0]?.image === 'nginx:does-not-exist' || JSON.stringify(p.status).includes('ImagePull')),
        (p) => p.length === 1 && /ErrImagePull|ImagePullBackOff/.test(JSON.stringify(p[0].status)),
        120_000,
      );
      expect(failing).toHaveLength(1);
      await new Promise((r) => setTimeout(r, 10_000)); // long enough for a rollout that would go on to take another step
      const rs = await replicaSets();
      expect(rs.find((r) => r.image === 'nginx:1.8')).toMatchObject({ replicas: 2, ready: 2 });
      expect(rs.find((r) => r.image === 'nginx:does-not-exist')).toMatchObject({ replicas: 1, ready: 0 });
      const serving = live(await pods('app=nginx')).filter((p) => p.status.containerStatuses?.[0]?.image === 'nginx:1.8');
      expect(serving).toHaveLength(2);
      for (const p of serving) expect(await httpGet(p, '/index.html')).toMatch(/ 200$/);
    }, 240_000);

    it('when rolled back with rollout undo, then the nginx:1.8 ReplicaSet is back at 2 and the broken one at 0', async () => {
      await ok(['rollout', 'undo', 'deployment/nginx-deployment']);
      expect(await rolledOut()).toMatch(/ 2 2 2$/);
      const rs = await eventually(replicaSets, (r) => r.find((x) => x.image === 'nginx:does-not-exist')?.replicas === 0, 60_000);
      expect(rs.map((r) => `${r.image} ${r.replicas}`)).toEqual(['nginx:1.7.9 0', 'nginx:1.8 2', 'nginx:does-not-exist 0']);
      expect(rs.find((r) => r.image === 'nginx:1.8')!.revision).toBe('4');
      const p = await eventually(async () => live(await pods('app=nginx')), (x) => x.length === 2, 60_000);
      expect(p.map((x) => x.status.containerStatuses![0].image)).toEqual(['nginx:1.8', 'nginx:1.8']);
    }, 240_000);

    it('when the Deployment is deleted, then its ReplicaSets, pods and containers are gone', async () => {
      const uids = live(await pods('app=nginx')).map((p) => p.metadata.uid);
      await ok(['delete', 'deployment', 'nginx-deployment']);
      expect(await eventually(() => ok(['get', 'rs', '-l', 'app=nginx', '-o', 'name']), (o) => o.trim() === '', 60_000)).toBe('');
      expect(await eventually(() => pods('app=nginx'), (p) => p.length === 0, 90_000)).toEqual([]);
      const containers = await eventually(
        async () => (await docker.listContainers({ all: true })).filter((ct) => uids.some((u) => Object.values(ct.Labels).includes(u))),
        (l) => l.length === 0,
        60_000,
      );
      expect(containers).toEqual([]);
    }, 240_000);
  });

  it('when a node’s agent stops, then the node becomes NotReady and its pods move to the other nodes; back when the agent returns', async () => {
    const mover = moverDeployment(4);
    await ok(['apply', '-f', '-'], JSON.stringify(mover));
    const placed = await eventually(() => pods('app=mover'), (p) => p.length === 4 && p.every((x) => x.status.phase === 'Running'), 120_000);
    const victim = nodeNumber(placed[0]);
    const onVictim = placed.filter((p) => nodeNumber(p) === victim).map((p) => p.metadata.name);

    await c.stopAgent(victim);
    const nodeLine = await eventually(() => ok(['get', 'node', `keelson-node-${victim}`, '--no-headers']), (l) => /\sNotReady\s/.test(l), 90_000);
    expect(nodeLine).toMatch(/\sNotReady\s/);
    // Ready=Unknown and the unreachable taint are two writes of the node lifecycle controller, as in Kubernetes
    const taints = await eventually(() => ok(['get', 'node', `keelson-node-${victim}`, '-o', 'jsonpath={.spec.taints[*].key}']), (t) => t.includes('node.kubernetes.io/unreachable'), 30_000);
    expect(taints).toContain('node.kubernetes.io/unreachable');
    const moved = await eventually(
      async () => live(await pods('app=mover')),
      (p) => p.length === 4 && p.every((x) => nodeNumber(x) !== victim && x.status.phase === 'Running'),
      90_000,
    );
    expect(moved.map(nodeNumber).filter((n) => n === victim)).toEqual([]);
    expect(moved.map((p) => p.metadata.name)).not.toEqual(expect.arrayContaining(onVictim));

    // The agent returns: the node is Ready again and finishes the evicted pods off.
    await c.addNode(victim);
    expect(await eventually(() => ok(['get', 'node', `keelson-node-${victim}`, '--no-headers']), (l) => /\sReady\s/.test(l), 90_000)).toMatch(/\sReady\s/);
    const after = await eventually(() => pods('app=mover'), (p) => p.every((x) => !onVictim.includes(x.metadata.name)), 90_000);
    expect(after.filter((p) => onVictim.includes(p.metadata.name))).toEqual([]);
  }, 360_000);

  it('given the seed’s CronJob applied at the start, then it has made a Job each minute and their pods succeeded', async () => {
    type Job = { metadata: { name: string; creationTimestamp: string; ownerReferences?: { kind: string; name: string }[] }; status: { succeeded?: number } };
    const jobs = async () => (await c.json<{ items: Job[] }>(['jobs'])).items.filter((j) => j.metadata.ownerReferences?.some((o) => o.kind === 'CronJob' && o.name === 'hello'));
    const made = await eventually(jobs, (j) => j.length >= 2 && j.filter((x) => x.status.succeeded === 1).length >= 2, 150_000);
    const times = made.map((j) => Date.parse(j.metadata.creationTimestamp)).sort();
    expect(made.length).toBeGreaterThanOrEqual(2);
    // one per minute: consecutive Jobs ~60 s apart, each named for its scheduled minute
    for (let i = 1; i < times.length; i++) expect(Math.round((times[i] - times[i - 1]) / 60_000)).toBe(1);
    for (const j of made) expect(j.metadata.name).toMatch(/^hello-\d+$/);
    const succeeded = (await pods('batch.kubernetes.io/job-name')).filter((p) => made.some((j) => p.metadata.labels?.['batch.kubernetes.io/job-name'] === j.metadata.name) && p.status.phase === 'Succeeded');
    expect(succeeded.length).toBeGreaterThanOrEqual(2);
    await ok(['delete', 'cronjob', 'hello']);
  }, 240_000);
});
