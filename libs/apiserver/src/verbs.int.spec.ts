// What the server owns in an object and what each verb may change: generated names, uid and
// creationTimestamp, metadata.generation, the status and scale subresources, pods/binding,
// and Secrets sealed in the log but readable through the API.
import { natsConnect } from '@keelson/testing';
import { kubeClient, startTestApiServer, type TestApiServer } from '@keelson/testing/apiserver';

let api: TestApiServer;
let k: ReturnType<typeof kubeClient>;
const PODS = '/api/v1/namespaces/default/pods';
const DEPLOYMENTS = '/apis/apps/v1/namespaces/default/deployments';
const MERGE = { 'Content-Type': 'application/merge-patch+json' };

const pod = (name: string) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { containers: [{ name: 'c', image: 'nginx' }] } });
const deployment = (name: string, replicas = 1) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name },
  spec: { replicas, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
});

beforeAll(async () => {
  api = await startTestApiServer(__filename);
  k = kubeClient(api.url);
});
afterAll(() => api?.close());

describe('given a create', () => {
  it('when only generateName is given, then the server picks a unique name with that prefix', async () => {
    const body = { ...pod(''), metadata: { generateName: 'web-' } };
    const [a, b] = await Promise.all([k('POST', PODS, body), k('POST', PODS, body)]);
    expect([a.code, b.code]).toEqual([201, 201]);
    expect(a.body.metadata.name).toMatch(/^web-[a-z0-9]{5}$/);
    expect(a.body.metadata.name).not.toBe(b.body.metadata.name);
    expect((await k('GET', `${PODS}/${a.body.metadata.name}`)).code).toBe(200);
  });

  it('when the client sends its own uid and creationTimestamp, then the server sets its own', async () => {
    const res = await k('POST', PODS, { ...pod('owned'), metadata: { name: 'owned', uid: 'mine', creationTimestamp: '2000-01-01T00:00:00Z' } });
    expect(res.code).toBe(201);
    expect(res.body.metadata.uid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(res.body.metadata.creationTimestamp).not.toBe('2000-01-01T00:00:00Z');
    expect(Math.abs(Date.parse(res.body.metadata.creationTimestamp) - Date.now())).toBeLessThan(60_000);
    expect(res.body.metadata.resourceVersion).toMatch(/^\d+$/);
  });
});

describe('given a deployment', () => {
  it('when its spec changes, then generation goes up by one; when only its labels change, it does not', async () => {
    const created = (await k('POST', DEPLOYMENTS, deployment('gen'))).body;
    expect(created.metadata.generation).toBe(1);
    const labelled = (await k('PATCH', `${DEPLOYMENTS}/gen`, { metadata: { labels: { tier: 'web' } } }, MERGE)).body;
    expect(labelled.metadata.generation).toBe(1);
    const scaled = (await k('PATCH', `${DEPLOYMENTS}/gen`, { spec: { replicas: 3 } }, MERGE)).body;
    expect(scaled.metadata.generation).toBe(2);
  });

  it('when /status is replaced, then only status changes; when the main resource is replaced, status is kept', async () => {
    const created = (await k('POST', DEPLOYMENTS, deployment('st', 2))).body;
    const viaStatus = await k('PUT', `${DEPLOYMENTS}/st/status`, { ...created, spec: { ...created.spec, replicas: 9 }, status: { replicas: 2, readyReplicas: 1 } });
    expect(viaStatus.code).toBe(200);
    expect(viaStatus.body.spec.replicas).toBe(2);
    expect(viaStatus.body.status).toMatchObject({ replicas: 2, readyReplicas: 1 });

    const viaMain = await k('PUT', `${DEPLOYMENTS}/st`, { ...viaStatus.body, spec: { ...viaStatus.body.spec, replicas: 4 }, status: { replicas: 99 } });
    expect(viaMain.code).toBe(200);
    expect(viaMain.body.spec.replicas).toBe(4);
    expect(viaMain.body.status).toMatchObject({ replicas: 2, readyReplicas: 1 });
    expect((await k('GET', `${DEPLOYMENTS}/st`)).body.status).toMatchObject({ replicas: 2, readyReplicas: 1 });
  });

  it('when its scale is read, replaced and patched, then spec.replicas follows', async () => {
    await k('POST', DEPLOYMENTS, deployment('sc', 2));
    const scale = await k('GET', `${DEPLOYMENTS}/sc/scale`);
    expect(scale.body).toMatchObject({ apiVersion: 'autoscaling/v1', kind: 'Scale', metadata: { name: 'sc' }, spec: { replicas: 2 }, status: { selector: 'app=sc' } });

    const put = await k('PUT', `${DEPLOYMENTS}/sc/scale`, { ...scale.body, spec: { replicas: 5 } });
    expect(put.code).toBe(200);
    expect(put.body.spec.replicas).toBe(5);
    const patched = await k('PATCH', `${DEPLOYMENTS}/sc/scale`, { spec: { replicas: 7 } }, MERGE);
    expect(patched.code).toBe(200);
    expect(patched.body.spec.replicas).toBe(7);
    expect((await k('GET', `${DEPLOYMENTS}/sc`)).body.spec.replicas).toBe(7);
  });

  it('when its scale is set negative or from a stale resourceVersion, then the write is refused', async () => {
    const scale = (await k('GET', `${DEPLOYMENTS}/sc/scale`)).body;
    expect((await k('PATCH', `${DEPLOYMENTS}/sc/scale`, { spec: { replicas: -1 } }, MERGE)).body).toMatchObject({ reason: 'Invalid', code: 422 });
    await k('PATCH', `${DEPLOYMENTS}/sc/scale`, { spec: { replicas: 1 } }, MERGE);
    expect((await k('PUT', `${DEPLOYMENTS}/sc/scale`, { ...scale, spec: { replicas: 3 } })).body).toMatchObject({ reason: 'Conflict', code: 409 });
    expect((await k('GET', `${DEPLOYMENTS}/sc`)).body.spec.replicas).toBe(1);
  });
});

describe('given an unscheduled pod', () => {
  it('when it is bound, then nodeName is set; when it is bound again, then the answer is 409 and the node stays', async () => {
    await k('POST', PODS, pod('bound'));
    const binding = (node: string) => ({ apiVersion: 'v1', kind: 'Binding', metadata: { name: 'bound' }, target: { apiVersion: 'v1', kind: 'Node', name: node } });
    const first = await k('POST', `${PODS}/bound/binding`, binding('node-a'));
    expect(first.code).toBe(201);
    const bound = (await k('GET', `${PODS}/bound`)).body;
    expect(bound.spec.nodeName).toBe('node-a');
    expect(bound.status.conditions).toEqual(expect.arrayContaining([expect.objectContaining({ type: 'PodScheduled', status: 'True' })]));

    const second = await k('POST', `${PODS}/bound/binding`, binding('node-b'));
    expect(second.body).toMatchObject({ kind: 'Status', reason: 'Conflict', code: 409 });
    expect((await k('GET', `${PODS}/bound`)).body.spec.nodeName).toBe('node-a');
  });
});

describe('given a Secret', () => {
  const SECRET_VALUE = 'hunter2-correct-horse';
  const b64 = Buffer.from(SECRET_VALUE).toString('base64');

  it('when it is created with data and stringData, then GET returns both folded into data', async () => {
    const res = await k('POST', '/api/v1/namespaces/default/secrets', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'creds' }, data: { password: b64 }, stringData: { token: SECRET_VALUE } });
    expect(res.code).toBe(201);
    const got = (await k('GET', '/api/v1/namespaces/default/secrets/creds')).body;
    expect(got.data.password).toBe(b64);
    expect(Buffer.from(got.data.token, 'base64').toString()).toBe(SECRET_VALUE);
    expect(got.stringData).toBeUndefined(); // write-only, as in Kubernetes
    const listed = (await k('GET', '/api/v1/namespaces/default/secrets')).body.items.find((s: any) => s.metadata.name === 'creds');
    expect(listed.data.password).toBe(b64);
  });

  it('when stringData is patched in, then it lands in data', async () => {
    const res = await k('PATCH', '/api/v1/namespaces/default/secrets/creds', { stringData: { extra: 'more' } }, MERGE);
    expect(res.code).toBe(200);
    expect(res.body.data).toEqual(expect.objectContaining({ password: b64, extra: Buffer.from('more').toString('base64') }));
    expect(res.body.stringData).toBeUndefined();
  });

  it('when the stream is read raw, then neither the value nor its base64 appears in any message', async () => {
    const nc = await natsConnect();
    try {
      const jsm = await nc.jetstreamManager();
      const info = await jsm.streams.info(api.stream);
      const raw: string[] = [];
      for (let seq = info.state.first_seq; seq <= info.state.last_seq; seq++) {
        const m = await jsm.streams.getMessage(api.stream, { seq }).catch(() => null);
        if (m) raw.push(`${m.subject} ${new TextDecoder().decode(m.data)}`);
      }
      const secretMessages = raw.filter((m) => m.includes('.secrets.default.creds'));
      expect(secretMessages.length).toBeGreaterThan(0);
      for (const m of raw) {
        expect(m).not.toContain(SECRET_VALUE);
        expect(m).not.toContain(b64);
        expect(m).not.toContain(Buffer.from(SECRET_VALUE).toString('base64').slice(0, 16));
      }
    } finally {
      await nc.close();
    }
  });
});
