// Real kubectl against a real apiserver, the real scheduler and the controller-manager, on
// hollow nodes with a fake kubelet (see e2e/hollow-cluster.ts). The tests are a story and run
// in order: the seed's nginx Deployment is created, scaled, rolled over and rolled back, then
// a StatefulSet, a DaemonSet and a Job do their part, and history ties every pod to a user.
import { join } from 'node:path';
import { eventually, HollowCluster } from './e2e/hollow-cluster';

const NODES = ['node-a', 'node-b', 'node-c'];
const FIXTURES = join(__dirname, '../../../k8s-fixtures');

describe('the controller-manager, driven by kubectl', () => {
  const c = new HollowCluster();
  const ok = (args: string[], input = '') => c.ok(args, input);
  const lines = (s: string) => s.split('\n').map((l) => l.trim()).filter(Boolean);
  const podsOf = async (selector: string) => lines(await ok(['get', 'pods', '-l', selector, '-o', 'jsonpath={range .items[*]}{.metadata.name} {.spec.nodeName} {.status.phase}{"\\n"}{end}']));
  const replicaSets = async () =>
    lines(await ok(['get', 'rs', '-l', 'app=nginx', '-o', 'jsonpath={range .items[*]}{.metadata.name} {.spec.replicas} {.spec.template.spec.containers[0].image} {.metadata.annotations.deployment\\.kubernetes\\.io/revision}{"\\n"}{end}'])).map((l) => {
      const [name, replicas, image, revision] = l.split(' ');
      return { name, replicas: Number(replicas), image, revision };
    });

  beforeAll(async () => {
    await c.start(NODES, __filename);
  });
  afterAll(async () => {
    await c.stop();
  });

  it('given the seed’s nginx Deployment, then a ReplicaSet makes 2 pods and the scheduler binds them', async () => {
    await ok(['apply', '-f', join(FIXTURES, 'deployment-nginx.yaml')]);
    const pods = await eventually(() => podsOf('app=nginx'), (p) => p.length === 2 && p.every((l) => l.split(' ')[1]?.startsWith('node-')));
    expect(pods).toHaveLength(2);
    const rs = await replicaSets();
    expect(rs).toEqual([expect.objectContaining({ replicas: 2, image: 'nginx:1.7.9', revision: '1' })]);
    expect(rs[0].name).toMatch(/^nginx-deployment-[a-z0-9]+$/);
    const available = await eventually(() => ok(['get', 'deployment', 'nginx-deployment', '-o', 'jsonpath={.status.availableReplicas}']), (v) => v === '2');
    expect(available).toBe('2');
  });

  it('given the pods, then each one’s history leads back through its ReplicaSet and Deployment to the user’s apply', async () => {
    for (const line of await podsOf('app=nginx')) {
      const name = line.split(' ')[0];
      const first = await c.log.last({ group: '', plural: 'pods', namespace: 'default', name });
      // The newest entry's chain contains the pod's creation; find the Created entry by walking.
      const chain = await c.causeChain(first!.seq);
      const kinds = chain.map((e) => `${e.object.kind}/${e.type}/${e.actor}`);
      expect(kinds).toContain(`Pod/Created/controller:replicaset`);
      expect(chain.some((e) => e.object.kind === 'ReplicaSet' && e.actor === 'controller:deployment')).toBe(true);
      const root = chain[chain.length - 1];
      expect({ kind: root.object.kind, actor: root.actor, name: root.object.metadata.name }).toEqual({ kind: 'Deployment', actor: 'user:admin', name: 'nginx-deployment' });
      const created = chain.find((e) => e.object.kind === 'Pod' && e.type === 'Created')!;
      expect(created.object.metadata.name).toBe(name);
      const cause = await c.log.entryAt(created.cause!);
      expect(cause!.object.kind).toBe('ReplicaSet');
    }
  });

  it('when scaled to 5 through the scale subresource, then there are 5 pods', async () => {
    await ok(['scale', 'deployment/nginx-deployment', '--replicas=5']);
    const pods = await eventually(() => podsOf('app=nginx'), (p) => p.length === 5 && p.every((l) => l.endsWith('Running')));
    expect(pods).toHaveLength(5);
  });

  it('when the image is set, then a new ReplicaSet rolls over, rollout status finishes and history shows two revisions', async () => {
    await ok(['set', 'image', 'deployment/nginx-deployment', 'nginx=nginx:1.8']);
    const status = await c.kubectl(['rollout', 'status', 'deployment/nginx-deployment', '--timeout=90s']);
    expect(status.stdout).toContain('successfully rolled out');
    const rs = await replicaSets();
    expect(rs.map((r) => `${r.image} ${r.replicas} ${r.revision}`).sort()).toEqual(['nginx:1.7.9 0 1', 'nginx:1.8 5 2']);
    const pods = await eventually(() => podsOf('app=nginx'), (p) => p.length === 5);
    const images = lines(await ok(['get', 'pods', '-l', 'app=nginx', '-o', 'jsonpath={range .items[*]}{.spec.containers[0].image}{"\\n"}{end}']));
    expect(pods).toHaveLength(5);
    expect(new Set(images)).toEqual(new Set(['nginx:1.8']));
    const history = await ok(['rollout', 'history', 'deployment/nginx-deployment']);
    expect(history).toMatch(/REVISION\s+CHANGE-CAUSE\s+1\s+<none>\s+2\s+<none>/);
  });

  it('when rolled back with rollout undo, then the old ReplicaSet is back at 5 with the next revision and the new one at 0', async () => {
    await ok(['rollout', 'undo', 'deployment/nginx-deployment']);
    const status = await c.kubectl(['rollout', 'status', 'deployment/nginx-deployment', '--timeout=90s']);
    expect(status.stdout).toContain('successfully rolled out');
    const rs = await replicaSets();
    expect(rs.map((r) => `${r.image} ${r.replicas} ${r.revision}`).sort()).toEqual(['nginx:1.7.9 5 3', 'nginx:1.8 0 2']);
    expect(await ok(['get', 'deployment', 'nginx-deployment', '-o', 'jsonpath={.spec.template.spec.containers[0].image}'])).toBe('nginx:1.7.9');
  });

  it('given a StatefulSet, then web-0 comes first and web-1 only once web-0 is Ready', async () => {
    c.hold.add('web-0');
    const set = {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'web' },
      spec: { serviceName: 'nginx', replicas: 2, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'nginx', image: 'nginx:1.7.9' }] } } },
    };
    await ok(['apply', '-f', '-'], JSON.stringify(set));
    await eventually(() => podsOf('app=web'), (p) => p.length > 0 && p[0].split(' ')[1] !== '');
    await new Promise((r) => setTimeout(r, 1500));
    expect((await podsOf('app=web')).map((l) => l.split(' ')[0])).toEqual(['web-0']);
    expect(await ok(['get', 'pod', 'web-0', '-o', 'jsonpath={.spec.hostname} {.spec.subdomain}'])).toBe('web-0 nginx');
    c.release('web-0');
    const pods = await eventually(() => podsOf('app=web'), (p) => p.length === 2 && p.every((l) => l.endsWith('Running')));
    expect(pods.map((l) => l.split(' ')[0])).toEqual(['web-0', 'web-1']);
    const ready = await eventually(() => ok(['get', 'statefulset', 'web', '-o', 'jsonpath={.status.readyReplicas}']), (v) => v === '2');
    expect(ready).toBe('2');
  });

  it('given the seed’s DaemonSet, then exactly one pod runs on every node', async () => {
    await ok(['create', 'serviceaccount', 'log-agent']);
    await ok(['apply', '-f', join(FIXTURES, 'daemonset.yaml')]);
    const pods = await eventually(() => podsOf('name=log-agent'), (p) => p.length === NODES.length && p.every((l) => l.split(' ')[1]?.startsWith('node-')));
    expect(pods.map((l) => l.split(' ')[1]).sort()).toEqual(NODES);
    const status = await eventually(() => ok(['get', 'ds', 'log-agent', '-o', 'jsonpath={.status.desiredNumberScheduled} {.status.numberReady}']), (v) => v === '3 3');
    expect(status).toBe('3 3');
  });

  it('given the seed’s Job (completions 5, parallelism 2), then never more than 2 pods run at once and it completes', async () => {
    await ok(['apply', '-f', join(FIXTURES, 'job.yaml')]);
    const done = await eventually(() => ok(['get', 'job', 'countdown', '-o', 'jsonpath={.status.succeeded} {.status.conditions[?(@.type=="Complete")].status}']), (v) => v === '5 True', 60_000);
    expect(done).toBe('5 True');
    expect(c.maxActive.get('countdown')).toBe(2);
    expect(await podsOf('batch.kubernetes.io/job-name=countdown')).toHaveLength(5);
  });

  it('when the Deployment is deleted, then the garbage collector removes its ReplicaSets and their pods', async () => {
    await ok(['delete', 'deployment', 'nginx-deployment']);
    const rs = await eventually(() => replicaSets(), (r) => r.length === 0);
    expect(rs).toEqual([]);
    const pods = await eventually(() => podsOf('app=nginx'), (p) => p.length === 0);
    expect(pods).toEqual([]);
  });

  it('given a fresh cluster, then the default local-path StorageClass `standard` exists, so a claim with no class has one', async () => {
    const classes = await eventually(() => ok(['get', 'storageclass']), (out) => out.includes('standard'));
    expect(classes).toMatch(/standard \(default\)\s+keelson.io\/local-path\s+Delete\s+WaitForFirstConsumer/);
    const claim = { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'classless' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } };
    await ok(['create', '-f', '-'], JSON.stringify(claim));
    expect(await ok(['get', 'pvc', 'classless', '-o', 'jsonpath={.spec.storageClassName}'])).toBe('standard');
    await ok(['delete', 'pvc', 'classless']);
  });

  it('when a namespace with objects in it is deleted, then its contents go and then the namespace itself', async () => {
    await ok(['create', 'namespace', 'scratch']);
    await ok(['create', 'configmap', 'settings', '-n', 'scratch', '--from-literal=a=b']);
    await ok(['delete', 'namespace', 'scratch', '--wait=false']);
    const gone = await eventually(() => c.kubectl(['get', 'namespace', 'scratch']), (r) => r.code !== 0);
    expect(gone.stderr).toContain('NotFound');
    expect((await c.kubectl(['get', 'configmap', 'settings', '-n', 'scratch'])).code).not.toBe(0);
  });
});
