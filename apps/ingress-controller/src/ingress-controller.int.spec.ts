import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, request as httpRequest, type Server } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { apiServerConfig, startApiServer, type RunningApiServer } from '@keelson/apiserver-app';
import { ApiClient, objectPath } from '@keelson/informer';
import { freePort, startNats, type RunningSubstrate } from '@keelson/local';
import { freshSchema, pgUrl } from '@keelson/testing';
import { dropSchemaIfExists } from '@keelson/testing/schemas';
import { ingressControllerConfig } from './config';
import { childrenOf } from './nginx-process';
import { startIngressController, type RunningIngressController } from './server';

// The controller against real objects and a real nginx, without nodes: an apiserver on NATS and
// Postgres, Services whose EndpointSlices (written here, as the endpointslice controller would)
// point at HTTP servers of this test on loopback, and nginx in this namespace on two free
// loopback ports. Requests carry the Host header (and SNI) a client of the Ingress would send.
// The Ingresses are those of Kubernetes' ingress-controller-conformance features.

const TESTDATA = join(__dirname, '../../../libs/ingress/src/testdata');
// Until `ok` holds three probes in a row: right after a reload, workers of the previous
// configuration may still accept for a moment (nginx starts the new ones before it tells the old
// ones to quit), so one answer from a new worker does not yet mean every connection gets one.
const until = async <T>(probe: () => Promise<T>, ok: (v: T) => boolean, ms = 20_000): Promise<T> => {
  const end = Date.now() + ms;
  let inARow = 0;
  for (;;) {
    const v = await probe().catch((e) => e as T);
    inARow = ok(v) ? inARow + 1 : 0;
    if (inARow === 3 || Date.now() > end) return v;
    await new Promise((r) => setTimeout(r, inARow ? 50 : 100));
  }
};

interface Reply { status: number; service?: string; path?: string; host?: string; location?: string; cert?: string }

