// The network half of a cluster, end to end, as a user checks it: three real agents on nodes
// 11, 12, 13 (a fourth, 14, joins and leaves), the controller-manager's nodeipam giving each a
// /24, flannel.1 between the node namespaces, the hostnames Service on iptables, a NodePort,
// NetworkPolicy, repairs of rules deleted by hand, and a deleted node's routes going away.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { get } from 'node:http';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Docker from 'dockerode';
import { removeNodeNamespace } from '@keelson/runtime';
import { eventually, RealCluster } from './testing/real-cluster';

const run = promisify(execFile);
const NODES = [11, 12, 13];
const LATE = 14;
const SYNC_PERIOD_SECONDS = 3;
const nodeName = (n: number) => `keelson-node-${n}`;
const FIXTURES = join(__dirname, '../../../k8s-fixtures');

/** A command inside node n's network namespace. */
const inNode = async (n: number, cmd: string[]) => (await run('ip', ['netns', 'exec', nodeName(n), ...cmd], { maxBuffer: 16 << 20 })).stdout;
const flannelCounters = async (n: number) => JSON.parse(await inNode(n, ['ip', '-j', '-s', 'link', 'show', 'flannel.1']))[0].stats64 as { rx: { packets: number }; tx: { packets: number } };
const routeVia = async (n: number, cidr: string) => (await inNode(n, ['ip', 'route', 'show', cidr])).trim();

/** One GET from this process (the root namespace, on the underlay bridge): body, or the error code. */
function httpGet(url: string, timeoutMs = 3000): Promise<string> {
  return new Promise((resolve) => {
    const req = get(url, { timeout: timeoutMs, agent: false }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve(body.trim()));
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'TIMEOUT' })));
    req.on('error', (e) => resolve((e as NodeJS.ErrnoException).code ?? 'error'));
  });
}

