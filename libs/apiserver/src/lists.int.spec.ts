// LIST as kubectl and client-go use it: label selectors with every operator, the field
// selectors Kubernetes supports for pods (and a 400 for the rest), limit/continue paging that
// returns every object exactly once, reads of an exact past resourceVersion, and Tables.
import { kubeClient, startTestApiServer, type TestApiServer } from '@keelson/testing/apiserver';

let api: TestApiServer;
let k: ReturnType<typeof kubeClient>;
const PODS = '/api/v1/namespaces/lists/pods';
const CMS = '/api/v1/namespaces/lists/configmaps';

const names = (res: { body: { items: { metadata: { name: string } }[] } }) => res.body.items.map((o) => o.metadata.name).sort();
const q = (s: string) => encodeURIComponent(s);

// env=prod,tier=web | env=dev,tier=web | env=prod (no tier) | no labels
const LABELLED: [string, Record<string, string>][] = [
  ['prod-web', { env: 'prod', tier: 'web' }],
  ['dev-web', { env: 'dev', tier: 'web' }],
  ['prod-only', { env: 'prod' }],
  ['bare', {}],
];

beforeAll(async () => {
  api = await startTestApiServer(__filename);
  k = kubeClient(api.url);
  await k('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'lists' } });
  for (const [name, labels] of LABELLED) {
    await k('POST', PODS, { apiVersion: 'v1', kind: 'Pod', metadata: { name, labels }, spec: { containers: [{ name: 'c', image: 'nginx' }], ...(name.startsWith('prod') ? { nodeName: 'node-a' } : {}) } });
  }
  // One pod is Running (status is written through the status subresource, as a node agent does).
  const running = (await k('GET', `${PODS}/prod-web`)).body;
  await k('PUT', `${PODS}/prod-web/status`, { ...running, status: { ...running.status, phase: 'Running' } });
});
afterAll(() => api?.close());

describe('given pods with different labels', () => {
  it.each([
    ['env=prod', ['prod-only', 'prod-web']],
    ['env==prod', ['prod-only', 'prod-web']],
    ['env!=prod', ['bare', 'dev-web']],
    ['env in (dev,staging)', ['dev-web']],
    ['env notin (dev)', ['bare', 'prod-only', 'prod-web']],
    ['tier', ['dev-web', 'prod-web']],
    ['!tier', ['bare', 'prod-only']],
    ['env=prod,tier', ['prod-web']],
    ['env=prod,!tier', ['prod-only']],
  ])('when listed with labelSelector %s, then exactly %j come back', async (selector, expected) => {
    const res = await k('GET', `${PODS}?labelSelector=${q(selector)}`);
    expect(res.code).toBe(200);
    expect(names(res)).toEqual(expected);
  });

  it('when the labelSelector does not parse, then the answer is 400', async () => {
    expect((await k('GET', `${PODS}?labelSelector=${q('env in (prod')}`)).body).toMatchObject({ kind: 'Status', reason: 'BadRequest', code: 400 });
  });
});

describe('given pods on and off a node, one running', () => {
  it.each([
    ['metadata.name=dev-web', ['dev-web']],
    ['metadata.name!=dev-web', ['bare', 'prod-only', 'prod-web']],
    ['spec.nodeName=node-a', ['prod-only', 'prod-web']],
    ['spec.nodeName=', ['bare', 'dev-web']],
    ['status.phase=Running', ['prod-web']],
    ['status.phase!=Running,spec.nodeName=node-a', ['prod-only']],
  ])('when listed with fieldSelector %s, then exactly %j come back', async (selector, expected) => {
    const res = await k('GET', `${PODS}?fieldSelector=${q(selector)}`);
    expect(res.code).toBe(200);
    expect(names(res)).toEqual(expected);
  });

  it('when the fieldSelector names a field pods do not support, then the answer is 400', async () => {
    const res = await k('GET', `${PODS}?fieldSelector=${q('spec.dnsPolicy=Default')}`);
    expect(res.code).toBe(400);
    expect(res.body).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'BadRequest', code: 400 });
    expect(res.body.message).toContain('spec.dnsPolicy');
  });
});

