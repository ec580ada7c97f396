// The overlay against the real kernel: two node namespaces (keelson-node-41 and -42, numbers no
// other suite uses) with flannel.1, flannel's masquerade rules and one CNI-wired pod each. Runs
// as root; everything is removed in afterAll.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { vtepMacFor } from './annotations';
import { startOverlayLab, type LabNode, type OverlayLab } from './lab/overlay-lab';
import { peerActions, programmablePeers, vtepAddress } from './peers';
import { overlayReadiness } from './readiness';
import { linkCounters, readPeerState, reconcilePeers, vtepStatus, ensureVtep, nodeExec } from './vxlan';

const NODES = [41, 42];

describe('flannel-style VXLAN overlay between two node namespaces', () => {
  let lab: OverlayLab;
  let a: LabNode;
  let b: LabNode;
  let webRoot: string;

  /** Packets counted by a rule with no target, added for the test and read back by its comment. */
  async function countingRule(ns: string, chain: string, match: string[], comment: string): Promise<() => Promise<number>> {
    await nodeExec(ns, 'iptables', ['-w', '-I', chain, ...match, '-m', 'comment', '--comment', comment]);
    return async () => {
      const out = await nodeExec(ns, 'iptables', ['-w', '-nvxL', chain]);
      const line = out.split('\n').find((l) => l.includes(`/* ${comment} */`));
      return Number(line?.trim().split(/\s+/)[0] ?? NaN);
    };
  }

  const ping = (from: LabNode, to: string) => lab.exec(from.pod.ns, ['busybox', 'ping', '-c', '3', '-W', '2', to]).then(() => true, () => false);

  beforeAll(async () => {
    lab = await startOverlayLab(NODES);
    [a, b] = lab.nodes;
    webRoot = mkdtempSync(join(tmpdir(), 'keelson-overlay-web-'));
    writeFileSync(join(webRoot, 'index.html'), `hello from ${b.name}\n`);
    lab.spawn(b.pod.ns, ['busybox', 'httpd', '-f', '-p', '8080', '-h', webRoot]);
  });

  afterAll(async () => {
    await lab?.stop();
    if (webRoot) rmSync(webRoot, { recursive: true, force: true });
  });

  it('given ensureVtep then flannel.1 is VNI 1 on UDP 8472, nolearning, local = the node address, with a stable MAC and the /32 VTEP address', async () => {
    const vtep = await vtepStatus(a.namespace.name);
    expect(vtep).toEqual({ mac: vtepMacFor(a.name), up: true, mtu: 1450, vni: 1, local: a.namespace.address, port: 8472, learning: false, addresses: [`${vtepAddress(a.podCIDR)}/32`] });
    const ifindex = async () => JSON.parse(await nodeExec(a.namespace.name, 'ip', ['-j', 'link', 'show', 'flannel.1']))[0].ifindex;
    const before = await ifindex();
    await ensureVtep(a.namespace.name, { localAddress: a.namespace.address, podCIDR: a.podCIDR, nodeName: a.name, underlayDevice: 'eth0' });
    expect(await ifindex()).toBe(before); // a second call changes nothing
  });

  it('given both nodes synced then each holds route, permanent neighbour and FDB entry for the other, and a second sync does nothing', async () => {
    const state = await readPeerState(a.namespace.name);
    expect(state).toEqual({
      routes: [{ dst: b.podCIDR, via: vtepAddress(b.podCIDR), onlink: true }],
      neighbours: [{ ip: vtepAddress(b.podCIDR), mac: b.vtepMac, permanent: true }],
      fdb: [{ mac: b.vtepMac, dst: b.namespace.address }],
    });
    const again = await reconcilePeers(a.namespace.name, { name: a.name, podCIDR: a.podCIDR }, lab.peers());
    expect(again.applied).toEqual([]);
    const vtep = await vtepStatus(a.namespace.name);
    expect(overlayReadiness(vtep, a.podCIDR, state, programmablePeers(a, lab.peers()))).toEqual({ ready: true });
  });

  it('given pods on two nodes when one fetches HTTP from the other by pod IP then it answers, through UDP 8472 between the node namespaces, with the pod source kept', async () => {
    const vxlanFromA = await countingRule(b.namespace.name, 'INPUT', ['-p', 'udp', '--dport', '8472', '-s', a.namespace.address], 'e2e vxlan from a');
    const podSourceKept = await countingRule(b.namespace.name, 'FORWARD', ['-s', a.pod.ip, '-d', b.pod.ip], 'e2e pod source kept');
    const tx = (await linkCounters(a.namespace.name)).txPackets;
    const rx = (await linkCounters(b.namespace.name)).rxPackets;

    expect(await ping(a, b.pod.ip)).toBe(true);
    let body = '';
    for (let i = 0; i < 10 && !body; i++) {
      // Not `wget -T`: Debian's busybox-static wget segfaults with it; `timeout` bounds it instead.
      body = await lab.exec(a.pod.ns, ['busybox', 'timeout', '3', 'busybox', 'wget', '-qO-', `http://${b.pod.ip}:8080/index.html`]).catch(() => '');
      if (!body) await new Promise((r) => setTimeout(r, 300));
    }
    expect(body).toBe(`hello from ${b.name}\n`);

    expect(await vxlanFromA()).toBeGreaterThanOrEqual(3);
    expect(await podSourceKept()).toBeGreaterThanOrEqual(3);
    expect((await linkCounters(a.namespace.name)).txPackets - tx).toBeGreaterThanOrEqual(3);
    expect((await linkCounters(b.namespace.name)).rxPackets - rx).toBeGreaterThanOrEqual(3);
  });

  it('given a pod reaching an address outside the cluster CIDR then it leaves masqueraded as its node', async () => {
    const fromNodeA = await countingRule(b.namespace.name, 'INPUT', ['-p', 'icmp', '-s', a.namespace.address], 'e2e masq as node');
    const fromPodA = await countingRule(b.namespace.name, 'INPUT', ['-p', 'icmp', '-s', a.pod.ip], 'e2e masq not pod');
    expect(await ping(a, b.namespace.address)).toBe(true);
    expect(await fromNodeA()).toBeGreaterThanOrEqual(3);
    expect(await fromPodA()).toBe(0);
  });

  it('given an entry deleted by hand then the next sync puts back only that', async () => {
    await nodeExec(a.namespace.name, 'ip', ['route', 'del', b.podCIDR, 'dev', 'flannel.1']);
    const repaired = await reconcilePeers(a.namespace.name, { name: a.name, podCIDR: a.podCIDR }, lab.peers());
    expect(repaired.applied).toEqual([{ op: 'replaceRoute', dst: b.podCIDR, via: vtepAddress(b.podCIDR) }]);
    expect(await ping(a, b.pod.ip)).toBe(true);
  });

  it('given node B gone from the peers when A syncs then its route, neighbour and FDB entry are removed and B pods are unreachable; back when it returns', async () => {
    const removed = await reconcilePeers(a.namespace.name, { name: a.name, podCIDR: a.podCIDR }, lab.peers().filter((p) => p.name !== b.name));
    expect(removed.applied.map((x) => x.op)).toEqual(['deleteRoute', 'deleteNeigh', 'deleteFdb']);
    expect(await readPeerState(a.namespace.name)).toEqual({ routes: [], neighbours: [], fdb: [] });
    expect(await ping(a, b.pod.ip)).toBe(false);

    await lab.syncPeers();
    expect(peerActions(await readPeerState(a.namespace.name), programmablePeers(a, lab.peers()))).toEqual([]);
    expect(await ping(a, b.pod.ip)).toBe(true);
  });
});
