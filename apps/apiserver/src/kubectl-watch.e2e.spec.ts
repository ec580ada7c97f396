// Real kubectl (v1.32 and v1.27) against a real Keelson apiserver: a watch that shows changes as
// they happen, the errors a user sees for bad input, and discovery (api-resources, explain).
// One server; each kubectl works in a namespace of its own that it creates itself.
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { startTestApiServer, type TestApiServer } from '@keelson/testing/apiserver';

// older kubectls sit beside the real kubectl binary, not on PATH
const kubectlDir = dirname(realpathSync(execFileSync('sh', ['-c', 'command -v kubectl']).toString().trim()));
const KUBECTLS = ['kubectl', join(kubectlDir, 'kubectl.1.27')];

interface Result { code: number; stdout: string; stderr: string }

const INVALID_POD = `apiVersion: v1
kind: Pod
metadata: { name: bad-port }
spec:
  containers:
  - { name: web, image: nginx:1.7.9, ports: [{ containerPort: 70000 }] }
`;
const POD_WITH_UNKNOWN_FIELD = `apiVersion: v1
kind: Pod
metadata: { name: typo }
spec:
  containerz: []
  containers:
  - { name: web, image: nginx:1.7.9 }
`;

async function waitFor(what: string, done: () => boolean, timeoutMs = 10_000): Promise<void> {
  for (const start = Date.now(); !done(); await new Promise((r) => setTimeout(r, 50))) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
  }
}

let api: TestApiServer;
let dir: string;
beforeAll(async () => {
  api = await startTestApiServer(__filename);
  dir = mkdtempSync(join(tmpdir(), 'keelson-kubectl-watch-'));
});
afterAll(async () => {
  await api?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe.each(KUBECTLS)('%s against the apiserver', (bin) => {
  const version = basename(bin).replace(/\W/g, '-'); // "kubectl" or "kubectl-1-27"
  const namespace = `watch-${version}`;
  const args = (rest: string[]) => ['--cache-dir', join(dir, `cache-${version}`), '-n', namespace, ...rest];
  const env = () => ({ ...process.env, KUBECONFIG: api.kubeconfig });
  const kubectl = (...rest: string[]) =>
    new Promise<Result>((resolve) => {
      execFile(bin, args(rest), { env: env(), timeout: 30_000 }, (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr }));
    });
  const ok = async (...rest: string[]) => {
    const r = await kubectl(...rest);
    if (r.code !== 0) throw new Error(`kubectl ${rest.join(' ')} exited ${r.code}: ${r.stderr}`);
    return r.stdout;
  };

  beforeAll(async () => {
    // from a manifest, not `kubectl create namespace`: see the protobuf test below
    const file = join(dir, `${namespace}.yaml`);
    writeFileSync(file, `apiVersion: v1\nkind: Namespace\nmetadata: { name: ${namespace} }\n`);
    expect(await ok('create', '-f', file)).toBe(`namespace/${namespace} created\n`);
  });

  // kubectl 1.32's `create configmap` uses the typed client, which POSTs
  // application/vnd.kubernetes.protobuf; kubectl 1.27 sends JSON.
  it('when a config map is made with `kubectl create configmap`, then it is created', async () => {
    expect(await ok('create', 'configmap', 'greeting', '--from-literal=hello=world')).toBe('configmap/greeting created\n');
    expect(await ok('get', 'configmap', 'greeting', '-o', 'jsonpath={.data.hello}')).toBe('world');
  });

  describe('given a running `get pods -w`', () => {
    let watch: ChildProcess;
    let out = '';
    const podLines = () => out.split('\n').filter((l) => l.startsWith('w1 '));
    beforeAll(async () => {
      // -L adds the label as a column, so the watch shows the label change too
      watch = spawn(bin, args(['get', 'pods', '-w', '-L', 'seen']), { env: env() });
      watch.stdout!.on('data', (d: Buffer) => (out += d.toString()));
      watch.stderr!.on('data', (d: Buffer) => (out += d.toString()));
      // An empty namespace prints nothing, so there is no sign that the watch is up. It need not
      // be: kubectl watches from its list's resourceVersion, so a pod created before the list
      // shows up in it, and every later change must come through the watch.
    });
    afterAll(() => {
      watch.kill();
    });

    it('when a pod is run, then the watch prints it Pending', async () => {
      expect(await ok('run', 'w1', '--image=nginx:1.7.9')).toBe('pod/w1 created\n');
      await waitFor('the pod in the watch', () => podLines().length >= 1);
      expect(podLines()[0]).toMatch(/^w1\s+0\/1\s+Pending\s+0\s+\d+s\s*$/);
    });

    it('when the pod is labelled, then the watch prints it again with the label', async () => {
      expect(await ok('label', 'pod/w1', 'seen=yes')).toBe('pod/w1 labeled\n');
      await waitFor('the labelled pod in the watch', () => podLines().length >= 2);
      expect(podLines()[1]).toMatch(/^w1\s+0\/1\s+Pending\s+0\s+\d+s\s+yes$/);
    });

    it('when the pod is deleted, then the watch prints it Terminating', async () => {
      expect(await ok('delete', 'pod', 'w1')).toBe('pod "w1" deleted\n');
      await waitFor('the deleted pod in the watch', () => podLines().some((l) => l.includes('Terminating')));
      expect(podLines().at(-1)).toMatch(/^w1\s+0\/1\s+Terminating\s+0\s+\d+s\s+yes$/);
      expect(watch.exitCode).toBeNull(); // still watching
    });
  });

  it('when an invalid pod is created, then kubectl prints the 422 with the field', async () => {
    const file = join(dir, 'invalid.yaml');
    writeFileSync(file, INVALID_POD);
    const r = await kubectl('create', '-f', file);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('The Pod "bad-port" is invalid: spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive');
  });

  it('when a pod with an unknown field is created, then kubectl prints the strict decoding error', async () => {
    const file = join(dir, 'unknown-field.yaml');
    writeFileSync(file, POD_WITH_UNKNOWN_FIELD);
    const r = await kubectl('create', '-f', file);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Error from server (BadRequest)');
    expect(r.stderr).toContain('strict decoding error: unknown field "spec.containerz"');
    expect(await ok('get', 'pods', '-o', 'name')).toBe(''); // neither bad pod was stored
  });

  it('when asked for api-resources, then pods and deployments have their short names', async () => {
    const stdout = await ok('api-resources');
    expect(stdout).toMatch(/^pods\s+po\s+v1\s+true\s+Pod$/m);
    expect(stdout).toMatch(/^deployments\s+deploy\s+apps\/v1\s+true\s+Deployment$/m);
  });

  it('when asked to explain deployment.spec.replicas, then it prints the field and its description', async () => {
    const stdout = await ok('explain', 'deployment.spec.replicas');
    expect(stdout).toMatch(/KIND:\s+Deployment/);
    expect(stdout).toMatch(/FIELD:\s+replicas <integer>/);
    expect(stdout).toContain('Number of desired pods.');
  });
});
