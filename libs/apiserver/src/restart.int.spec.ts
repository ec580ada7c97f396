// A restart loses nothing: every write acknowledged before the apiserver stopped is read back,
// unchanged and at the same resourceVersion, from a new apiserver on the same stream, subjects,
// Postgres schema and Secret key — and versions keep growing from where they were.
import { kubeClient, openWatch, startTestApiServer, type TestApiServer } from '@keelson/testing/apiserver';

let first: TestApiServer;
let second: TestApiServer | undefined;
const NS = '/api/v1/namespaces/durable';
const MERGE = { 'Content-Type': 'application/merge-patch+json' };
const acknowledged = new Map<string, any>(); // path → object as the first server answered
let lastVersion = 0;

beforeAll(async () => {
  first = await startTestApiServer(__filename);
  const k = kubeClient(first.url);
  const write = async (method: string, path: string, body: unknown, at: string, headers?: Record<string, string>) => {
    const res = await k(method, path, body, headers);
    expect([200, 201]).toContain(res.code);
    acknowledged.set(at, res.body);
    lastVersion = Math.max(lastVersion, Number(res.body.metadata.resourceVersion));
  };
  await write('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'durable' } }, NS);
  await write('POST', `${NS}/configmaps`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' }, data: { a: '1' } }, `${NS}/configmaps/settings`);
  await write('PATCH', `${NS}/configmaps/settings`, { data: { b: '2' } }, `${NS}/configmaps/settings`, MERGE);
  await write('POST', `${NS}/secrets`, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'key' }, data: { k: Buffer.from('s3cret').toString('base64') } }, `${NS}/secrets/key`);
  await write(
    'POST',
    '/apis/apps/v1/namespaces/durable/deployments',
    { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } } },
    '/apis/apps/v1/namespaces/durable/deployments/web',
  );
  await write('POST', `${NS}/configmaps`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'doomed' } }, 'doomed');
  expect((await k('DELETE', `${NS}/configmaps/doomed`)).code).toBe(200);
  await first.stop();
  second = await startTestApiServer(__filename, { reuse: first });
});
afterAll(async () => {
  await first?.stop();
  await second?.close();
});

describe('given an apiserver that was stopped after acknowledging writes', () => {
  it('when a new one starts on the same stream and schema, then every object reads back as acknowledged', async () => {
    const k = kubeClient(second!.url);
    for (const [path, acked] of acknowledged) {
      if (path === 'doomed') continue;
      const res = await k('GET', path);
      expect(res.code).toBe(200);
      expect(res.body.metadata).toMatchObject({ uid: acked.metadata.uid, resourceVersion: acked.metadata.resourceVersion, creationTimestamp: acked.metadata.creationTimestamp });
      expect({ spec: res.body.spec, data: res.body.data }).toEqual({ spec: acked.spec, data: acked.data });
    }
  });

  it('then a Secret is still readable (the key survived with the state)', async () => {
    const res = await kubeClient(second!.url)('GET', `${NS}/secrets/key`);
    expect(Buffer.from(res.body.data.k, 'base64').toString()).toBe('s3cret');
  });

  it('then a deleted object stays deleted, and lists hold exactly what was acknowledged', async () => {
    const k = kubeClient(second!.url);
    expect((await k('GET', `${NS}/configmaps/doomed`)).code).toBe(404);
    const names = (await k('GET', `${NS}/configmaps`)).body.items.map((o: any) => o.metadata.name);
    expect(names).toEqual(['settings']);
  });

  it('then new writes get versions above every earlier one', async () => {
    const k = kubeClient(second!.url);
    const res = await k('PATCH', `${NS}/configmaps/settings`, { data: { c: '3' } }, MERGE);
    expect(res.code).toBe(200);
    expect(Number(res.body.metadata.resourceVersion)).toBeGreaterThan(lastVersion);
    expect(res.body.data).toEqual({ a: '1', b: '2', c: '3' });
  });

  it('then an optimistic write made against the old server\'s version still conflicts correctly', async () => {
    const k = kubeClient(second!.url);
    const stale = acknowledged.get(`${NS}/configmaps/settings`);
    expect((await k('PUT', `${NS}/configmaps/settings`, { ...stale, data: { stale: 'yes' } })).code).toBe(409);
  });

  it('then a watch resumed from a version the old server gave replays what happened since', async () => {
    const created = acknowledged.get(`${NS}/configmaps/settings`);
    const w = await openWatch(second!.url, `${NS}/configmaps?watch=true&resourceVersion=${created.metadata.resourceVersion}`);
    try {
      const events = [await w.next(), await w.next(), await w.next()];
      expect(events.map((e) => [e.type, e.object.metadata.name])).toEqual([
        ['ADDED', 'doomed'],
        ['DELETED', 'doomed'],
        ['MODIFIED', 'settings'],
      ]);
    } finally {
      w.close();
    }
  });
});