describe('the overlay, Services and NetworkPolicy across three nodes', () => {
  const cluster = new RealCluster();
  const pod = (name: string) => cluster.json<any>(['pod', name]);
  const node = (n: number) => cluster.json<any>(['node', nodeName(n)]);
  const networkUnavailable = (nd: any) => nd.status?.conditions?.find((c: any) => c.type === 'NetworkUnavailable');
  const tainted = (nd: any) => (nd.spec?.taints ?? []).some((t: any) => t.key === 'node.kubernetes.io/network-unavailable');

  /** `timeout` bounds wget (busybox's own -T segfaults); prints the body, then "rc=<exit code>". */
  const wgetFrom = async (from: string, url: string, seconds = 3) => {
    const out = await cluster.ok(['exec', from, '--', 'sh', '-c', `timeout ${seconds} wget -qO- ${url}; echo rc=$?`]);
    const rc = Number(/rc=(\d+)\s*$/.exec(out)?.[1]);
    return { body: out.replace(/rc=\d+\s*$/, '').trim(), rc };
  };
  /** 143 = killed by `timeout`: the SYN was dropped. 1 = refused or other failure. */
  const TIMED_OUT = 143;

  const runPod = async (name: string, n: number, labels: string, image = 'busybox', command = ['sleep', '3600']) => {
    const spec = { spec: { nodeName: nodeName(n), terminationGracePeriodSeconds: 1 } };
    await cluster.ok(['run', name, `--image=${image}`, '--restart=Never', `--labels=${labels}`, `--overrides=${JSON.stringify(spec)}`, ...(command.length ? ['--', ...command] : [])]);
  };
  /** kubectl apply, again while the apiserver answers 500 (a projection lagging on a loaded machine): apply is idempotent. */
  const apply = async (manifest: string) => {
    const r = await eventually(() => cluster.kubectl(['apply', '-f', '-'], manifest), (x) => x.code === 0, 60_000);
    if (r.code !== 0) throw new Error(`kubectl apply exited ${r.code}: ${r.stderr}`);
  };
  const runningPod = (name: string) => eventually(() => pod(name), (p) => p.status?.phase === 'Running' && !!p.status.podIP, 90_000);

  beforeAll(async () => {
    await cluster.start(__filename, NODES, ['--proxy-sync-period', String(SYNC_PERIOD_SECONDS)]);
  }, 240_000);

  afterAll(async () => {
    await cluster.stopAgent(LATE).catch(() => undefined);
    const docker = new Docker();
    for (const c of await docker.listContainers({ all: true, filters: { label: [`keelson.io/node=${nodeName(LATE)}`] } }).catch(() => [])) await docker.getContainer(c.Id).remove({ force: true }).catch(() => undefined);
    await removeNodeNamespace(LATE).catch(() => undefined);
    await cluster.stop();
    if (process.env.KEELSON_TEST_VERBOSE) console.log(cluster.agentLog.join('\n'));
  }, 180_000);

  it('gives every node its own /24 through the controller-manager, publishes its VTEP, and lifts the network taint once flannel.1 is up', async () => {
    const nodes = await eventually(
      () => Promise.all(NODES.map(node)),
      (l) => l.every((nd) => nd.spec.podCIDR && networkUnavailable(nd)?.status === 'False' && !tainted(nd)),
      90_000,
    );
    const cidrs = nodes.map((nd) => nd.spec.podCIDR);
    expect(new Set(cidrs).size).toBe(3);
    for (const c of cidrs) expect(c).toMatch(/^10\.244\.\d+\.0\/24$/);
    for (const [i, nd] of nodes.entries()) {
      expect(networkUnavailable(nd)).toMatchObject({ status: 'False', reason: 'FlannelIsUp' });
      expect(nd.metadata.annotations['flannel.alpha.coreos.com/public-ip']).toBe(`172.31.0.${NODES[i]}`);
      const backend = JSON.parse(nd.metadata.annotations['flannel.alpha.coreos.com/backend-data']);
      const [link] = JSON.parse(await inNode(NODES[i], ['ip', '-j', '-d', 'link', 'show', 'flannel.1']));
      expect(link.address).toBe(backend.VtepMAC);
      expect(link.linkinfo.info_data).toMatchObject({ id: 1, port: 8472, local: `172.31.0.${NODES[i]}` });
    }
    // Every node routes every other node's /24 via flannel.1, onlink to the peer's VTEP address —
    // once it has seen the peer's Node (a node lifts its own taint without waiting for its peers).
    const want = NODES.flatMap((n, i) => nodes.filter((_, j) => j !== i).map((peer) => ({ n, cidr: peer.spec.podCIDR as string })));
    const routes = await eventually(
      () => Promise.all(want.map(({ n, cidr }) => routeVia(n, cidr))),
      (got) => got.every((r, k) => r === `${want[k].cidr} via ${want[k].cidr.split('/')[0]} dev flannel.1 onlink`),
      30_000,
    );
    for (const [k, { cidr }] of want.entries()) expect(routes[k]).toBe(`${cidr} via ${cidr.split('/')[0]} dev flannel.1 onlink`);
  }, 120_000);

  it('lets a pod on node 11 fetch HTTP from a pod on node 13 by pod IP, encapsulated in UDP 8472 between the node namespaces', async () => {
    await runPod('web13', 13, 'app=web', 'hostnames', []);
    await runPod('client', 11, 'role=client');
    const web = await runningPod('web13');
    await runningPod('client');
    expect(web.status.podIP).toMatch(new RegExp(`^${(await node(13)).spec.podCIDR.split('.').slice(0, 3).join('\\.')}\\.`));

    // A rule without a target only counts: VXLAN datagrams from node 11 arriving at node 13.
    const rule = ['INPUT', '-p', 'udp', '--dport', '8472', '-s', '172.31.0.11', '-m', 'comment', '--comment', 'e2e vxlan from 11'];
    await inNode(13, ['iptables', '-w', '-I', ...rule]);
    try {
      const before = { tx11: (await flannelCounters(11)).tx.packets, rx13: (await flannelCounters(13)).rx.packets };
      const answer = await eventually(() => wgetFrom('client', `http://${web.status.podIP}:9376/`), (r) => r.rc === 0, 30_000);
      expect(answer.body).toBe('web13');
      expect((await flannelCounters(11)).tx.packets - before.tx11).toBeGreaterThanOrEqual(3);
      expect((await flannelCounters(13)).rx.packets - before.rx13).toBeGreaterThanOrEqual(3);
      const counted = (await inNode(13, ['iptables', '-w', '-nvxL', 'INPUT'])).split('\n').find((l) => l.includes('e2e vxlan from 11'));
      expect(Number(counted?.trim().split(/\s+/)[0])).toBeGreaterThanOrEqual(3);
    } finally {
      await inNode(13, ['iptables', '-w', '-D', ...rule]);
    }
  }, 150_000);

  it('spreads 300 requests to the hostnames Service over its three backends, close to evenly', async () => {
    for (const f of ['deployment-hostnames.yaml', 'service-hostnames.yaml']) await apply(readFileSync(join(FIXTURES, f), 'utf8'));
    const endpoints = await eventually(() => cluster.json<any>(['endpoints', 'hostnames']), (e) => (e.subsets?.[0]?.addresses ?? []).length === 3, 120_000);
    const backends = endpoints.subsets[0].addresses.map((a: any) => a.targetRef?.name).sort();
    const clusterIP = (await cluster.json<any>(['service', 'hostnames'])).spec.clusterIP;
    const out = await cluster.ok(['exec', 'client', '--', 'sh', '-c', `for i in $(seq 300); do timeout 3 wget -qO- http://${clusterIP}/ || echo failed; done`]);
    const counts: Record<string, number> = {};
    for (const line of out.split('\n').map((l) => l.trim()).filter(Boolean)) counts[line] = (counts[line] ?? 0) + 1;
    expect(Object.keys(counts).sort()).toEqual(backends);
    // 100 expected each; the standard deviation is √(300·⅓·⅔) ≈ 8.2, so 60..140 is ±5σ.
    for (const b of backends) {
      expect(counts[b]).toBeGreaterThan(60);
      expect(counts[b]).toBeLessThan(140);
    }
  }, 240_000);

  it('answers a NodePort on every node address', async () => {
    await cluster.ok(['expose', 'deployment', 'hostnames', '--name=hostnames-np', '--type=NodePort', '--port=80', '--target-port=9376']);
    const svc = await cluster.json<any>(['service', 'hostnames-np']);
    const nodePort = svc.spec.ports[0].nodePort;
    expect(nodePort).toBeGreaterThanOrEqual(30000);
    const backends = (await cluster.json<any>(['pods', '-l', 'app=hostnames'])).items.map((p: any) => p.metadata.name);
    for (const n of NODES) {
      const answers = await eventually(() => Promise.all([1, 2, 3, 4, 5, 6].map(() => httpGet(`http://172.31.0.${n}:${nodePort}/`))), (a) => a.every((b) => backends.includes(b)), 30_000);
      expect(answers.every((b) => backends.includes(b))).toBe(true);
    }
  }, 120_000);

  it('blocks the backends under a default-deny policy, and a second policy re-opens port 9376 for the labelled client only', async () => {
    await runPod('other', 12, 'role=other');
    await runningPod('other');
    const backend = (await cluster.json<any>(['pods', '-l', 'app=hostnames'])).items[0];
    const ip = backend.status.podIP;
    // Before any policy: 9376 answers, and 9377 (nothing listens) is refused at once.
    expect(await eventually(() => wgetFrom('other', `http://${ip}:9376/`), (r) => r.rc === 0)).toMatchObject({ rc: 0, body: backend.metadata.name });
    expect((await wgetFrom('client', `http://${ip}:9377/`)).rc).toBe(1);

    const denyAll = { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'default-deny' }, spec: { podSelector: {}, policyTypes: ['Ingress'] } };
    await apply(JSON.stringify(denyAll));
    expect((await eventually(() => wgetFrom('client', `http://${ip}:9376/`, 2), (r) => r.rc === TIMED_OUT, 30_000)).rc).toBe(TIMED_OUT);
    expect((await wgetFrom('other', `http://${ip}:9376/`, 2)).rc).toBe(TIMED_OUT);

    const allowClient = {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'hostnames-from-client' },
      spec: { podSelector: { matchLabels: { app: 'hostnames' } }, ingress: [{ from: [{ podSelector: { matchLabels: { role: 'client' } } }], ports: [{ protocol: 'TCP', port: 9376 }] }] },
    };
    await apply(JSON.stringify(allowClient));
    expect(await eventually(() => wgetFrom('client', `http://${ip}:9376/`), (r) => r.rc === 0, 30_000)).toMatchObject({ rc: 0, body: backend.metadata.name });
    const clusterIP = (await cluster.json<any>(['service', 'hostnames'])).spec.clusterIP;
    expect((await wgetFrom('client', `http://${clusterIP}/`)).rc).toBe(0);
    expect((await wgetFrom('other', `http://${ip}:9376/`, 2)).rc).toBe(TIMED_OUT);
    expect((await wgetFrom('other', `http://${clusterIP}/`, 2)).rc).toBe(TIMED_OUT);
    // The other port stays closed even for the client: dropped now, where it was refused before.
    expect((await wgetFrom('client', `http://${ip}:9377/`, 2)).rc).toBe(TIMED_OUT);

    await cluster.ok(['delete', 'networkpolicy', 'default-deny', 'hostnames-from-client']);
    expect(await eventually(() => wgetFrom('other', `http://${ip}:9376/`), (r) => r.rc === 0, 30_000)).toMatchObject({ rc: 0 });
  }, 240_000);

  it('puts back service chains and a route deleted by hand within the sync period', async () => {
    const clusterIP = (await cluster.json<any>(['service', 'hostnames'])).spec.clusterIP;
    const svcChain = (await inNode(12, ['iptables', '-w', '-t', 'nat', '-S', 'KUBE-SERVICES'])).split('\n').find((l) => l.includes(`${clusterIP}/32`))?.split(' -j ')[1];
    expect(svcChain).toMatch(/^KUBE-SVC-/);
    // KUBE-SERVICES emptied and the Service's own chain deleted, in one go; what is left is checked before the agent can look.
    const left = await inNode(12, ['sh', '-c', `iptables -w -t nat -F KUBE-SERVICES && iptables -w -t nat -F ${svcChain} && iptables -w -t nat -X ${svcChain} && iptables -w -t nat -S KUBE-SERVICES | wc -l`]);
    const broken = Date.now();
    expect(left.trim()).toBe('1'); // only "-N KUBE-SERVICES"
    await eventually(() => inNode(12, ['iptables', '-w', '-t', 'nat', '-S', svcChain!]).catch(() => ''), (s) => s.includes('KUBE-SEP-'), 30_000);
    const repairedInMs = Date.now() - broken;
    expect(repairedInMs).toBeLessThan((SYNC_PERIOD_SECONDS + 3) * 1000);
    expect((await wgetFrom('other', `http://${clusterIP}/`)).rc).toBe(0);

    const cidr13 = (await node(13)).spec.podCIDR;
    await inNode(11, ['ip', 'route', 'del', cidr13, 'dev', 'flannel.1']);
    expect(await eventually(() => routeVia(11, cidr13), (r) => r.includes('dev flannel.1'), 30_000)).toContain('onlink');
  }, 120_000);

  it('serves the same Service and NodePort from nftables when node 12 restarts with --proxy-mode nftables, and repairs a deleted table', async () => {
    const clusterIP = (await cluster.json<any>(['service', 'hostnames'])).spec.clusterIP;
    const nodePort = (await cluster.json<any>(['service', 'hostnames-np'])).spec.ports[0].nodePort;
    const backends = (await cluster.json<any>(['pods', '-l', 'app=hostnames'])).items.map((p: any) => p.metadata.name).sort();
    await cluster.stopAgent(12);
    await cluster.addNode(12, ['--proxy-sync-period', String(SYNC_PERIOD_SECONDS), '--proxy-mode', 'nftables']);
    const table = () => inNode(12, ['nft', 'list', 'table', 'ip', 'kube-proxy']).catch(() => '');
    expect(await eventually(table, (t) => t.includes(clusterIP), 60_000)).toContain(clusterIP);
    // The iptables mode's service chains are gone from the node.
    expect(await inNode(12, ['iptables-save', '-t', 'nat'])).not.toContain('KUBE-SERVICES');

    const out = await cluster.ok(['exec', 'other', '--', 'sh', '-c', `for i in $(seq 60); do timeout 3 wget -qO- http://${clusterIP}/ || echo failed; done`]);
    expect([...new Set(out.split('\n').map((l) => l.trim()).filter(Boolean))].sort()).toEqual(backends);
    expect(backends).toContain(await httpGet(`http://172.31.0.12:${nodePort}/`));

    await inNode(12, ['nft', 'delete', 'table', 'ip', 'kube-proxy']);
    expect(await eventually(table, (t) => t.includes(clusterIP), (SYNC_PERIOD_SECONDS + 10) * 1000)).toContain(clusterIP);
    expect(backends).toContain((await wgetFrom('other', `http://${clusterIP}/`)).body);

    // A NodePort service going away takes its external and service chains with it, incrementally.
    await cluster.ok(['delete', 'service', 'hostnames-np']);
    expect(await eventually(table, (t) => !t.includes(`${nodePort}`), 30_000)).not.toContain(`tcp . ${nodePort}`);
    expect(backends).toContain((await wgetFrom('other', `http://${clusterIP}/`)).body);
  }, 300_000);

  it('schedules a DaemonSet onto a node that joins, once its network is up, and routes its /24 from every other node', async () => {
    const ds = { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'everywhere' }, spec: { selector: { matchLabels: { app: 'everywhere' } }, template: { metadata: { labels: { app: 'everywhere' } }, spec: { terminationGracePeriodSeconds: 1, containers: [{ name: 'c', image: 'busybox', command: ['sleep', '3600'] }] } } } };
    await apply(JSON.stringify(ds));
    const dsPods = () => cluster.json<any>(['pods', '-l', 'app=everywhere']).then((l) => l.items.filter((p: any) => p.status?.phase === 'Running').map((p: any) => p.spec.nodeName).sort());
    expect(await eventually(dsPods, (l) => l.length === 3, 120_000)).toEqual(NODES.map(nodeName));

    // Watch node 14 from before it exists: it must be seen tainted first, then untainted.
    const seen: string[] = [];
    const watch = execFile('kubectl', ['--kubeconfig', cluster.kubeconfig, 'get', 'nodes', '-w', '-o', 'jsonpath={.metadata.name} taints=[{.spec.taints[*].key}] network-unavailable={.status.conditions[?(@.type=="NetworkUnavailable")].status}{"\\n"}']);
    watch.stdout!.on('data', (d: Buffer) => seen.push(...d.toString().split('\n').filter((l) => l.startsWith(nodeName(LATE)))));
    try {
      await cluster.addNode(LATE, ['--proxy-sync-period', String(SYNC_PERIOD_SECONDS)]);
      const late = await eventually(() => node(LATE), (nd) => networkUnavailable(nd)?.status === 'False' && !tainted(nd), 60_000);
      const others = await Promise.all(NODES.map(node));
      expect(others.map((nd) => nd.spec.podCIDR)).not.toContain(late.spec.podCIDR);
      await eventually(async () => seen, (s) => s.some((l) => l.includes('taints=[]')), 10_000);
      // Registered tainted with NetworkUnavailable=True; never untainted while the network is down.
      expect(seen[0]).toBe(`${nodeName(LATE)} taints=[node.kubernetes.io/network-unavailable] network-unavailable=True`);
      expect(seen.filter((l) => l.includes('taints=[]')).every((l) => l.endsWith('network-unavailable=False'))).toBe(true);
      expect(seen.at(-1)).toBe(`${nodeName(LATE)} taints=[] network-unavailable=False`);
    } finally {
      watch.kill();
    }
    expect(await eventually(dsPods, (l) => l.length === 4, 120_000)).toEqual([...NODES, LATE].map(nodeName));
    const cidr14 = (await node(LATE)).spec.podCIDR;
    for (const n of NODES) expect(await eventually(() => routeVia(n, cidr14), (r) => r.includes('flannel.1'), 30_000)).toContain('dev flannel.1 onlink');
  }, 600_000);

  it('removes a deleted node from every other node: route, neighbour and FDB entry', async () => {
    const cidr14 = (await node(LATE)).spec.podCIDR;
    // The node goes: its agent stops, then `kubectl delete node`; its pods with it.
    await cluster.ok(['delete', 'daemonset', 'everywhere', '--wait=false']);
    await eventually(() => cluster.json<any>(['pods', '-l', 'app=everywhere']), (l) => l.items.every((p: any) => p.spec.nodeName !== nodeName(LATE)), 60_000);
    await cluster.stopAgent(LATE);
    await cluster.ok(['delete', 'node', nodeName(LATE)]);
    const vtep14 = cidr14.split('/')[0];
    for (const n of NODES) {
      expect(await eventually(() => routeVia(n, cidr14), (r) => r === '', 30_000)).toBe('');
      expect(await inNode(n, ['ip', 'neigh', 'show', vtep14, 'dev', 'flannel.1'])).toBe('');
      expect(await inNode(n, ['bridge', 'fdb', 'show', 'dev', 'flannel.1'])).not.toContain('172.31.0.14');
    }
  }, 240_000);
});
