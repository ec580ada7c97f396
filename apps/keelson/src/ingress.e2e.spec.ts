// Ingress end to end, as the seed describes it: an nginx load balancer updated from Ingress
// objects and the Services behind them. Real agents on nodes 101–103; the ingress controller's
// nginx runs in node 101's namespace (as ingress-nginx runs on a node with hostNetwork) and
// proxies to pod IPs on all three nodes over flannel.1; this process, in the root namespace,
// is the client, reaching 172.31.0.101:80/443 over the underlay bridge with a Host header.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { promisify } from 'node:util';
import { childrenOf, ingressControllerConfig, startIngressController, type RunningIngressController } from '@keelson/ingress-controller';
import { eventually, RealCluster } from './testing/real-cluster';

const run = promisify(execFile);
const NODES = [101, 102, 103];
const INGRESS_NODE = 101;
const ADDRESS = `172.31.0.${INGRESS_NODE}`;
const FIXTURES = join(__dirname, '../../../k8s-fixtures');
const HAVE_OPENSSL = ['/usr/bin/openssl', '/bin/openssl'].some(existsSync);

// A busybox web server: `/` says who it is; /cgi-bin/slow is a long request, answered only once
// the test creates /tmp/release in the container (or after two minutes).
const WEB = `
apiVersion: apps/v1
kind: Deployment
metadata: { name: web }
spec:
  replicas: 1
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      containers:
      - name: httpd
        image: busybox
        command: ["sh", "-c"]
        args:
        - |
          mkdir -p /www/cgi-bin
          echo busybox-web > /www/index.html
          cat > /www/cgi-bin/slow <<'EOF'
          #!/bin/sh
          i=0
          while [ ! -f /tmp/release ] && [ $i -lt 120 ]; do sleep 1; i=$((i+1)); done
          printf 'Content-Type: text/plain\\r\\n\\r\\nslow-done\\n'
          EOF
          chmod +x /www/cgi-bin/slow
          exec httpd -f -p 8080 -h /www
        ports: [{ containerPort: 8080, name: http }]
---
apiVersion: v1
kind: Service
metadata: { name: web }
spec:
  selector: { app: web }
  ports: [{ name: http, port: 8080, targetPort: http }]
`;

/** The Ingress: the seed's hostnames on one host, the web server on a wildcard host; `extra` adds rules or tls. */
const ingress = (extra = '') => `
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: demo
  # the long request of the reload test outlasts nginx's default 60 s
  annotations: { nginx.ingress.kubernetes.io/proxy-read-timeout: "180" }
spec:
  ingressClassName: keelson
  rules:
  - host: hostnames.example.com
    http:
      paths:
      - { path: /, pathType: Prefix, backend: { service: { name: hostnames, port: { number: 80 } } } }
  - host: "*.web.example.com"
    http:
      paths:
      - { path: /cgi-bin, pathType: Prefix, backend: { service: { name: web, port: { name: http } } } }
      - { path: /, pathType: Exact, backend: { service: { name: web, port: { name: http } } } }
${extra}`;

interface Reply { status: number; body: string; location?: string; cn?: string; error?: string }

/** One request to the ingress from this process; errors come back as `error`, not thrown. */
function ask(host: string, path = '/', o: { https?: boolean; ca?: Buffer; timeoutMs?: number } = {}): Promise<Reply> {
  return new Promise((resolve) => {
    const common = { host: ADDRESS, path, headers: { host }, agent: false as const, timeout: o.timeoutMs ?? 5000 };
    const done = (res: IncomingMessage) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => {
        const cn = o.https ? (res.socket as TLSSocket).getPeerCertificate?.()?.subject?.CN : undefined;
        resolve({ status: res.statusCode ?? 0, body: body.trim(), location: res.headers.location, cn: cn === undefined ? undefined : String(cn) });
      });
    };
    const req = o.https ? httpsRequest({ ...common, port: 443, servername: host, ca: o.ca }, done) : httpRequest({ ...common, port: 80 }, done);
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (e) => resolve({ status: 0, body: '', error: (e as NodeJS.ErrnoException).code ?? e.message }));
    req.end();
  });
}

