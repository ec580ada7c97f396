// kubectl v1.32's typed commands (`kubectl create namespace|configmap|secret|deployment…`,
// drain's evictions) POST application/vnd.kubernetes.protobuf, not JSON, against a real Keelson
// apiserver: what kubectl prints, and that the stored object is what kubectl meant.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestApiServer, type TestApiServer } from '@keelson/testing/apiserver';

interface Result { code: number; stdout: string; stderr: string }

const NS = 'made-by-create';

let api: TestApiServer;
let dir: string;
beforeAll(async () => {
  api = await startTestApiServer(__filename);
  dir = mkdtempSync(join(tmpdir(), 'keelson-kubectl-create-'));
});
afterAll(async () => {
  await api?.close();
  rmSync(dir, { recursive: true, force: true });
});

const kubectl = (...args: string[]) =>
  new Promise<Result>((resolve) => {
    execFile('kubectl', ['--cache-dir', join(dir, 'cache'), ...args], { env: { ...process.env, KUBECONFIG: api.kubeconfig }, timeout: 30_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr }),
    );
  });
const ok = async (...args: string[]) => {
  const r = await kubectl(...args);
  if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  return r.stdout;
};
const inNs = (...args: string[]) => ok('-n', NS, ...args);

describe('given kubectl 1.32, whose typed commands send protobuf', () => {
  it('when a namespace is made with `kubectl create namespace`, then it exists and is Active', async () => {
    // -v=8 shows the request: this is the protobuf path, not JSON
    const r = await kubectl('create', 'namespace', NS, '-v=8');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`namespace/${NS} created\n`);
    expect(r.stderr).toMatch(/Content-Type: application\/vnd\.kubernetes\.protobuf/);
    expect(r.stderr).toMatch(/Response Status: 201 Created/);
    expect(await ok('get', 'namespace', NS, '-o', 'jsonpath={.status.phase}')).toBe('Active');
  });

  it('when a config map is made `--from-literal`, then its data holds the literal', async () => {
    expect(await inNs('create', 'configmap', 'greeting', '--from-literal=hello=world')).toBe('configmap/greeting created\n');
    expect(await inNs('get', 'configmap', 'greeting', '-o', 'jsonpath={.data.hello}')).toBe('world');
  });

  it('when a secret is made `generic --from-literal`, then its data holds the value in base64', async () => {
    expect(await inNs('create', 'secret', 'generic', 'creds', '--from-literal=a=b', '--from-literal=password=s3cr3t!')).toBe('secret/creds created\n');
    expect(await inNs('get', 'secret', 'creds', '-o', 'jsonpath={.data.a}')).toBe(Buffer.from('b').toString('base64'));
    expect(await inNs('get', 'secret', 'creds', '-o', 'jsonpath={.data.password}')).toBe(Buffer.from('s3cr3t!').toString('base64'));
    expect(await inNs('get', 'secret', 'creds', '-o', 'jsonpath={.type}')).toBe('Opaque');
  });

  it('when a deployment is made with `--image=nginx:1.7.9 --replicas=2`, then its spec says so', async () => {
    expect(await inNs('create', 'deployment', 'web', '--image=nginx:1.7.9', '--replicas=2')).toBe('deployment.apps/web created\n');
    const spec = JSON.parse(await inNs('get', 'deployment', 'web', '-o', 'jsonpath={.spec}'));
    expect(spec).toMatchObject({
      replicas: 2,
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'nginx', image: 'nginx:1.7.9' }] } },
    });
    expect(spec.template.spec.containers).toHaveLength(1);
  });

  it('when a deployment is made with `--replicas=0`, then it keeps zero replicas (a zero the wire must not lose)', async () => {
    expect(await inNs('create', 'deployment', 'idle', '--image=nginx:1.7.9', '--replicas=0')).toBe('deployment.apps/idle created\n');
    expect(await inNs('get', 'deployment', 'idle', '-o', 'jsonpath={.spec.replicas}')).toBe('0');
  });

  it.each([
    [['create', 'serviceaccount', 'robot'], 'serviceaccount/robot created', ['serviceaccount', 'robot', '{.metadata.name}'], 'robot'],
    [['create', 'job', 'once', '--image=busybox'], 'job.batch/once created', ['job', 'once', '{.spec.template.spec.restartPolicy}'], 'Never'],
    [['create', 'cronjob', 'tick', '--image=busybox', '--schedule=*/5 * * * *'], 'cronjob.batch/tick created', ['cronjob', 'tick', '{.spec.schedule}'], '*/5 * * * *'],
    [['create', 'service', 'clusterip', 'front', '--tcp=80:8080'], 'service/front created', ['service', 'front', '{.spec.ports[0].targetPort}'], '8080'],
    [['create', 'poddisruptionbudget', 'keep', '--selector=app=web', '--min-available=50%'], 'poddisruptionbudget.policy/keep created', ['pdb', 'keep', '{.spec.minAvailable}'], '50%'],
    [['create', 'ingress', 'door', '--rule=example.com/app=front:80'], 'ingress.networking.k8s.io/door created', ['ingress', 'door', '{.spec.rules[0].http.paths[0].backend.service.port.number}'], '80'],
  ])('when `kubectl %j` runs, then it prints %j and the object is stored as meant', async (args, printed, [kind, name, path], value) => {
    expect(await inNs(...args)).toBe(`${printed}\n`);
    expect(await inNs('get', kind, name, '-o', `jsonpath=${path}`)).toBe(value);
  });

  it('when a priority class is made, then its value is stored', async () => {
    expect(await ok('create', 'priorityclass', 'important', '--value=1000', '--description=for tests')).toBe('priorityclass.scheduling.k8s.io/important created\n');
    expect(await ok('get', 'priorityclass', 'important', '-o', 'jsonpath={.value} {.description}')).toBe('1000 for tests');
  });

  describe('given a node with a pod on it', () => {
    beforeAll(async () => {
      const file = join(dir, 'node.yaml');
      writeFileSync(
        file,
        `apiVersion: v1\nkind: Node\nmetadata: { name: drained }\n---\napiVersion: v1\nkind: Pod\nmetadata: { name: victim, namespace: ${NS} }\nspec:\n  nodeName: drained\n  containers:\n  - { name: c, image: nginx:1.7.9 }\n`,
      );
      await ok('create', '-f', file);
    });

    it('when the node is drained, then the pod is evicted through pods/eviction', async () => {
      // No kubelet here confirms the pod stopped, so drain may time out waiting for it to go;
      // what matters is that the protobuf Eviction was taken and the pod is on its way out.
      // (The cordon before it is a JSON patch, not this spec's concern.)
      const r = await kubectl('drain', 'drained', '--force', '--ignore-daemonsets', '--timeout=5s');
      const out = r.stdout + r.stderr;
      expect(out).toMatch(new RegExp(`evicting pod ${NS}/victim`));
      expect(out).not.toMatch(/error when evicting|UnsupportedMediaType|unknown format/);
      const left = await kubectl('-n', NS, 'get', 'pod', 'victim', '-o', 'jsonpath={.metadata.deletionTimestamp}');
      expect(left.code === 0 ? left.stdout : left.stderr).toMatch(left.code === 0 ? /^\d{4}-\d\d-\d\dT/ : /NotFound|not found/);
    });
  });
});
