// Bad input never crashes the server and never leaves a half-written object behind: every
// failure is a Kubernetes Status with the reason and code kubectl shows, and a GET or LIST
// afterwards finds no trace of what was refused.
import { kubeClient, startTestApiServer, type TestApiServer } from '@keelson/testing/apiserver';

let api: TestApiServer;
let k: ReturnType<typeof kubeClient>;
const PODS = '/api/v1/namespaces/default/pods';
const DEPLOYMENTS = '/apis/apps/v1/namespaces/default/deployments';

const pod = (name: string, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, labels: { suite: 'bad-input' } },
  spec: { containers: [{ name: 'c', image: 'nginx' }] },
  ...extra,
});

beforeAll(async () => {
  api = await startTestApiServer(__filename);
  k = kubeClient(api.url);
});
afterAll(() => api?.close());

function expectStatus(res: { code: number; body: any }, code: number, reason: string): void {
  expect({ code: res.code, kind: res.body?.kind, apiVersion: res.body?.apiVersion, status: res.body?.status, reason: res.body?.reason, bodyCode: res.body?.code }).toEqual({
    code,
    kind: 'Status',
    apiVersion: 'v1',
    status: 'Failure',
    reason,
    bodyCode: code,
  });
}

async function expectNoPod(name: string): Promise<void> {
  expect((await k('GET', `${PODS}/${name}`)).code).toBe(404);
  const names = ((await k('GET', PODS)).body.items as any[]).map((p) => p.metadata.name);
  expect(names).not.toContain(name);
}

