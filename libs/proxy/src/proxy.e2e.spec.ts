// Services and NetworkPolicy against the real kernel, in node namespace 43 with four "pods"
// (plain network namespaces on a cni0 bridge inside it), each backend answering its own name.
// Runs as root; every namespace and process it creates is removed in afterAll.
import { ChildProcess, execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { ensureNodeNamespace, removeNodeNamespace, removeUnderlay, type NodeNamespace } from '@keelson/runtime';
import { endpoints, service } from './fixtures';
import { svcChain } from './hash';
import { ruleCount } from './iptables/restore';
import { mergeRulesets } from './iptables/ruleset';
import { serviceRules } from './iptables/services';
import { servicePorts } from './model';
import { serviceNftRules } from './nftables/services';
import { networkPolicyRules } from './netpol/rules';
import { namespace, pod, policy } from './netpol/world';
import type { NetworkPolicy } from './netpol/types';
import { Proxier } from './proxier';
import { IptablesSyncer, NftablesSyncer, removeProxyRules } from './sync';

const run = promisify(execFile);
const NODE = 43;
const PREFIX = '10.244.43';
const CLUSTER_IP = '10.96.0.50';
const BACKENDS = { a: `${PREFIX}.2`, b: `${PREFIX}.3`, c: `${PREFIX}.4` } as const;
const CLIENT = `${PREFIX}.5`;
const OTHER = `${PREFIX}.6`;
const PODS = [
  ...Object.entries(BACKENDS).map(([name, ip]) => pod('default', name, ip, { app: 'hostnames' }, [], 'node-43')),
  pod('default', 'client', CLIENT, { role: 'client' }, [], 'node-43'),
  pod('default', 'other', OTHER, { role: 'other' }, [], 'node-43'),
];
const podNs = (name: string) => `kp43-${name}`;

const SERVICES = [service('default', 'hostnames', CLUSTER_IP, [{ name: 'default', port: 80, nodePort: 30080 }, { name: 'alt', port: 81 }], { type: 'NodePort' })];
const ENDPOINTS = [endpoints('default', 'hostnames', Object.values(BACKENDS), [{ name: 'default', port: 9376 }, { name: 'alt', port: 9377 }])];
const CONFIG = { clusterCIDR: '10.244.0.0/16' };

// Requests from inside a pod namespace, each on a new connection (so each is a new choice).
const CLIENT_SCRIPT = `
const http = require('http');
const [url, n, timeout] = [process.argv[1], Number(process.argv[2]), Number(process.argv[3])];
const once = () => new Promise((resolve) => {
  const req = http.get(url, { agent: false, timeout }, (res) => { let b = ''; res.on('data', (d) => (b += d)); res.on('end', () => resolve(b.trim())); });
  req.on('timeout', () => { req.destroy(); resolve('timeout'); });
  req.on('error', (e) => resolve(e.code || 'error'));
});
(async () => { const counts = {}; for (let i = 0; i < n; i++) { const r = await once(); counts[r] = (counts[r] || 0) + 1; } console.log(JSON.stringify(counts)); })();
`;
async function fetchFrom(from: string, url: string, n = 1, timeoutMs = 1000): Promise<Record<string, number>> {
  const { stdout } = await run('ip', ['netns', 'exec', podNs(from), process.execPath, '-e', CLIENT_SCRIPT, url, String(n), String(timeoutMs)]);
  return JSON.parse(stdout);
}

describe('service proxy and NetworkPolicy in a node namespace', () => {
  let node: NodeNamespace;
  const servers: ChildProcess[] = [];
  const iptables = () => new IptablesSyncer(node.name);
  let syncer: IptablesSyncer;
  let policies: NetworkPolicy[] = [];
  const desired = () =>
    mergeRulesets(serviceRules(servicePorts(SERVICES, ENDPOINTS), CONFIG), networkPolicyRules({ policies, pods: PODS, namespaces: [namespace('default')], nodeName: 'node-43' }));

  beforeAll(async () => {
    node = await ensureNodeNamespace(NODE);
    const ipn = (...args: string[]) => run('ip', ['-n', node.name, ...args]);
    await ipn('link', 'add', 'cni0', 'type', 'bridge').catch(() => undefined);
    await ipn('addr', 'replace', `${PREFIX}.1/24`, 'dev', 'cni0');
    await ipn('link', 'set', 'cni0', 'up');
    for (const [name, ip] of [...Object.entries(BACKENDS), ['client', CLIENT], ['other', OTHER]]) {
      const ns = podNs(name);
      // Left over from an interrupted run: start clean.
      await run('ip', ['netns', 'del', ns]).catch(() => undefined);
      await ipn('link', 'del', `kpv-${name}`).catch(() => undefined);
      await run('ip', ['netns', 'add', ns]);
      await ipn('link', 'add', `kpv-${name}`, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns);
      await ipn('link', 'set', `kpv-${name}`, 'master', 'cni0', 'up');
      await run('ip', ['-n', ns, 'addr', 'add', `${ip}/24`, 'dev', 'eth0']);
      await run('ip', ['-n', ns, 'link', 'set', 'eth0', 'up']);
      await run('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
      await run('ip', ['-n', ns, 'route', 'add', 'default', 'via', `${PREFIX}.1`]);
      if (name in BACKENDS) {
        for (const port of [9376, 9377]) {
          const server = spawn('ip', ['netns', 'exec', ns, process.execPath, '-e', `require('http').createServer((q, s) => s.end('${name}\\n')).listen(${port})`], { stdio: 'ignore' });
          servers.push(server);
        }
      }
    }
    // The servers need a moment to listen; wait until each answers directly.
    for (const [name, ip] of Object.entries(BACKENDS)) {
      for (const port of [9376, 9377]) {
        for (let i = 0; i < 50 && !(await fetchFrom('client', `http://${ip}:${port}/`, 1, 300))[name]; i++) await new Promise((r) => setTimeout(r, 100));
      }
    }
    syncer = iptables();
  });

  afterAll(async () => {
    for (const s of servers) s.kill();
    for (const name of [...Object.keys(BACKENDS), 'client', 'other']) await run('ip', ['netns', 'del', podNs(name)]).catch(() => undefined);
    await removeNodeNamespace(NODE).catch(() => undefined);
    await removeUnderlay().catch(() => undefined);
  });

  it('given the bridge in a node namespace, bridged traffic passes iptables (br_netfilter)', async () => {
    const { stdout } = await run('ip', ['netns', 'exec', node.name, 'sysctl', '-n', 'net.bridge.bridge-nf-call-iptables']);
    expect(stdout.trim()).toBe('1');
  });

  it('given three endpoints, 300 requests to the ClusterIP spread over all three', async () => {
    const first = await syncer.sync(desired());
    expect(first.mode).toBe('full');
    const counts = await fetchFrom('client', `http://${CLUSTER_IP}/`, 300);
    expect(Object.keys(counts).sort()).toEqual(['a', 'b', 'c']);
    for (const name of ['a', 'b', 'c']) expect(counts[name]).toBeGreaterThan(60);
  });

  it('given a NodePort, it answers on the node address', async () => {
    const counts = await fetchFrom('client', `http://${node.address}:30080/`, 30);
    expect(Object.keys(counts).every((k) => ['a', 'b', 'c'].includes(k))).toBe(true);
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(30);
  });

  it('given the chains deleted by hand, the next sync sees the drift and restores them', async () => {
    const ns = ['netns', 'exec', node.name];
    await run('ip', [...ns, 'iptables', '-w', '-t', 'nat', '-D', 'PREROUTING', '-m', 'comment', '--comment', 'kubernetes service portals', '-j', 'KUBE-SERVICES']);
    await run('ip', [...ns, 'iptables', '-w', '-t', 'nat', '-F', 'KUBE-SERVICES']);
    expect(await fetchFrom('client', `http://${CLUSTER_IP}/`, 1, 500)).not.toHaveProperty('a');
    const repaired = await syncer.sync(desired());
    expect(repaired.mode).toBe('full');
    expect(Object.keys(await fetchFrom('client', `http://${CLUSTER_IP}/`, 30)).sort()).toEqual(['a', 'b', 'c']);
    expect((await syncer.sync(desired())).mode).toBe('none');
  });

  it('given one service chain flushed by hand, the canary misses it but the next read-back finds it and a full sync repairs it', async () => {
    const checked = new IptablesSyncer(node.name, undefined, { verifyEvery: 2 });
    expect((await checked.sync(desired())).mode).toBe('full');
    const chain = svcChain('default/hostnames:default', 'tcp');
    const listChain = async () => (await run('ip', ['netns', 'exec', node.name, 'iptables', '-w', '-t', 'nat', '-S', chain])).stdout;
    await run('ip', ['netns', 'exec', node.name, 'iptables', '-w', '-t', 'nat', '-F', chain]);
    expect((await checked.sync(desired())).mode).toBe('none');
    expect(await listChain()).not.toContain('-j KUBE-SEP-');
    expect(await checked.sync(desired())).toMatchObject({ mode: 'full', reason: 'drift' });
    expect((await listChain()).match(/-j KUBE-SEP-/g)).toHaveLength(3);
    expect(Object.keys(await fetchFrom('client', `http://${CLUSTER_IP}/`, 30)).sort()).toEqual(['a', 'b', 'c']);
  });

  it('given one endpoint removed, an incremental sync rewrites only that service and traffic avoids it', async () => {
    const fewer = [endpoints('default', 'hostnames', [BACKENDS.a, BACKENDS.b], [{ name: 'default', port: 9376 }, { name: 'alt', port: 9377 }])];
    const result = await syncer.sync(serviceRules(servicePorts(SERVICES, fewer), CONFIG));
    expect(result.mode).not.toBe('full');
    expect(Object.keys(await fetchFrom('client', `http://${CLUSTER_IP}/`, 40)).sort()).toEqual(['a', 'b']);
    expect((await syncer.sync(desired())).mode).not.toBe('full');
    expect(Object.keys(await fetchFrom('client', `http://${CLUSTER_IP}/`, 40)).sort()).toEqual(['a', 'b', 'c']);
  });

  it('given default deny, backends are closed; a second policy re-opens one port for the labelled client only', async () => {
    policies = [policy('default', 'deny', { podSelector: { matchLabels: { app: 'hostnames' } }, policyTypes: ['Ingress'] })];
    await syncer.sync(desired());
    expect(await fetchFrom('client', `http://${CLUSTER_IP}/`, 3, 500)).toEqual({ timeout: 3 });
    policies = [...policies, policy('default', 'client-80', { podSelector: { matchLabels: { app: 'hostnames' } }, ingress: [{ from: [{ podSelector: { matchLabels: { role: 'client' } } }], ports: [{ port: 9376 }] }] })];
    await syncer.sync(desired());
    expect(Object.keys(await fetchFrom('client', `http://${CLUSTER_IP}/`, 30)).sort()).toEqual(['a', 'b', 'c']);
    expect(await fetchFrom('other', `http://${CLUSTER_IP}/`, 2, 500)).toEqual({ timeout: 2 });
    expect(await fetchFrom('client', `http://${CLUSTER_IP}:81/`, 2, 500)).toEqual({ timeout: 2 });
    policies = [];
    await syncer.sync(desired());
    expect(await fetchFrom('other', `http://${CLUSTER_IP}:81/`, 3)).not.toHaveProperty('timeout');
  });

  it('given nftables mode instead, the ClusterIP still spreads over all three and a change applies incrementally', async () => {
    await removeProxyRules(node.name);
    expect(ruleCount(desired())).toBeGreaterThan(0);
    const nft = new NftablesSyncer(node.name);
    expect((await nft.sync(serviceNftRules(servicePorts(SERVICES, ENDPOINTS), CONFIG))).mode).toBe('full');
    const counts = await fetchFrom('client', `http://${CLUSTER_IP}/`, 150);
    for (const name of ['a', 'b', 'c']) expect(counts[name]).toBeGreaterThan(25);
    expect(Object.keys(await fetchFrom('client', `http://${node.address}:30080/`, 5)).every((k) => 'abc'.includes(k))).toBe(true);
    // A base chain flushed by hand: the next sync has nothing to change, and its canary refills it.
    await run('ip', ['netns', 'exec', node.name, 'nft', 'flush', 'chain', 'ip', 'kube-proxy', 'nat-prerouting']);
    expect((await nft.sync(serviceNftRules(servicePorts(SERVICES, ENDPOINTS), CONFIG))).mode).toBe('none');
    const refilled = await fetchFrom('client', `http://${CLUSTER_IP}/`, 6);
    expect(Object.keys(refilled).every((k) => 'abc'.includes(k)) && Object.values(refilled).reduce((a, b) => a + b, 0)).toBe(6);
    const fewer = [endpoints('default', 'hostnames', [BACKENDS.c], [{ name: 'default', port: 9376 }])];
    expect((await nft.sync(serviceNftRules(servicePorts(SERVICES, fewer), CONFIG))).mode).toBe('incremental');
    expect(await fetchFrom('client', `http://${CLUSTER_IP}/`, 10)).toEqual({ c: 10 });
    await run('ip', ['netns', 'exec', node.name, 'nft', 'delete', 'table', 'ip', 'kube-proxy']);
    expect((await nft.sync(serviceNftRules(servicePorts(SERVICES, fewer), CONFIG))).mode).toBe('full');
    expect(await fetchFrom('client', `http://${CLUSTER_IP}/`, 5)).toEqual({ c: 5 });
    await removeProxyRules(node.name);
  });

  it('given a backend that reaches its own service (hairpin), the connection is masqueraded and answered, in both modes, as the agent syncs', async () => {
    // The CNI bridge plugin sets hairpin mode on pod ports; without masquerade the backend would
    // see its own address as the source and the reply would never come back through the NAT.
    await run('ip', ['-n', node.name, 'link', 'set', 'kpv-a', 'type', 'bridge_slave', 'hairpin', 'on']);
    const onlyA = [endpoints('default', 'hostnames', [BACKENDS.a], [{ name: 'default', port: 9376 }])];
    for (const mode of ['iptables', 'nftables'] as const) {
      const proxier = new Proxier({ nodeNs: node.name, mode, config: CONFIG });
      expect((await proxier.sync(SERVICES, ENDPOINTS)).services.mode).toBe('full');
      expect((await proxier.sync(SERVICES, onlyA)).services.mode).toBe('incremental');
      expect(await fetchFrom('a', `http://${CLUSTER_IP}/`, 3)).toEqual({ a: 3 });
      expect(await fetchFrom('client', `http://${CLUSTER_IP}/`, 3)).toEqual({ a: 3 });
      await removeProxyRules(node.name);
    }
  });
});
