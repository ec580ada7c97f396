// Several Keelson nodes on one machine: node N lives in network namespace `keelson-node-N`,
// with `eth0` = 172.31.0.N/24 on a veth whose other end (`keelson-vN`) is a port of the underlay
// bridge `keelson-br0` in the root namespace; the root namespace is 172.31.0.254 on it.
//
// Why 172.31.0.0/24: this machine uses 192.0.2.0/24 (eth0) and Docker 172.17.0.0/16 (docker0);
// 10.244/16 and 10.96/12 are Keelson's pod and service ranges. Docker picks user-defined
// networks from 172.17–31/16 but skips any range a host route already covers, so once the
// bridge is up Docker keeps out of it.
//
// Why the root namespace: the agent, the tests and kubectl run there and reach node addresses
// (NodePorts, hostPorts) directly, as on a real cluster. The cost: with Docker running, the root
// FORWARD policy is DROP and br_netfilter passes bridged frames through iptables, so frames
// between two nodes' ports (VXLAN among them) would be dropped. One ACCEPT rule for traffic
// in and out of keelson-br0 exempts the underlay; it sits in FORWARD itself, not DOCKER-USER,
// so it works whether dockerd starts before or after us. Nothing is routed out of the underlay:
// node namespaces get no default route.
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const UNDERLAY_BRIDGE = 'keelson-br0';
export const UNDERLAY_PREFIX = '172.31.0';
export const UNDERLAY_HOST_ADDRESS = `${UNDERLAY_PREFIX}.254`;
const FORWARD_RULE = ['FORWARD', '-i', UNDERLAY_BRIDGE, '-o', UNDERLAY_BRIDGE, '-m', 'comment', '--comment', 'keelson underlay: node to node', '-j', 'ACCEPT'];

export interface NodeNamespace {
  /** `keelson-node-N`: the name for `ip netns exec`. */
  readonly name: string;
  /** `/run/netns/keelson-node-N`. */
  readonly path: string;
  /** The node's address on the underlay, 172.31.0.N (its InternalIP). */
  readonly address: string;
  /** The node's underlay interface inside its namespace. */
  readonly interface: 'eth0';
}

export function nodeNamespaceName(n: number): string {
  return `keelson-node-${n}`;
}

function checkNodeNumber(n: number): void {
  if (!Number.isInteger(n) || n < 1 || n > 253) throw new Error(`node number ${n} is not in 1..253 (172.31.0.N, .254 is the host)`);
}

