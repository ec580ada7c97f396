// Real kubectl (v1.32 and v1.27) against a real Keelson apiserver: a user's day with the
// fixtures, asserted on what kubectl prints. Each kubectl gets its own server (own stream,
// subjects and schema), because the fixtures name fixed namespaces. The tests of one kubectl
// are a story and run in order: each builds on the state the previous one left.
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { startTestApiServer, type TestApiServer } from '@keelson/testing/apiserver';

// older kubectls sit beside the real kubectl binary, not on PATH
const kubectlDir = dirname(realpathSync(execFileSync('sh', ['-c', 'command -v kubectl']).toString().trim()));
const KUBECTLS = ['kubectl', join(kubectlDir, 'kubectl.1.27')];
const FIXTURES = join(__dirname, '../../../k8s-fixtures');

interface Result { code: number; stdout: string; stderr: string }

/** What `kubectl apply -f k8s-fixtures/` prints for each object, e.g. "deployment.apps/nginx-deployment". */
function fixtureObjects(): string[] {
  return readdirSync(FIXTURES).filter((f) => f.endsWith('.yaml')).flatMap((f) =>
    parseAllDocuments(readFileSync(join(FIXTURES, f), 'utf8')).map((d) => d.toJS()).filter(Boolean).map((o: { apiVersion: string; kind: string; metadata: { name: string } }) => {
      const group = o.apiVersion.includes('/') ? `.${o.apiVersion.split('/')[0]}` : '';
      return `${o.kind.toLowerCase()}${group}/${o.metadata.name}`;
    }),
  );
}