describe('given a request body that cannot be decoded', () => {
  it.each([
    ['malformed JSON', '{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "broken-json"', 'application/json'],
    ['malformed YAML', 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: broken-yaml\n   labels: [a\n', 'application/yaml'],
    ['a JSON array', JSON.stringify([pod('array-pod')]), 'application/json'],
    ['a JSON string', JSON.stringify('array-pod'), 'application/json'],
  ])('when it is %s, then the answer is 400 BadRequest and nothing is stored', async (_what, body, contentType) => {
    const before = (await k('GET', PODS)).body.items.length;
    const res = await k('POST', PODS, body, { 'Content-Type': contentType });
    expectStatus(res, 400, 'BadRequest');
    expect((await k('GET', PODS)).body.items).toHaveLength(before);
  });

  it('when YAML is well formed, then it is accepted like JSON (the control for the malformed case)', async () => {
    const yaml = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: from-yaml\nspec:\n  containers:\n  - name: c\n    image: nginx\n';
    const res = await k('POST', PODS, yaml, { 'Content-Type': 'application/yaml' });
    expect(res.code).toBe(201);
    expect(res.body.metadata.name).toBe('from-yaml');
  });
});

describe('given an object whose type does not match the URL', () => {
  it.each([
    ['apiVersion', { apiVersion: 'apps/v1' }],
    ['kind', { kind: 'Service' }],
  ])('when its %s differs, then the answer is 400 and nothing is stored', async (_field, override) => {
    const res = await k('POST', PODS, { ...pod('wrong-type'), ...override });
    expectStatus(res, 400, 'BadRequest');
    await expectNoPod('wrong-type');
  });
});

describe('given an object that fails validation', () => {
  it.each([
    ['a pod with no containers', PODS, 'no-containers', { ...pod('no-containers'), spec: { containers: [] } }, 'spec.containers'],
    ['a pod with the name Foo_', PODS, 'Foo_', pod('Foo_'), 'metadata.name'],
    [
      'a deployment whose selector does not match its template',
      DEPLOYMENTS,
      'mismatched',
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'mismatched' },
        spec: { selector: { matchLabels: { app: 'a' } }, template: { metadata: { labels: { app: 'b' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
      },
      'spec.template.metadata.labels',
    ],
  ])('when it is %s, then the answer is 422 Invalid naming the field, and nothing is stored', async (_what, path, name, body, field) => {
    const res = await k('POST', path, body);
    expectStatus(res, 422, 'Invalid');
    expect(res.body.details.causes.map((c: { field: string }) => c.field)).toContain(field);
    expect((await k('GET', `${path}/${name}`)).code).toBe(404);
    expect((await k('GET', path)).body.items.map((o: any) => o.metadata.name)).not.toContain(name);
  });
});

describe('given an object with a field the schema does not know', () => {
  const withUnknown = (name: string) => ({ ...pod(name), spec: { containers: [{ name: 'c', image: 'nginx', colour: 'blue' }] } });

  it('when fieldValidation=Strict, then the answer is 400 with a strict decoding error, and nothing is stored', async () => {
    const res = await k('POST', `${PODS}?fieldValidation=Strict`, withUnknown('strict-pod'));
    expectStatus(res, 400, 'BadRequest');
    expect(res.body.message).toContain('strict decoding error');
    expect(res.body.message).toContain('colour');
    await expectNoPod('strict-pod');
  });

  it('when fieldValidation=Warn, then the object is created and a Warning header names the field', async () => {
    const res = await k('POST', `${PODS}?fieldValidation=Warn`, withUnknown('warn-pod'));
    expect(res.code).toBe(201);
    expect(res.headers.get('warning')).toMatch(/^299 - ".*unknown field.*colour.*"$/);
    expect((await k('GET', `${PODS}/warn-pod`)).code).toBe(200);
  });
});

describe('given a request for something the server does not serve', () => {
  it.each([
    ['an unknown resource', '/api/v1/namespaces/default/gadgets'],
    ['an unknown group', '/apis/example.com/v1/widgets'],
  ])('when it asks for %s, then the answer is 404 NotFound', async (_what, path) => {
    expectStatus(await k('GET', path), 404, 'NotFound');
    expectStatus(await k('POST', path, pod('x')), 404, 'NotFound');
  });
});

describe('given an existing object', () => {
  it('when another is created under its name, then the answer is 409 AlreadyExists and the first is unchanged', async () => {
    const first = await k('POST', PODS, pod('taken', { metadata: { name: 'taken', labels: { v: 'first' } } }));
    expect(first.code).toBe(201);
    const second = await k('POST', PODS, pod('taken', { metadata: { name: 'taken', labels: { v: 'second' } } }));
    expectStatus(second, 409, 'AlreadyExists');
    const now = await k('GET', `${PODS}/taken`);
    expect(now.body.metadata).toMatchObject({ uid: first.body.metadata.uid, labels: { v: 'first' }, resourceVersion: first.body.metadata.resourceVersion });
  });

  it('when it is replaced with a stale resourceVersion, then the answer is 409 Conflict and the newer write stands', async () => {
    const created = (await k('POST', PODS, pod('stale'))).body;
    const newer = await k('PUT', `${PODS}/stale`, { ...created, metadata: { ...created.metadata, labels: { v: 'newer' } } });
    expect(newer.code).toBe(200);
    const stale = await k('PUT', `${PODS}/stale`, { ...created, metadata: { ...created.metadata, labels: { v: 'stale' } } });
    expectStatus(stale, 409, 'Conflict');
    expect((await k('GET', `${PODS}/stale`)).body.metadata).toMatchObject({ labels: { v: 'newer' }, resourceVersion: newer.body.metadata.resourceVersion });
  });
});

describe('given a body larger than 3 MiB', () => {
  it('when it is posted, then the answer is 413 and nothing is stored', async () => {
    const big = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'too-big' }, data: { blob: 'x'.repeat(3 * 1024 * 1024 + 1) } };
    const res = await k('POST', '/api/v1/namespaces/default/configmaps', big);
    expectStatus(res, 413, 'RequestEntityTooLarge');
    expect((await k('GET', '/api/v1/namespaces/default/configmaps/too-big')).code).toBe(404);
  });

  it('when the refused request is over, then the server still answers', async () => {
    expect((await k('GET', '/healthz')).code).toBe(200);
    expect((await k('GET', PODS)).code).toBe(200);
  });
});