describe('Ingress through a real nginx on node 101', () => {
  const cluster = new RealCluster();
  const stateDir = mkdtempSync(join(tmpdir(), 'keelson-ingress-e2e-'));
  let controller: RunningIngressController | undefined;
  const apply = (manifest: string) => eventually(() => cluster.kubectl(['apply', '-f', '-'], manifest), (r) => r.code === 0, 30_000).then((r) => expect(r.stderr).toBe(''));
  /** `kubectl get -o json`, again while the apiserver answers 500 (a projection lagging on a loaded machine). */
  const json = async (args: string[]) => JSON.parse((await eventually(() => cluster.kubectl(['get', ...args, '-o', 'json']), (r) => r.code === 0, 30_000)).stdout) as { items: any[] };
  const hostnamesPods = async () => (await json(['pods', '-l', 'app=hostnames'])).items.map((p) => p.metadata.name as string).sort();

  beforeAll(async () => {
    await cluster.start(__filename, NODES);
    await cluster.ok(['apply', '-f', join(FIXTURES, 'ingressclass.yaml')]);
    controller = await startIngressController(ingressControllerConfig({ natsUrl: cluster.nats.url, node: INGRESS_NODE, stateDir }, {}));
  }, 240_000);

  afterAll(async () => {
    await controller?.close();
    await cluster.stop();
    rmSync(stateDir, { recursive: true, force: true });
  }, 180_000);

  it('runs the seed\'s hostnames pods and a busybox web server across the three nodes', async () => {
    await cluster.ok(['apply', '-f', join(FIXTURES, 'deployment-hostnames.yaml'), '-f', join(FIXTURES, 'service-hostnames.yaml')]);
    await apply(WEB);
    const pods = await eventually(() => json(['pods']), (l) => l.items.length === 4 && l.items.every((p) => p.status.phase === 'Running' && p.status.podIP), 150_000);
    expect(pods.items.map((p) => p.status.phase)).toEqual(Array(4).fill('Running'));
  }, 180_000);

  it('routes each host and path of the Ingress to its Service\'s pods, by pod IP, and answers 404 for the rest', async () => {
    await apply(ingress());
    const names = await hostnamesPods();
    const first = await eventually(() => ask('hostnames.example.com'), (r) => names.includes(r.body), 60_000);
    expect(first).toMatchObject({ status: 200 });
    // nginx balances over the three pods, wherever they run.
    const seen = new Set<string>();
    for (let i = 0; i < 30 && seen.size < 3; i++) seen.add((await ask('hostnames.example.com')).body);
    expect([...seen].sort()).toEqual(names);
    const upstream = readFileSync(join(stateDir, 'nginx', 'nginx.conf'), 'utf8');
    const podIPs = (await json(['pods', '-l', 'app=hostnames'])).items.map((p) => `server ${p.status.podIP}:9376;`);
    for (const line of podIPs) expect(upstream).toContain(line);

    expect(await eventually(() => ask('a.web.example.com'), (r) => r.body === 'busybox-web', 30_000)).toMatchObject({ status: 200, body: 'busybox-web' });
    expect(await ask('a.web.example.com', '/index.html')).toMatchObject({ status: 404 }); // Exact / only
    expect(await ask('a.b.web.example.com')).toMatchObject({ status: 404 }); // the wildcard is one label
    expect(await ask('unknown.example.com')).toMatchObject({ status: 404 });
  }, 120_000);

  it('shows the node\'s address in kubectl get ingress, and "Scheduled for sync" in its events', async () => {
    const out = await eventually(() => cluster.ok(['get', 'ingress', 'demo']), (s) => s.includes(ADDRESS), 30_000);
    const [header, row] = out.trim().split('\n');
    expect(header.split(/\s+/)).toEqual(['NAME', 'CLASS', 'HOSTS', 'ADDRESS', 'PORTS', 'AGE']);
    expect(row.split(/\s+/).slice(0, 5)).toEqual(['demo', 'keelson', 'hostnames.example.com,*.web.example.com', ADDRESS, '80']);
    const events = await cluster.ok(['get', 'events', '--field-selector', 'involvedObject.name=demo']);
    expect(events).toMatch(/Sync\s+ingress\/demo\s+Scheduled for sync/);
  }, 60_000);

  it('serves a changed Ingress after a reload, while a long request in flight runs to its end', async () => {
    const master = controller!.nginxPid;
    const web = (await json(['pods', '-l', 'app=web'])).items[0].metadata.name as string;
    let finished = false;
    const slow = ask('a.web.example.com', '/cgi-bin/slow', { timeoutMs: 150_000 }).finally(() => (finished = true));
    await new Promise((r) => setTimeout(r, 1000));
    await apply(ingress(`  - host: new.example.com
    http:
      paths:
      - { path: /, pathType: Prefix, backend: { service: { name: web, port: { number: 8080 } } } }
`));
    const changed = await eventually(() => ask('new.example.com'), (r) => r.body === 'busybox-web', 60_000);
    expect(changed).toMatchObject({ status: 200 });
    expect(finished).toBe(false); // the new configuration is live and the old request still runs
    await eventually(() => cluster.kubectl(['exec', web, '--', 'touch', '/tmp/release']), (r) => r.code === 0, 30_000);
    expect(await slow).toMatchObject({ status: 200, body: 'slow-done' });
    expect(controller!.nginxPid).toBe(master); // reloaded, not restarted
  }, 180_000);

  (HAVE_OPENSSL ? it : it.skip)('serves HTTPS for a host with a certificate from a kubernetes.io/tls Secret, redirecting plain HTTP', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'keelson-ingress-tls-'));
    try {
      const [crt, key] = [join(dir, 'tls.crt'), join(dir, 'tls.key')];
      await run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=hostnames.example.com', '-addext', 'subjectAltName=DNS:hostnames.example.com', '-keyout', key, '-out', crt]);
      await cluster.ok(['create', 'secret', 'tls', 'hostnames-tls', `--cert=${crt}`, `--key=${key}`]);
      await apply(ingress(`  tls:
  - hosts: [hostnames.example.com]
    secretName: hostnames-tls
`));
      const ca = readFileSync(crt);
      const names = await hostnamesPods();
      const secure = await eventually(() => ask('hostnames.example.com', '/', { https: true, ca }), (r) => r.status === 200, 30_000);
      expect(secure).toMatchObject({ cn: 'hostnames.example.com' });
      expect(names).toContain(secure.body);
      expect(await ask('hostnames.example.com', '/x?y=1')).toMatchObject({ status: 308, location: 'https://hostnames.example.com/x?y=1' });
      // No certificate for other names: the handshake is refused.
      expect((await ask('a.web.example.com', '/', { https: true, ca })).error).toBeDefined();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 90_000);

  it('stops its nginx, master and workers, when it stops', async () => {
    const master = controller!.nginxPid!;
    const workers = childrenOf(master);
    expect(workers.length).toBeGreaterThan(0);
    await controller!.close();
    controller = undefined;
    expect([master, ...workers].filter((pid) => existsSync(`/proc/${pid}`))).toEqual([]);
    expect(await ask('hostnames.example.com')).toMatchObject({ error: 'ECONNREFUSED' });
  }, 60_000);
});
