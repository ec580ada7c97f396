import { Resolver } from 'node:dns/promises';
import { join } from 'node:path';
import { eventually, RealCluster } from './testing/real-cluster';

// Cluster DNS end to end: real agents on nodes 15 and 16, the DNS app in the root namespace on
// 172.31.0.254:53, and busybox pods asking it — directly at 172.31.0.254, and as a pod does, at
// 10.96.0.10 from its resolv.conf, which reaches the server through the nodes' service rules.
const NODES = [15, 16];
const FIXTURES = join(__dirname, '../../../k8s-fixtures');

// The seed's StatefulSet web behind the headless Service nginx, without its volume claims.
const STATEFULSET = `
apiVersion: v1
kind: Service
metadata: { name: nginx, labels: { app: web } }
spec:
  clusterIP: None
  selector: { app: web }
  ports: [{ port: 80, name: web }]
---
apiVersion: apps/v1
kind: StatefulSet
metadata: { name: web }
spec:
  serviceName: nginx
  replicas: 2
  podManagementPolicy: Parallel
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      containers:
      - name: nginx
        image: nginx:1.7.9
        ports: [{ containerPort: 80, name: web }]
`;

describe('cluster DNS from inside pods', () => {
  const cluster = new RealCluster();
  beforeAll(() => cluster.start(__filename, NODES, [], { dns: true }), 240_000);
  afterAll(() => cluster.stop(), 180_000);

  const exec = (pod: string, ...cmd: string[]) => cluster.kubectl(['exec', pod, '--', ...cmd]);
  const running = (n: number) => (l: { items: any[] }) => l.items.length === n && l.items.every((p) => p.status.phase === 'Running' && p.status.podIP);

  it('runs the seed\'s hostnames and web pods and a client', async () => {
    await cluster.ok(['apply', '-f', join(FIXTURES, 'deployment-hostnames.yaml'), '-f', join(FIXTURES, 'service-hostnames.yaml')]);
    await cluster.ok(['apply', '-f', '-'], STATEFULSET);
    await cluster.ok(['run', 'client', '--image=busybox', '--restart=Never', '--', 'sleep', '3600']);
    const pods = await eventually(() => cluster.json<{ items: any[] }>(['pods']), running(6), 150_000);
    expect(pods.items.map((p) => p.status.phase)).toEqual(Array(6).fill('Running'));
  }, 180_000);

  it('gives a ClusterFirst pod the cluster\'s resolv.conf', async () => {
    const r = await exec('client', 'cat', '/etc/resolv.conf');
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n').map((l) => l.trim()).filter(Boolean);
    expect(lines).toEqual(expect.arrayContaining(['nameserver 10.96.0.10', 'options ndots:5']));
    expect(lines.find((l) => l.startsWith('search'))).toMatch(/^search default\.svc\.cluster\.local svc\.cluster\.local cluster\.local( |$)/);
    expect(lines.filter((l) => l.startsWith('nameserver'))).toEqual(['nameserver 10.96.0.10']);
  }, 60_000);

  it('resolves a Service by its full name from inside a pod', async () => {
    const ip = (await cluster.json(['service', 'hostnames'])).spec.clusterIP as string;
    const r = await eventually(() => exec('client', 'nslookup', 'hostnames.default.svc.cluster.local', '172.31.0.254'), (x) => x.stdout.includes(ip), 30_000);
    expect(r.stdout).toMatch(/Name:\s+hostnames\.default\.svc\.cluster\.local/);
    expect(r.stdout).toContain(ip);
  }, 60_000);

  it("resolves the seed's web-0.nginx to the pod web-0, and the headless Service to both pods", async () => {
    const ips = Object.fromEntries((await cluster.json<{ items: any[] }>(['pods', '-l', 'app=web'])).items.map((p) => [p.metadata.name, p.status.podIP]));
    const r = await eventually(() => exec('client', 'nslookup', 'web-0.nginx.default.svc.cluster.local', '172.31.0.254'), (x) => x.stdout.includes(ips['web-0']), 60_000);
    expect(r.stdout).toMatch(/Name:\s+web-0\.nginx\.default\.svc\.cluster\.local/);
    expect(r.stdout).toContain(ips['web-0']);
    expect(r.stdout).not.toContain(ips['web-1']);
    const both = await exec('client', 'nslookup', 'nginx.default.svc.cluster.local', '172.31.0.254');
    expect(both.stdout).toContain(ips['web-0']);
    expect(both.stdout).toContain(ips['web-1']);
  }, 90_000);

  it('resolves short names through 10.96.0.10 and the search list, as a pod would', async () => {
    const ip = (await cluster.json(['service', 'hostnames'])).spec.clusterIP as string;
    const web0 = (await cluster.json(['pod', 'web-0'])).status.podIP as string;
    // No server argument: busybox reads /etc/resolv.conf, so the query goes to the kube-dns
    // Service's ClusterIP and through the node's service rules to the server.
    const short = await eventually(() => exec('client', 'nslookup', 'hostnames'), (x) => x.stdout.includes(ip), 60_000);
    expect(short.stdout).toMatch(/Server:\s+10\.96\.0\.10/);
    expect(short.stdout).toContain(ip);
    // busybox's nslookup searches only for names without a dot; ping resolves through the C
    // library's resolver, which applies the search list under ndots:5 as any program's would.
    const pod = await exec('client', 'ping', '-c', '1', '-W', '2', 'web-0.nginx');
    expect(pod.stdout).toContain(`PING web-0.nginx (${web0})`);
  }, 90_000);

  it('answers NXDOMAIN for a name under cluster.local that does not exist', async () => {
    // Asked again only when no answer came at all (a UDP query lost on a loaded machine, as a
    // resolver would retry); any answer that is not NXDOMAIN fails the case.
    const r = await eventually(() => exec('client', 'nslookup', 'nope.default.svc.cluster.local', '172.31.0.254'), (x) => !/timed out|no servers could be reached/.test(x.stdout + x.stderr), 30_000);
    expect(r.code).not.toBe(0);
    expect(r.stdout + r.stderr).toMatch(/NXDOMAIN/);
  }, 60_000);

  it('answers on its loopback port too, and lists the endpoint slices with Kubernetes\' columns', async () => {
    const resolver = new Resolver({ timeout: 2000, tries: 2 });
    resolver.setServers([`127.0.0.1:${cluster.dnsPort}`]);
    expect(await resolver.resolve4('kube-dns.kube-system.svc.cluster.local')).toEqual(['10.96.0.10']);
    const out = await eventually(() => cluster.ok(['get', 'endpointslices', '-l', 'kubernetes.io/service-name=hostnames']), (s) => /\b9376\b/.test(s) && (s.match(/10\.244\./g) ?? []).length === 3);
    const [header, row] = out.trim().split('\n');
    expect(header.split(/\s+/)).toEqual(['NAME', 'ADDRESSTYPE', 'PORTS', 'ENDPOINTS', 'AGE']);
    expect(row.split(/\s+/).slice(1, 3)).toEqual(['IPv4', '9376']);
  }, 90_000);
});