/** Creates (or finds) node N's namespace, wired to the underlay. Safe to call again. */
export async function ensureNodeNamespace(n: number): Promise<NodeNamespace> {
  checkNodeNumber(n);
  const name = nodeNamespaceName(n);
  const hostVeth = `keelson-v${n}`;
  await ensureUnderlay();
  if (!(await namespaces()).includes(name)) await ip('netns', 'add', name);
  const inNs = (...args: string[]) => ip('netns', 'exec', name, 'ip', ...args);
  if (!(await linkExists(hostVeth))) {
    // A veth left over with its namespace gone was deleted with it; a half-made pair is not.
    await inNs('link', 'del', 'eth0').catch(() => undefined);
    await ip('link', 'add', hostVeth, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', name);
  }
  // The bridge is shared: another caller's removeUnderlay may delete it between ensureUnderlay
  // and this attach (it checks for attached nodes first, and ours is not attached yet). Re-make and retry.
  for (let attempt = 0; ; attempt++) {
    try {
      await ip('link', 'set', hostVeth, 'master', UNDERLAY_BRIDGE, 'up');
      break;
    } catch (err) {
      if (attempt >= 3 || (await linkExists(UNDERLAY_BRIDGE))) throw err;
      await ensureUnderlay();
    }
  }
  await inNs('link', 'set', 'lo', 'up');
  await inNs('addr', 'replace', `${UNDERLAY_PREFIX}.${n}/24`, 'dev', 'eth0');
  await inNs('link', 'set', 'eth0', 'up');
  // Pods are routed through the node: the namespace forwards between cni0, eth0 and flannel.1.
  await ip('netns', 'exec', name, 'sysctl', '-qw', 'net.ipv4.ip_forward=1');
  return { name, path: `/run/netns/${name}`, address: `${UNDERLAY_PREFIX}.${n}`, interface: 'eth0' };
}

/** Deletes node N's namespace (its veth pair and everything inside go with it). Safe to call again. */
export async function removeNodeNamespace(n: number): Promise<void> {
  checkNodeNumber(n);
  const name = nodeNamespaceName(n);
  if ((await namespaces()).includes(name)) await ip('netns', 'del', name);
  // Deleting the namespace deletes its veth end and so the pair — asynchronously: the host end
  // may still be listed and then vanish before our delete, which is fine. A half-made pair may remain.
  if (await linkExists(`keelson-v${n}`)) {
    await ip('link', 'del', `keelson-v${n}`).catch(async (err) => {
      if (await linkExists(`keelson-v${n}`)) throw err;
    });
  }
}

/**
 * The bridge's own MAC address, fixed and locally administered. A Linux bridge not given one
 * takes the lowest MAC among its ports, and ports come and go with nodes: when the port holding
 * it went, the bridge's MAC changed without a gratuitous ARP, and every node's ARP entry for
 * 172.31.0.254 pointed at a MAC the bridge no longer took as its own. Pods then got no answer
 * from the cluster DNS for 8–53 s, until the entry was probed again (dns.e2e's flake).
 */
export const UNDERLAY_MAC = '02:6b:65:6c:00:fe';

/** The bridge, with its fixed MAC, and its FORWARD exemption; idempotent. */
export async function ensureUnderlay(): Promise<void> {
  if (!(await linkExists(UNDERLAY_BRIDGE))) {
    await ip('link', 'add', UNDERLAY_BRIDGE, 'address', UNDERLAY_MAC, 'type', 'bridge').catch(async (err) => {
      if (!(await linkExists(UNDERLAY_BRIDGE))) throw err; // lost a race with another caller: fine
    });
  }
  // A bridge made before its MAC was fixed gets it now; nodes attached hear of it at once.
  await writeFile(`/proc/sys/net/ipv4/conf/${UNDERLAY_BRIDGE}/arp_notify`, '1');
  if ((await readFile(`/sys/class/net/${UNDERLAY_BRIDGE}/address`, 'utf8')).trim() !== UNDERLAY_MAC) await ip('link', 'set', 'dev', UNDERLAY_BRIDGE, 'address', UNDERLAY_MAC);
  await ip('addr', 'replace', `${UNDERLAY_HOST_ADDRESS}/24`, 'dev', UNDERLAY_BRIDGE);
  await ip('link', 'set', UNDERLAY_BRIDGE, 'up');
  const present = await run('iptables', ['-w', '-C', ...FORWARD_RULE]).then(() => true, () => false);
  if (!present) await run('iptables', ['-w', '-I', ...FORWARD_RULE]);
}

/** Removes the bridge and its rule, but only when no node is attached to it any more. */
export async function removeUnderlay(): Promise<boolean> {
  if (await linkExists(UNDERLAY_BRIDGE)) {
    const { stdout } = await run('ip', ['-o', 'link', 'show', 'master', UNDERLAY_BRIDGE]);
    if (stdout.trim()) return false;
    await ip('link', 'del', UNDERLAY_BRIDGE);
  }
  while (await run('iptables', ['-w', '-D', ...FORWARD_RULE]).then(() => true, () => false));
  return true;
}

async function namespaces(): Promise<string[]> {
  const { stdout } = await run('ip', ['netns', 'list']);
  return stdout.split('\n').map((l) => l.split(' ')[0]).filter(Boolean);
}

async function linkExists(name: string): Promise<boolean> {
  return run('ip', ['link', 'show', 'dev', name]).then(() => true, () => false);
}

async function ip(...args: string[]): Promise<void> {
  await run('ip', args);
}