describe('the ingress controller on real objects and a real nginx', () => {
  let dir: string;
  let nats: RunningSubstrate;
  let api: RunningApiServer;
  let client: ApiClient;
  let schema: string;
  let ctl: RunningIngressController;
  let http: number;
  let https: number;
  const backends: Server[] = [];

  /** One HTTP server per Service, answering with its name and what it was asked; /slow answers after 4 s. */
  async function backend(service: string): Promise<number> {
    const server = createServer((req, res) => {
      const answer = () => res.end(JSON.stringify({ service, path: req.url, host: req.headers.host }));
      if (req.url?.startsWith('/slow')) setTimeout(answer, 4000);
      else answer();
    });
    backends.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    return (server.address() as AddressInfo).port;
  }

  const at = (plural: string, group = '', name?: string, sub?: string) => objectPath(group, 'v1', plural, group === 'networking.k8s.io' && plural === 'ingressclasses' ? undefined : 'default', name, sub);

  /** A Service `name` (port 8080 named http) and the EndpointSlice naming its backend server. */
  async function service(name: string): Promise<void> {
    const port = await backend(name);
    await client.create(at('services'), { apiVersion: 'v1', kind: 'Service', metadata: { name }, spec: { ports: [{ name: 'http', port: 8080, targetPort: port }] } });
    await client.create(at('endpointslices', 'discovery.k8s.io'), {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: { name: `${name}-test`, labels: { 'kubernetes.io/service-name': name, 'endpointslice.kubernetes.io/managed-by': 'test' } },
      addressType: 'IPv4',
      endpoints: [{ addresses: ['127.0.0.1'], conditions: { ready: true } }],
      ports: [{ name: 'http', port, protocol: 'TCP' }],
    });
  }

  function get(host: string, path: string, o: { tls?: boolean; sni?: string } = {}): Promise<Reply> {
    return new Promise((resolve, reject) => {
      const opts = { host: '127.0.0.1', port: o.tls ? https : http, path, headers: { host }, agent: false as const };
      const onResponse = (res: import('node:http').IncomingMessage) => {
        let body = '';
        res.on('data', (d) => (body += d));
        res.on('end', () => {
          const json = (() => {
            try {
              return JSON.parse(body) as Partial<Reply>;
            } catch {
              return {};
            }
          })();
          const cn = o.tls ? (res.socket as import('node:tls').TLSSocket).getPeerCertificate?.()?.subject?.CN : undefined;
          resolve({ status: res.statusCode ?? 0, ...json, location: res.headers.location, cert: cn === undefined ? undefined : String(cn) });
        });
      };
      const req = o.tls ? httpsRequest({ ...opts, servername: o.sni ?? host, ca: readFileSync(join(TESTDATA, 'example.crt')) }, onResponse) : httpRequest(opts, onResponse);
      req.on('error', reject);
      req.end();
    });
  }

  const ingress = (name: string, spec: object, annotations?: Record<string, string>) => ({ apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name, annotations }, spec });
  const paths = (...p: [string, string, string, (number | string)?][]) => ({ paths: p.map(([path, pathType, name, port = 8080]) => ({ path, pathType, backend: { service: { name, port: typeof port === 'number' ? { number: port } : { name: port } } } })) });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'keelson-ingress-int-'));
    nats = await startNats({ dataDir: join(dir, 'nats'), port: await freePort() });
    schema = await freshSchema(__filename);
    api = await startApiServer(apiServerConfig({ natsUrl: nats.url, pgUrl: pgUrl(), port: await freePort(), schema, secretKeyFile: join(dir, 'key'), internalApi: true }, {}));
    client = await ApiClient.connect(nats.url, 'test');
    for (const name of ['foo-exact', 'foo-prefix', 'aaa-slash-bbb-prefix', 'aaa-prefix', 'aaa-slash-bbb-slash-prefix', 'foo-slash-exact', 'wildcard-foo-com', 'foo-bar-com', 'echo-service', 'slow']) await service(name);
    [http, https] = [await freePort(), await freePort()];
    ctl = await startIngressController(ingressControllerConfig({ natsUrl: nats.url, listenAddress: '127.0.0.1', httpPort: http, httpsPort: https, stateDir: join(dir, 'ingress'), debounceMs: 100, allowSnippets: true }, {}));
  }, 60_000);

  afterAll(async () => {
    await ctl?.close();
    await client?.close();
    await api?.close();
    await nats?.stop();
    for (const b of backends) b.close();
    await dropSchemaIfExists(schema);
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers 404 for every host before any Ingress exists', async () => {
    expect(await get('anything.example.com', '/')).toMatchObject({ status: 404 });
  });

  it('creates its IngressClass, the default one since the cluster had none (the conformance Ingresses name no class)', async () => {
    const cls = await client.get(objectPath('networking.k8s.io', 'v1', 'ingressclasses', undefined, 'keelson'));
    expect(cls).toMatchObject({ metadata: { annotations: { 'ingressclass.kubernetes.io/is-default-class': 'true' } }, spec: { controller: 'keelson.io/ingress-controller' } });
  });

  it('routes the conformance path rules: Exact, element-wise Prefix, longest match, Exact before Prefix, trailing slashes', async () => {
    await client.create(at('ingresses', 'networking.k8s.io'), ingress('path-rules', {
      rules: [
        { host: 'exact-path-rules', http: paths(['/foo', 'Exact', 'foo-exact']) },
        { host: 'prefix-path-rules', http: paths(['/foo', 'Prefix', 'foo-prefix'], ['/aaa/bbb', 'Prefix', 'aaa-slash-bbb-prefix'], ['/aaa', 'Prefix', 'aaa-prefix']) },
        { host: 'mixed-path-rules', http: paths(['/foo', 'Prefix', 'foo-prefix'], ['/foo', 'Exact', 'foo-exact']) },
        { host: 'trailing-slash-path-rules', http: paths(['/aaa/bbb/', 'Prefix', 'aaa-slash-bbb-slash-prefix'], ['/foo/', 'Exact', 'foo-slash-exact']) },
      ],
    }));
    await until(() => get('exact-path-rules', '/foo'), (r) => r.status === 200);
    const cases: [string, string, number, string?][] = [
      ['exact-path-rules', '/foo', 200, 'foo-exact'],
      ['exact-path-rules', '/foo/', 404],
      ['exact-path-rules', '/FOO', 404],
      ['exact-path-rules', '/bar', 404],
      ['prefix-path-rules', '/foo', 200, 'foo-prefix'],
      ['prefix-path-rules', '/foo/', 200, 'foo-prefix'],
      ['prefix-path-rules', '/FOO', 404],
      ['prefix-path-rules', '/aaa/bbb', 200, 'aaa-slash-bbb-prefix'],
      ['prefix-path-rules', '/aaa/bbb/ccc', 200, 'aaa-slash-bbb-prefix'],
      ['prefix-path-rules', '/aaa/ccc', 200, 'aaa-prefix'],
      ['prefix-path-rules', '/aaaccc', 404],
      ['mixed-path-rules', '/foo', 200, 'foo-exact'],
      ['trailing-slash-path-rules', '/aaa/bbb', 200, 'aaa-slash-bbb-slash-prefix'],
      ['trailing-slash-path-rules', '/aaa/bbb/', 200, 'aaa-slash-bbb-slash-prefix'],
      ['trailing-slash-path-rules', '/foo', 404],
    ];
    const got = await Promise.all(cases.map(async ([host, path]) => (await get(host, path)) as Reply));
    expect(got.map((r, i) => [cases[i][0], cases[i][1], r.status, r.service])).toEqual(cases.map(([h, p, s, svc]) => [h, p, s, svc]));
    // The backend sees the request's own path and host.
    expect(await get('prefix-path-rules', '/aaa/bbb/ccc')).toMatchObject({ path: '/aaa/bbb/ccc', host: 'prefix-path-rules' });
  });

  it('routes the conformance host rules: exact and one-label wildcard hosts, HTTPS by SNI from a kubernetes.io/tls Secret', async () => {
    const b64 = (f: string) => readFileSync(join(TESTDATA, f)).toString('base64');
    await client.create(at('secrets'), { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'conformance-tls' }, type: 'kubernetes.io/tls', data: { 'tls.crt': b64('example.crt'), 'tls.key': b64('example.key') } });
    await client.create(at('ingresses', 'networking.k8s.io'), ingress('host-rules', {
      tls: [{ hosts: ['hostnames.example.com'], secretName: 'conformance-tls' }],
      rules: [
        { host: '*.foo.com', http: paths(['/', 'Prefix', 'wildcard-foo-com']) },
        { host: 'hostnames.example.com', http: paths(['/', 'Prefix', 'foo-bar-com', 'http']) },
      ],
    }, { 'nginx.ingress.kubernetes.io/ssl-redirect': 'false' }));
    const first = await until(() => get('hostnames.example.com', '/', { tls: true }), (r) => r.status === 200);
    expect(first).toMatchObject({ status: 200, service: 'foo-bar-com', host: 'hostnames.example.com', cert: 'hostnames.example.com' });
    expect(await until(() => get('hostnames.example.com', '/'), (r) => r.status === 200)).toMatchObject({ status: 200, service: 'foo-bar-com' });
    expect(await get('subdomain.example.com', '/')).toMatchObject({ status: 404 });
    expect(await until(() => get('bar.foo.com', '/'), (r) => r.status === 200)).toMatchObject({ status: 200, service: 'wildcard-foo-com', host: 'bar.foo.com' });
    expect(await get('baz.bar.foo.com', '/')).toMatchObject({ status: 404 });
    expect(await get('foo.com', '/')).toMatchObject({ status: 404 });
    // A name nginx has no certificate for: the handshake is refused.
    await expect(get('bar.foo.com', '/', { tls: true })).rejects.toThrow();
    const certDir = ctl.service.nginx!.layout.certDir;
    expect(readdirSync(certDir).map((f) => statSync(join(certDir, f)).mode & 0o777)).toEqual([0o600]);
  });

  it('redirects plain HTTP of a TLS host to HTTPS (308) unless ssl-redirect is "false"', async () => {
    await client.patch(at('ingresses', 'networking.k8s.io', 'host-rules'), { metadata: { annotations: { 'nginx.ingress.kubernetes.io/ssl-redirect': null } } });
    const r = await until(() => get('hostnames.example.com', '/x?y=1'), (x) => x.status === 308);
    expect(r).toMatchObject({ status: 308, location: `https://hostnames.example.com:${https}/x?y=1` });
  });

  it('sends unknown hosts to the defaultBackend of an Ingress without rules, and writes the status of what it serves', async () => {
    await client.create(at('ingresses', 'networking.k8s.io'), ingress('default-backend', { defaultBackend: { service: { name: 'echo-service', port: { number: 8080 } } } }));
    expect(await until(() => get('my-host', '/sub-path'), (r) => r.status === 200)).toMatchObject({ service: 'echo-service', path: '/sub-path' });
    const status = await until(() => client.get(at('ingresses', 'networking.k8s.io', 'default-backend')), (i) => !!(i as any).status?.loadBalancer?.ingress);
    expect((status as any).status.loadBalancer.ingress).toEqual([{ ip: '127.0.0.1' }]);
  });

  it("serves no Ingress of another controller's class, and writes no status on it", async () => {
    await client.create(objectPath('networking.k8s.io', 'v1', 'ingressclasses', undefined), { apiVersion: 'networking.k8s.io/v1', kind: 'IngressClass', metadata: { name: 'other' }, spec: { controller: 'example.com/other' } });
    await client.create(at('ingresses', 'networking.k8s.io'), ingress('theirs', { ingressClassName: 'other', rules: [{ host: 'theirs.example.com', http: paths(['/', 'Prefix', 'foo-exact']) }] }));
    await new Promise((r) => setTimeout(r, 1500)); // several debounce periods
    expect(await get('theirs.example.com', '/')).toMatchObject({ service: 'echo-service' }); // the catch-all's backend, not their rule's
    expect(((await client.get(at('ingresses', 'networking.k8s.io', 'theirs'))) as any).status?.loadBalancer?.ingress).toBeUndefined();
  });

  it('applies a changed Ingress with a reload that lets a request in flight finish, on the same nginx master', async () => {
    await client.create(at('ingresses', 'networking.k8s.io'), ingress('slow', { rules: [{ host: 'slow.example.com', http: paths(['/', 'Prefix', 'slow']) }] }));
    await until(() => get('slow.example.com', '/'), (r) => r.service === 'slow');
    const master = ctl.nginxPid!;
    const workersBefore = childrenOf(master);
    const inFlight = get('slow.example.com', '/slow');
    await new Promise((r) => setTimeout(r, 500));
    await client.patch(at('ingresses', 'networking.k8s.io', 'slow'), { spec: { rules: [{ host: 'slow.example.com', http: paths(['/', 'Prefix', 'slow'], ['/new', 'Exact', 'echo-service']) }] } });
    const changed = await until(() => get('slow.example.com', '/new'), (r) => r.service === 'echo-service');
    expect(changed).toMatchObject({ status: 200, service: 'echo-service' });
    expect(childrenOf(master).some((p) => !workersBefore.includes(p))).toBe(true); // a new generation of workers
    expect(await inFlight).toMatchObject({ status: 200, service: 'slow', path: '/slow' });
    expect(ctl.nginxPid).toBe(master);
  });

  it('never applies a configuration nginx refuses: the Ingress gets a RELOAD warning and the rest keeps being served', async () => {
    await client.create(at('ingresses', 'networking.k8s.io'), ingress('broken', { rules: [{ host: 'broken.example.com', http: paths(['/', 'Prefix', 'foo-prefix']) }] }, { 'nginx.ingress.kubernetes.io/configuration-snippet': 'no_such_directive on;' }));
    const events = await until(
      () => client.get(`/api/v1/namespaces/default/events`),
      (l) => ((l as any).items ?? []).some((e: any) => e.involvedObject.name === 'broken' && e.reason === 'RELOAD'),
    );
    const event = ((events as any).items as any[]).find((e) => e.involvedObject.name === 'broken' && e.reason === 'RELOAD');
    expect(event).toMatchObject({ type: 'Warning', involvedObject: { kind: 'Ingress', namespace: 'default' }, source: { component: 'keelson-ingress-controller' } });
    expect(event.message).toMatch(/unknown directive "no_such_directive"/);
    expect(ctl.service.sync!.conf).not.toContain('no_such_directive');
    expect(await get('broken.example.com', '/')).toMatchObject({ service: 'echo-service' }); // the catch-all, not the refused rule
    expect(await get('prefix-path-rules', '/aaa/ccc')).toMatchObject({ status: 200, service: 'aaa-prefix' });
    // Fixed: applied.
    await client.patch(at('ingresses', 'networking.k8s.io', 'broken'), { metadata: { annotations: { 'nginx.ingress.kubernetes.io/configuration-snippet': 'add_header X-Fixed yes;' } } });
    expect(await until(() => get('broken.example.com', '/x'), (r) => r.service === 'foo-prefix')).toMatchObject({ status: 200, path: '/x' });
    expect(ctl.service.sync!.conf).toContain('add_header X-Fixed yes;');
  });

  it('follows the endpoints: a Service whose slice loses its last ready endpoint answers 503', async () => {
    await client.patch(at('endpointslices', 'discovery.k8s.io', 'slow-test'), { endpoints: [{ addresses: ['127.0.0.1'], conditions: { ready: false } }] });
    expect(await until(() => get('slow.example.com', '/'), (r) => r.status === 503)).toMatchObject({ status: 503 });
  });

  it('stops nginx, master and workers, when it stops', async () => {
    const master = ctl.nginxPid!;
    const workers = childrenOf(master);
    await ctl.close();
    const alive = (pid: number) => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    expect([master, ...workers].filter(alive)).toEqual([]);
    await expect(get('anything.example.com', '/')).rejects.toThrow(/ECONNREFUSED/);
  });
});
