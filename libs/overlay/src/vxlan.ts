// Programming flannel.1 inside a node's network namespace with the real `ip` and `bridge`
// commands (through `ip netns exec`; with no namespace, on the host itself, as on a real node).
// Each call reads what the kernel has and changes only the difference, so it is safe to run on
// every sync and after a restart.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { VNI, VXLAN_PORT, vtepMacFor } from './annotations';
import { normalizeMac, parseFdb, parseNeighbours, parseRoutes, peerActionCommand, peerActions, programmablePeers, VXLAN_DEVICE, vtepAddress, type Peer, type PeerAction, type PeerState } from './peers';

const run = promisify(execFile);

/** 1500 on the underlay minus VXLAN's 50 bytes (outer IPv4 20 + UDP 8 + VXLAN 8 + inner Ethernet 14). */
export const DEFAULT_VTEP_MTU = 1450;

/**
 * Runs a command in the node's namespace (or on the host when `nodeNs` is undefined); resolves
 * stdout. `ip` and `bridge` enter the namespace themselves (`-n`): one process instead of
 * `ip netns exec` and an exec. `input`, when given, is written to the command's stdin.
 */
export async function nodeExec(nodeNs: string | undefined, file: string, args: readonly string[], input?: string): Promise<string> {
  const [cmd, argv] = !nodeNs ? [file, [...args]] : SELF_ENTERING.has(file) ? [file, ['-n', nodeNs, ...args]] : ['ip', ['netns', 'exec', nodeNs, file, ...args]];
  try {
    const child = run(cmd, argv, { maxBuffer: 64 * 2 ** 20 });
    if (input !== undefined) child.child.stdin?.end(input);
    const { stdout } = await child;
    return stdout;
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new Error(`${[file, ...args].join(' ')}${nodeNs ? ` (in ${nodeNs})` : ''}: ${(err.stderr ?? '').trim() || err.message}`);
  }
}

const SELF_ENTERING = new Set(['ip', 'bridge']);

/**
 * Several `ip` commands in one process (`ip -batch -`), each line one command without the
 * leading `ip`; resolves each command's JSON output (one line each). Global options (`-4`) apply to all.
 */
export async function ipBatchJson(nodeNs: string | undefined, options: readonly string[], commands: readonly string[]): Promise<string[]> {
  const out = await nodeExec(nodeNs, 'ip', ['-j', ...options, '-batch', '-'], commands.map((c) => `${c}\n`).join(''));
  const lines = out.split('\n').filter((l) => l.trim());
  if (lines.length !== commands.length) throw new Error(`ip -batch: ${commands.length} commands printed ${lines.length} results`);
  return lines;
}

export interface VtepConfig {
  /** The node's address on the underlay (its InternalIP): VXLAN's `local`, peers send here. */
  readonly localAddress: string;
  /** This node's podCIDR; the VTEP gets its network address as a /32 (10.244.3.0/24 → 10.244.3.0/32). */
  readonly podCIDR: string;
  /** Either the MAC itself or the node name to derive a stable one from (vtepMacFor). */
  readonly mac?: string;
  readonly nodeName?: string;
  readonly mtu?: number;
  /** The underlay interface (eth0 in a node namespace); the kernel picks by route when omitted. */
  readonly underlayDevice?: string;
}

export interface VtepState {
  readonly mac: string;
  readonly up: boolean;
  readonly mtu: number;
  readonly vni?: number;
  readonly local?: string;
  readonly port?: number;
  readonly learning?: boolean;
  readonly addresses: readonly string[];
}

/** flannel.1 as the kernel has it, or undefined when there is none (one `ip -d addr show`). */
export async function vtepStatus(nodeNs: string | undefined, device = VXLAN_DEVICE): Promise<VtepState | undefined> {
  let link: LinkJson;
  try {
    [link] = JSON.parse(await nodeExec(nodeNs, 'ip', ['-j', '-d', 'addr', 'show', 'dev', device]));
  } catch (e) {
    if (/does not exist|Cannot find device/.test((e as Error).message)) return undefined;
    throw e;
  }
  return parseVtep(link);
}

interface LinkJson {
  address: string;
  flags: string[];
  mtu: number;
  linkinfo?: { info_kind?: string; info_data?: { id?: number; local?: string; port?: number; learning?: boolean } };
  addr_info?: { family: string; local: string; prefixlen: number }[];
}

function parseVtep(link: LinkJson): VtepState {
  if (link.linkinfo?.info_kind !== 'vxlan') return { mac: link.address, up: false, mtu: link.mtu, addresses: [] };
  const info = link.linkinfo.info_data ?? {};
  return {
    mac: normalizeMac(link.address),
    up: link.flags.includes('UP'),
    mtu: link.mtu,
    vni: info.id,
    local: info.local,
    port: info.port,
    learning: info.learning,
    addresses: (link.addr_info ?? []).filter((a) => a.family === 'inet').map((a) => `${a.local}/${a.prefixlen}`),
  };
}

