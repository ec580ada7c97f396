// DELETE as a Kubernetes user sees it: a pod on a node is deleted gracefully (202, still
// there with a deletionTimestamp) until a delete with grace 0; an object with a finalizer
// waits for the finalizer to go; deletecollection honours a label selector; and namespaces
// refuse objects when missing (404) or being deleted (403).
import { kubeClient, startTestApiServer, type TestApiServer } from '@keelson/testing/apiserver';

let api: TestApiServer;
let k: ReturnType<typeof kubeClient>;
const ns = (name: string) => `/api/v1/namespaces/${name}`;
const PODS = `${ns('default')}/pods`;
const CMS = `${ns('default')}/configmaps`;
const MERGE = { 'Content-Type': 'application/merge-patch+json' };

const pod = (name: string, spec: Record<string, unknown> = {}) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { containers: [{ name: 'c', image: 'nginx' }], ...spec } });
const configMap = (name: string, labels: Record<string, string> = {}, finalizers?: string[]) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, labels, ...(finalizers ? { finalizers } : {}) } });

beforeAll(async () => {
  api = await startTestApiServer(__filename);
  k = kubeClient(api.url);
});
afterAll(() => api?.close());

describe('given a pod that runs on a node', () => {
  it('when it is deleted, then the answer is 202 and the pod stays with a deletionTimestamp', async () => {
    await k('POST', PODS, pod('running', { nodeName: 'node-a', terminationGracePeriodSeconds: 30 }));
    const res = await k('DELETE', `${PODS}/running`);
    expect(res.code).toBe(202);
    expect(res.body.metadata.deletionTimestamp).toBeDefined();
    expect(res.body.metadata.deletionGracePeriodSeconds).toBe(30);
    const still = await k('GET', `${PODS}/running`);
    expect(still.code).toBe(200);
    expect(still.body.metadata.deletionTimestamp).toBe(res.body.metadata.deletionTimestamp);
  });

  it('when it is deleted again with gracePeriodSeconds=0, then it is gone', async () => {
    const res = await k('DELETE', `${PODS}/running?gracePeriodSeconds=0`);
    expect(res.code).toBe(200);
    expect((await k('GET', `${PODS}/running`)).code).toBe(404);
  });

  it('when a pod is on no node, then a delete removes it at once', async () => {
    await k('POST', PODS, pod('pending'));
    expect((await k('DELETE', `${PODS}/pending`)).code).toBe(200);
    expect((await k('GET', `${PODS}/pending`)).code).toBe(404);
  });
});

describe('given an object with a finalizer', () => {
  it('when it is deleted, then it gets a deletionTimestamp and stays', async () => {
    await k('POST', CMS, configMap('guarded', {}, ['example.com/cleanup']));
    const res = await k('DELETE', `${CMS}/guarded`);
    expect(res.code).toBe(202);
    const still = (await k('GET', `${CMS}/guarded`)).body;
    expect(still.metadata.deletionTimestamp).toBeDefined();
    expect(still.metadata.finalizers).toEqual(['example.com/cleanup']);
  });

  it('when it is updated while being deleted, then the deletionTimestamp cannot be taken away', async () => {
    const cur = (await k('GET', `${CMS}/guarded`)).body;
    const { deletionTimestamp: _, ...meta } = cur.metadata;
    const res = await k('PUT', `${CMS}/guarded`, { ...cur, metadata: { ...meta, labels: { touched: 'yes' } } });
    expect(res.code).toBe(200);
    expect(res.body.metadata.deletionTimestamp).toBe(cur.metadata.deletionTimestamp);
  });

  it('when a patch removes the last finalizer, then the object is gone', async () => {
    const res = await k('PATCH', `${CMS}/guarded`, { metadata: { finalizers: null } }, MERGE);
    expect(res.code).toBe(200);
    expect((await k('GET', `${CMS}/guarded`)).code).toBe(404);
    expect((await k('GET', CMS)).body.items.map((o: any) => o.metadata.name)).not.toContain('guarded');
  });
});

describe('given objects with different labels', () => {
  it('when the collection is deleted with a labelSelector, then only the matching ones go', async () => {
    for (const [name, tier] of [['a1', 'doomed'], ['a2', 'doomed'], ['a3', 'kept']]) await k('POST', CMS, configMap(name, { tier }));
    const res = await k('DELETE', `${CMS}?labelSelector=tier%3Ddoomed`);
    expect(res.code).toBe(200);
    expect(res.body.items.map((o: any) => o.metadata.name).sort()).toEqual(['a1', 'a2']);
    const left = (await k('GET', CMS)).body.items.map((o: any) => o.metadata.name);
    expect(left).toContain('a3');
    expect(left).not.toEqual(expect.arrayContaining(['a1']));
    expect(left).not.toEqual(expect.arrayContaining(['a2']));
  });
});

describe('given namespaces', () => {
  it('when an object is created in a namespace that does not exist, then the answer is 404 NotFound', async () => {
    const res = await k('POST', `${ns('nowhere')}/configmaps`, configMap('x'));
    expect(res.body).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'NotFound', code: 404 });
    expect(res.code).toBe(404);
  });

  it('when an object is created in a namespace being deleted, then the answer is 403 Forbidden and nothing is stored', async () => {
    expect((await k('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'leaving' } })).code).toBe(201);
    await k('POST', `${ns('leaving')}/configmaps`, configMap('resident'));
    const del = await k('DELETE', ns('leaving'));
    expect(del.code).toBe(202); // the namespace waits for its spec.finalizers (the namespace controller)
    expect(del.body.status.phase).toBe('Terminating');

    const res = await k('POST', `${ns('leaving')}/configmaps`, configMap('latecomer'));
    expect(res.code).toBe(403);
    expect(res.body).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'Forbidden', code: 403 });
    expect((await k('GET', `${ns('leaving')}/configmaps/latecomer`)).code).toBe(404);
    expect((await k('GET', `${ns('leaving')}/configmaps/resident`)).code).toBe(200);
  });
});