/** The columns kubectl prints for a kind (from the server's Table), with the fixture that must be a row. */
const TABLES: { resource: string; columns: string[]; row?: string }[] = [
  { resource: 'pods', columns: ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE'], row: 'busybox-sleep' },
  { resource: 'deployments', columns: ['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE'], row: 'nginx-deployment' },
  { resource: 'replicasets', columns: ['NAME', 'DESIRED', 'CURRENT', 'READY', 'AGE'], row: 'nginx-set' },
  { resource: 'statefulsets', columns: ['NAME', 'READY', 'AGE'], row: 'web' },
  { resource: 'daemonsets', columns: ['NAME', 'DESIRED', 'CURRENT', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'NODE SELECTOR', 'AGE'], row: 'log-agent' },
  { resource: 'jobs', columns: ['NAME', 'STATUS', 'COMPLETIONS', 'DURATION', 'AGE'], row: 'countdown' },
  { resource: 'cronjobs', columns: ['NAME', 'SCHEDULE', 'TIMEZONE', 'SUSPEND', 'ACTIVE', 'LAST SCHEDULE', 'AGE'], row: 'hello' },
  { resource: 'services', columns: ['NAME', 'TYPE', 'CLUSTER-IP', 'EXTERNAL-IP', 'PORT(S)', 'AGE'], row: 'hostnames' },
  { resource: 'pv', columns: ['NAME', 'CAPACITY', 'ACCESS MODES', 'RECLAIM POLICY', 'STATUS', 'CLAIM', 'STORAGECLASS'], row: 'pv-volume' },
  { resource: 'pvc', columns: ['NAME', 'STATUS', 'VOLUME', 'CAPACITY', 'ACCESS MODES', 'STORAGECLASS'], row: 'pv-claim' },
];
// kubectl pads columns with at least three spaces, and a column name may itself hold one space
const header = (columns: string[]) => new RegExp(`^${columns.map((c) => c.replace(/[()]/g, '\\$&')).join(' {3,}')}\\b`, 'm');

describe.each(KUBECTLS)('%s against the apiserver', (bin) => {
  let api: TestApiServer;
  let dir: string;
  const kubectl = (args: string[], opts: { input?: string; env?: Record<string, string> } = {}) =>
    new Promise<Result>((resolve) => {
      const child = execFile(bin, ['--cache-dir', join(dir, 'cache'), ...args], { env: { ...process.env, KUBECONFIG: api.kubeconfig, ...opts.env }, timeout: 30_000 }, (err, stdout, stderr) =>
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr }),
      );
      child.stdin!.end(opts.input ?? '');
    });
  const ok = async (...args: string[]) => {
    const r = await kubectl(args);
    if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
    return r.stdout;
  };
  const jsonpath = (target: string, path: string) => ok('get', target, '-o', `jsonpath={${path}}`);

  beforeAll(async () => {
    api = await startTestApiServer(__filename);
    dir = mkdtempSync(join(tmpdir(), `keelson-kubectl-${basename(bin)}-`));
  });
  afterAll(async () => {
    await api?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('given an empty cluster, when the fixtures are applied, then every object is created', async () => {
    const stdout = await ok('apply', '-f', FIXTURES);
    const expected = fixtureObjects();
    expect(expected.length).toBeGreaterThan(25);
    for (const object of expected) expect(stdout).toContain(`${object} created\n`);
    expect(stdout.trim().split('\n')).toHaveLength(expected.length);
  });

  it('given the fixtures, when applied again, then nothing is created and the deployment is unchanged', async () => {
    const lines = (await ok('apply', '-f', FIXTURES)).trim().split('\n');
    // atomic lists that the server defaults into (Endpoints ports, StatefulSet claim templates)
    // make a three-way diff that is never empty: kubectl says "configured" there, as it does against Kubernetes
    for (const line of lines) expect(line).toMatch(/ (unchanged|configured)$/);
    expect(lines).toContain('deployment.apps/nginx-deployment unchanged');
  });

  it.each(TABLES)('when getting $resource, then kubectl prints the Kubernetes columns', async ({ resource, columns, row }) => {
    const stdout = await ok('get', resource);
    expect(stdout).toMatch(header(columns));
    if (row) expect(stdout).toMatch(new RegExp(`^${row} `, 'm'));
  });

  it('when getting nodes on a cluster without node agents, then kubectl says there are none', async () => {
    const r = await kubectl(['get', 'nodes']);
    expect(r).toMatchObject({ code: 0, stdout: '' });
    expect(r.stderr).toContain('No resources found');
  });

  it('given a changed image, when diffed and then applied, then diff shows it and apply configures it', async () => {
    const changed = join(dir, 'deployment.yaml');
    writeFileSync(changed, readFileSync(join(FIXTURES, 'deployment-nginx.yaml'), 'utf8').replace('nginx:1.7.9', 'nginx:1.27.0'));
    const diff = await kubectl(['diff', '-f', changed]);
    expect(diff.code).toBe(1); // 1 means "differences found"
    expect(diff.stdout).toMatch(/^-\s+- image: nginx:1\.7\.9$/m);
    expect(diff.stdout).toMatch(/^\+\s+- image: nginx:1\.27\.0$/m);
    expect(await ok('apply', '-f', changed)).toBe('deployment.apps/nginx-deployment configured\n');
    expect(await jsonpath('deployment/nginx-deployment', '.spec.template.spec.containers[0].image')).toBe('nginx:1.27.0');
    expect(await kubectl(['diff', '-f', changed])).toMatchObject({ code: 0, stdout: '' });
  });

  it('given an image set by client-side apply, when applied server-side, then it conflicts with kubectl-client-side-apply', async () => {
    const r = await kubectl(['apply', '--server-side', '-f', join(FIXTURES, 'deployment-nginx.yaml')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Apply failed with 1 conflict: conflict with "kubectl-client-side-apply"');
    expect(r.stderr).toContain('.spec.template.spec.containers[name="nginx"].image');
  });

  it('when applied server-side with --force-conflicts, then it is applied and kubectl owns the fields as an Apply manager', async () => {
    expect(await ok('apply', '--server-side', '--force-conflicts', '-f', join(FIXTURES, 'deployment-nginx.yaml'))).toBe('deployment.apps/nginx-deployment serverside-applied\n');
    expect(await jsonpath('deployment/nginx-deployment', '.spec.template.spec.containers[0].image')).toBe('nginx:1.7.9');
    const live = parse(await ok('get', 'deployment/nginx-deployment', '-o', 'yaml', '--show-managed-fields'));
    const managers = live.metadata.managedFields.map((m: { manager: string; operation: string }) => `${m.manager}/${m.operation}`);
    expect(managers).toContain('kubectl/Apply');
    // kubectl moves what client-side apply owned over to its Apply manager (csaupgrade)
    expect(managers).not.toContain('kubectl-client-side-apply/Update');
    // the same apply once more changes nothing, not even the resourceVersion
    await ok('apply', '--server-side', '-f', join(FIXTURES, 'deployment-nginx.yaml'));
    expect(await jsonpath('deployment/nginx-deployment', '.metadata.resourceVersion')).toBe(live.metadata.resourceVersion);
  });

  it('when labelling, then a second value needs --overwrite and key- removes it', async () => {
    expect(await ok('label', 'deployment/nginx-deployment', 'tier=web')).toBe('deployment.apps/nginx-deployment labeled\n');
    const refused = await kubectl(['label', 'deployment/nginx-deployment', 'tier=api']);
    expect(refused).toMatchObject({ code: 1, stderr: expect.stringContaining("'tier' already has a value (web), and --overwrite is false") });
    await ok('label', 'deployment/nginx-deployment', 'tier=api', '--overwrite');
    expect(await ok('get', 'deployment', '-l', 'tier=api', '-o', 'name')).toBe('deployment.apps/nginx-deployment\n');
    expect(await ok('label', 'deployment/nginx-deployment', 'tier-')).toBe('deployment.apps/nginx-deployment unlabeled\n');
    expect(await jsonpath('deployment/nginx-deployment', '.metadata.labels')).toBe('');
  });

  it('when annotating, then a second value needs --overwrite and key- removes it', async () => {
    const annotated = basename(bin) === 'kubectl.1.27' ? 'annotate' : 'annotated'; // kubectl 1.27's own wording
    expect(await ok('annotate', 'deployment/nginx-deployment', 'note=one')).toBe(`deployment.apps/nginx-deployment ${annotated}\n`);
    const refused = await kubectl(['annotate', 'deployment/nginx-deployment', 'note=two']);
    expect(refused).toMatchObject({ code: 1, stderr: expect.stringContaining("'note' already has a value (one)") });
    await ok('annotate', 'deployment/nginx-deployment', 'note=two', '--overwrite');
    expect(await jsonpath('deployment/nginx-deployment', '.metadata.annotations.note')).toBe('two');
    await ok('annotate', 'deployment/nginx-deployment', 'note-');
    expect(await jsonpath('deployment/nginx-deployment', '.metadata.annotations.note')).toBe('');
  });

  it('when scaled to 5 and edited back to 3 in an editor, then spec.replicas follows', async () => {
    expect(await ok('scale', 'deployment/nginx-deployment', '--replicas=5')).toBe('deployment.apps/nginx-deployment scaled\n');
    expect(await jsonpath('deployment/nginx-deployment', '.spec.replicas')).toBe('5');
    const editor = join(dir, 'editor.sh');
    writeFileSync(editor, '#!/bin/sh\nsed -i "s/replicas: 5/replicas: 3/" "$1"\n', { mode: 0o755 });
    const edited = await kubectl(['edit', 'deployment/nginx-deployment'], { env: { KUBE_EDITOR: editor } });
    expect(edited).toMatchObject({ code: 0, stdout: 'deployment.apps/nginx-deployment edited\n' });
    expect(await jsonpath('deployment/nginx-deployment', '.spec.replicas')).toBe('3');
  });

  it.each(['yaml', 'json'])('when an object is read as %s and replaced with it, then the replace succeeds and keeps the object', async (format) => {
    const before = await ok('get', 'deployment/hostnames', '-o', format);
    const replaced = await kubectl(['replace', '-f', '-'], { input: before });
    expect(replaced).toMatchObject({ code: 0, stdout: 'deployment.apps/hostnames replaced\n' });
    // kubectl replace rewrites the last-applied annotation from what it sent, so only that may differ
    const after = parse(await ok('get', 'deployment/hostnames', '-o', format));
    expect(after.spec).toEqual(parse(before).spec);
    expect(after.metadata.generation).toBe(parse(before).metadata.generation);
  });

  it('given a saved copy, when the object changes and the copy is replaced, then the server refuses the stale write', async () => {
    const saved = join(dir, 'saved.yaml');
    writeFileSync(saved, await ok('get', 'deployment/hostnames', '-o', 'yaml'));
    await ok('label', 'deployment/hostnames', 'changed=yes');
    const r = await kubectl(['replace', '-f', saved]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Error from server (Conflict)');
    expect(r.stderr).toContain('deployments.apps "hostnames": the object has been modified');
  });

  it('when a pod that no node runs is deleted, then it is gone at once', async () => {
    expect(await ok('delete', 'pod', 'busybox-sleep')).toBe('pod "busybox-sleep" deleted\n');
    const r = await kubectl(['get', 'pod', 'busybox-sleep']);
    expect(r).toMatchObject({ code: 1, stderr: expect.stringContaining('Error from server (NotFound): pods "busybox-sleep" not found') });
  });

  it('when the deployment is deleted, then it is gone', async () => {
    expect(await ok('delete', 'deployment', 'nginx-deployment')).toBe('deployment.apps "nginx-deployment" deleted\n');
    expect(await ok('get', 'deployments', '-o', 'name')).toBe('deployment.apps/hostnames\n');
  });
});