/**
 * Creates flannel.1 (VNI 1, UDP 8472, local = the node's address, nolearning, a stable MAC) or
 * brings an existing one to that shape: a device with a different VNI, port, local address,
 * learning or MAC is deleted and made again (as flanneld does); MTU and address are set in place.
 */
export async function ensureVtep(nodeNs: string | undefined, config: VtepConfig, device = VXLAN_DEVICE): Promise<VtepState> {
  const mac = normalizeMac(config.mac ?? (config.nodeName ? vtepMacFor(config.nodeName) : ''));
  if (!mac) throw new Error('ensureVtep needs a mac or a nodeName to derive one from');
  const address = `${vtepAddress(config.podCIDR)}/32`;
  const ip = (...args: string[]) => nodeExec(nodeNs, 'ip', args);

  let current = await vtepStatus(nodeNs, device);
  if (current && (current.vni !== VNI || current.port !== VXLAN_PORT || current.local !== config.localAddress || current.learning !== false || current.mac !== mac)) {
    await ip('link', 'del', device);
    current = undefined;
  }
  if (!current) {
    await ip('link', 'add', device, 'address', mac, 'type', 'vxlan', 'id', String(VNI), 'local', config.localAddress, ...(config.underlayDevice ? ['dev', config.underlayDevice] : []), 'dstport', String(VXLAN_PORT), 'nolearning');
  }
  const mtu = config.mtu ?? DEFAULT_VTEP_MTU;
  let changed = !current;
  const change = (...args: string[]) => ((changed = true), ip(...args));
  if (current?.mtu !== mtu) await change('link', 'set', device, 'mtu', String(mtu));
  for (const stale of current?.addresses ?? []) if (stale !== address) await change('addr', 'del', stale, 'dev', device);
  if (!current?.addresses.includes(address)) await change('addr', 'replace', address, 'dev', device);
  if (!current?.up) await change('link', 'set', device, 'up');
  // Read back only after a change: on a loaded node every `ip netns exec` costs real time.
  return changed ? (await vtepStatus(nodeNs, device))! : current!;
}

/** Deletes flannel.1; its routes, neighbours and FDB entries go with it. Safe to call again. */
export async function removeVtep(nodeNs: string | undefined, device = VXLAN_DEVICE): Promise<void> {
  if (await vtepStatus(nodeNs, device)) await nodeExec(nodeNs, 'ip', ['link', 'del', device]);
}

/** The routes, neighbours and FDB entries on flannel.1 now: one `ip -batch` and one `bridge`. */
export async function readPeerState(nodeNs: string | undefined, device = VXLAN_DEVICE): Promise<PeerState> {
  const [[routes, neighbours], fdb] = await Promise.all([
    ipBatchJson(nodeNs, ['-4'], [`route show table main dev ${device}`, `neigh show dev ${device}`]),
    nodeExec(nodeNs, 'bridge', ['-j', 'fdb', 'show', 'dev', device]),
  ]);
  return { routes: parseRoutes(routes), neighbours: parseNeighbours(neighbours), fdb: parseFdb(fdb) };
}

export interface PeerSync {
  /** The actions applied, in order; empty when the kernel already matched. */
  readonly applied: readonly PeerAction[];
  /** What the kernel held before they were applied (so with none applied, what it holds now). */
  readonly before: PeerState;
  /** The peers now programmed (the complete ones other than this node). */
  readonly peers: readonly Peer[];
}

/**
 * Makes flannel.1's routes, neighbours and FDB entries exactly those of `peers` other than
 * `self`: entries of nodes that are gone are removed, missing or changed ones (re)written.
 */
export async function reconcilePeers(nodeNs: string | undefined, self: { name: string; podCIDR?: string }, peers: readonly Partial<Peer>[], device = VXLAN_DEVICE): Promise<PeerSync> {
  const desired = programmablePeers(self, peers);
  const before = await readPeerState(nodeNs, device);
  const actions = peerActions(before, desired);
  const applied: PeerAction[] = [];
  for (const action of actions) {
    const [file, args] = peerActionCommand(action, device);
    try {
      await nodeExec(nodeNs, file, args);
    } catch (e) {
      // A delete that finds nothing lost a race with the kernel (the entry went with its route): fine.
      if (!action.op.startsWith('delete') || !/No such|not found|Cannot find|No such process/i.test((e as Error).message)) throw e;
    }
    applied.push(action);
  }
  return { applied, before, peers: desired };
}

export interface LinkCounters {
  readonly rxPackets: number;
  readonly txPackets: number;
  readonly rxBytes: number;
  readonly txBytes: number;
}

/** `ip -s link` packet and byte counters of a device in the namespace. */
export async function linkCounters(nodeNs: string | undefined, device = VXLAN_DEVICE): Promise<LinkCounters> {
  const [link] = JSON.parse(await nodeExec(nodeNs, 'ip', ['-j', '-s', 'link', 'show', 'dev', device])) as { stats64: { rx: { packets: number; bytes: number }; tx: { packets: number; bytes: number } } }[];
  return { rxPackets: link.stats64.rx.packets, txPackets: link.stats64.tx.packets, rxBytes: link.stats64.rx.bytes, txBytes: link.stats64.tx.bytes };
}