describe('given 25 config maps', () => {
  beforeAll(async () => {
    for (let i = 0; i < 25; i++) await k('POST', CMS, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `page-${String(i).padStart(2, '0')}`, labels: { paged: 'yes' } } });
  });

  it('when paged with limit=10, then three pages return all 25 exactly once, with remainingItemCount 15 then 5', async () => {
    const seen: string[] = [];
    const remaining: (number | undefined)[] = [];
    let token = '';
    let pages = 0;
    do {
      const res = await k('GET', `${CMS}?labelSelector=paged%3Dyes&limit=10${token ? `&continue=${q(token)}` : ''}`);
      expect(res.body).toMatchObject({ kind: 'ConfigMapList' });
      seen.push(...res.body.items.map((o: any) => o.metadata.name));
      remaining.push(res.body.metadata.remainingItemCount);
      token = res.body.metadata.continue ?? '';
      pages++;
    } while (token && pages < 10);

    expect(pages).toBe(3);
    expect(seen).toHaveLength(25);
    expect(new Set(seen).size).toBe(25);
    expect(remaining).toEqual([15, 5, undefined]);
  });

  it('when objects change between pages, then later pages still show the first page\'s snapshot', async () => {
    const first = await k('GET', `${CMS}?labelSelector=paged%3Dyes&limit=10`);
    await k('DELETE', `${CMS}/page-24`);
    await k('POST', CMS, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'page-99', labels: { paged: 'yes' } } });
    const rest: string[] = [];
    let token = first.body.metadata.continue;
    while (token) {
      const res = await k('GET', `${CMS}?labelSelector=paged%3Dyes&limit=10&continue=${q(token)}`);
      rest.push(...res.body.items.map((o: any) => o.metadata.name));
      token = res.body.metadata.continue;
    }
    expect(rest).toContain('page-24');
    expect(rest).not.toContain('page-99');
    expect(first.body.items.length + rest.length).toBe(25);
  });
});

describe('given a list resourceVersion N', () => {
  it('when listed with resourceVersion=N&resourceVersionMatch=Exact, then the state as of N comes back', async () => {
    await k('POST', CMS, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'old-one' } });
    const n = (await k('GET', CMS)).body.metadata.resourceVersion;
    await k('POST', CMS, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'born-later' } });
    await k('DELETE', `${CMS}/old-one`);

    const now = await k('GET', CMS);
    expect(names(now)).toContain('born-later');
    expect(names(now)).not.toContain('old-one');

    const then = await k('GET', `${CMS}?resourceVersion=${n}&resourceVersionMatch=Exact`);
    expect(then.code).toBe(200);
    expect(then.body.metadata.resourceVersion).toBe(n);
    expect(names(then)).toContain('old-one');
    expect(names(then)).not.toContain('born-later');
  });

  it('when Exact is asked without a resourceVersion, then the answer is 400', async () => {
    expect((await k('GET', `${CMS}?resourceVersionMatch=Exact`)).code).toBe(400);
  });
});

describe('given a client that asks for a Table', () => {
  it('when pods are listed with as=Table, then the columns are those of kubectl get pods and each pod is a row', async () => {
    const res = await k('GET', PODS, undefined, { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json' });
    expect(res.code).toBe(200);
    expect(res.body).toMatchObject({ kind: 'Table', apiVersion: 'meta.k8s.io/v1' });
    expect(res.body.columnDefinitions.map((c: { name: string }) => c.name)).toEqual(['Name', 'Ready', 'Status', 'Restarts', 'Age', 'IP', 'Node', 'Nominated Node', 'Readiness Gates']);
    const rows = new Map(res.body.rows.map((r: { cells: unknown[] }) => [r.cells[0], r.cells]));
    expect([...rows.keys()].sort()).toEqual(['bare', 'dev-web', 'prod-only', 'prod-web']);
    expect(rows.get('prod-web')).toEqual(expect.arrayContaining(['0/1', 'Running', 'node-a']));
    expect(res.body.rows[0].object).toMatchObject({ kind: 'PartialObjectMetadata', metadata: { name: expect.any(String) } });
  });
});
