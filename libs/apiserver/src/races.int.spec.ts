// Concurrent writers, as controllers and users produce them: the log's conditional append
// decides every race, so exactly one of competing creates or pinned updates wins, while
// patches that pin nothing are retried on the newer version and all of them land.
import { kubeClient, startTestApiServer, type TestApiServer } from '@keelson/testing/apiserver';

let api: TestApiServer;
let k: ReturnType<typeof kubeClient>;
const CMS = '/api/v1/namespaces/default/configmaps';
const N = 20;

const configMap = (name: string, data: Record<string, string> = {}) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data });
const countBy = (codes: number[]) => codes.reduce<Record<number, number>>((acc, c) => ({ ...acc, [c]: (acc[c] ?? 0) + 1 }), {});

beforeAll(async () => {
  api = await startTestApiServer(__filename);
  k = kubeClient(api.url);
});
afterAll(() => api?.close());

describe('given 20 clients creating the same name at once', () => {
  it('then exactly one gets 201 and the others 409 AlreadyExists, and the stored object is the winner', async () => {
    const results = await Promise.all(Array.from({ length: N }, (_, i) => k('POST', CMS, configMap('contested', { writer: String(i) }))));

    expect(countBy(results.map((r) => r.code))).toEqual({ 201: 1, 409: N - 1 });
    for (const lost of results.filter((r) => r.code === 409)) expect(lost.body).toMatchObject({ kind: 'Status', reason: 'AlreadyExists', code: 409 });
    const winner = results.find((r) => r.code === 201)!.body;
    const stored = (await k('GET', `${CMS}/contested`)).body;
    expect(stored.metadata.uid).toBe(winner.metadata.uid);
    expect(stored.data).toEqual(winner.data);
  });

  it('then a list holds the name once', async () => {
    const names = ((await k('GET', CMS)).body.items as { metadata: { name: string } }[]).map((o) => o.metadata.name);
    expect(names.filter((n) => n === 'contested')).toHaveLength(1);
  });
});

describe('given 20 clients replacing one object from the same resourceVersion', () => {
  it('then exactly one PUT wins and the others get 409 Conflict', async () => {
    const base = (await k('POST', CMS, configMap('replaced', { writer: 'none' }))).body;
    const results = await Promise.all(Array.from({ length: N }, (_, i) => k('PUT', `${CMS}/replaced`, { ...base, data: { writer: String(i) } })));

    expect(countBy(results.map((r) => r.code))).toEqual({ 200: 1, 409: N - 1 });
    for (const lost of results.filter((r) => r.code === 409)) expect(lost.body).toMatchObject({ kind: 'Status', reason: 'Conflict', code: 409 });
    const won = results.find((r) => r.code === 200)!.body;
    const stored = (await k('GET', `${CMS}/replaced`)).body;
    expect(stored.data).toEqual(won.data);
    expect(stored.metadata.resourceVersion).toBe(won.metadata.resourceVersion);
  });
});

describe('given 20 clients merge-patching different labels of one object at once', () => {
  it('then every patch is applied, each on top of the others', async () => {
    await k('POST', CMS, configMap('patched'));
    const results = await Promise.all(
      Array.from({ length: N }, (_, i) => k('PATCH', `${CMS}/patched`, { metadata: { labels: { [`l${i}`]: String(i) } } }, { 'Content-Type': 'application/merge-patch+json' })),
    );

    expect(results.map((r) => r.code)).toEqual(Array(N).fill(200));
    const labels = (await k('GET', `${CMS}/patched`)).body.metadata.labels;
    expect(labels).toEqual(Object.fromEntries(Array.from({ length: N }, (_, i) => [`l${i}`, String(i)])));
  });

  it('then each write got its own resourceVersion', async () => {
    // 20 patches after the create: 20 distinct versions, none reused.
    const cm = (await k('GET', `${CMS}/patched`)).body;
    const versions = new Set<string>();
    const results = await Promise.all(
      Array.from({ length: 5 }, (_, i) => k('PATCH', `${CMS}/patched`, { data: { [`k${i}`]: 'v' } }, { 'Content-Type': 'application/merge-patch+json' })),
    );
    for (const r of results) versions.add(r.body.metadata.resourceVersion);
    expect(versions.size).toBe(5);
    for (const v of versions) expect(Number(v)).toBeGreaterThan(Number(cm.metadata.resourceVersion));
  });
});

describe('given 20 clients merge-patching one object with the same resourceVersion pinned', () => {
  it('then exactly one wins, as with PUT, because a pinned version is a precondition', async () => {
    const base = (await k('POST', CMS, configMap('pinned'))).body;
    const rv = base.metadata.resourceVersion;
    const results = await Promise.all(
      Array.from({ length: N }, (_, i) => k('PATCH', `${CMS}/pinned`, { metadata: { resourceVersion: rv }, data: { writer: String(i) } }, { 'Content-Type': 'application/merge-patch+json' })),
    );
    expect(countBy(results.map((r) => r.code))).toEqual({ 200: 1, 409: N - 1 });
  });
});

describe('given 20 clients deleting one object at once', () => {
  it('then one delete succeeds, the others find it gone (404), and it stays gone', async () => {
    await k('POST', CMS, configMap('deleted'));
    const results = await Promise.all(Array.from({ length: N }, () => k('DELETE', `${CMS}/deleted`)));
    expect(countBy(results.map((r) => r.code))).toEqual({ 200: 1, 404: N - 1 });
    expect((await k('GET', `${CMS}/deleted`)).code).toBe(404);
  });
});
