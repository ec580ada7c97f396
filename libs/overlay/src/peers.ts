// What flanneld's VXLAN backend keeps on flannel.1 for every other node, and the pure diff
// between what the kernel has and what the Nodes say. For a peer with podCIDR 10.244.2.0/24,
// VTEP MAC m and address 172.31.0.2:
//   route     10.244.2.0/24 via 10.244.2.0 dev flannel.1 onlink   (the peer's VTEP address is the gateway)
//   neighbour 10.244.2.0 lladdr m nud permanent                      (flannel.1 is NOARP: no lookups)
//   fdb       m dst 172.31.0.2                                       (nolearning: no flooding)
// so a packet for a pod there is framed to m, and the frame is sent in UDP 8472 to 172.31.0.2.
import { parseCIDR, intToIp } from './cidr';

export const VXLAN_DEVICE = 'flannel.1';

export interface Peer {
  readonly name: string;
  readonly podCIDR: string;
  readonly nodeAddress: string;
  readonly vtepMac: string;
}

export interface RouteEntry {
  readonly dst: string;
  readonly via?: string;
  readonly onlink: boolean;
}

export interface NeighEntry {
  readonly ip: string;
  readonly mac?: string;
  readonly permanent: boolean;
}

export interface FdbEntry {
  readonly mac: string;
  readonly dst: string;
}

/** What the kernel holds on flannel.1, read back with `ip -j route/neigh` and `bridge -j fdb`. */
export interface PeerState {
  readonly routes: readonly RouteEntry[];
  readonly neighbours: readonly NeighEntry[];
  readonly fdb: readonly FdbEntry[];
}

export const EMPTY_PEER_STATE: PeerState = { routes: [], neighbours: [], fdb: [] };

export type PeerAction =
  | { readonly op: 'deleteRoute'; readonly dst: string }
  | { readonly op: 'deleteNeigh'; readonly ip: string }
  | { readonly op: 'deleteFdb'; readonly mac: string; readonly dst: string }
  | { readonly op: 'replaceFdb'; readonly mac: string; readonly dst: string }
  | { readonly op: 'replaceNeigh'; readonly ip: string; readonly mac: string }
  | { readonly op: 'replaceRoute'; readonly dst: string; readonly via: string };

/** A peer's VTEP address: the network address of its podCIDR (10.244.2.0/24 → 10.244.2.0). */
export function vtepAddress(podCIDR: string): string {
  const parsed = parseCIDR(podCIDR);
  if (!parsed) throw new Error(`invalid podCIDR ${podCIDR}`);
  return intToIp(parsed.base);
}

export const normalizeMac = (mac: string) => mac.toLowerCase();

/** The peers that can be programmed: not this node, with a podCIDR other than ours, and complete. */
export function programmablePeers(self: { name: string; podCIDR?: string }, peers: readonly Partial<Peer>[]): Peer[] {
  return peers.filter((p): p is Peer => p.name !== self.name && !!p.podCIDR && p.podCIDR !== self.podCIDR && !!parseCIDR(p.podCIDR) && !!p.nodeAddress && !!p.vtepMac);
}

/**
 * The changes that turn `current` into exactly the entries for `desired`. Deletions come first,
 * then for each peer FDB → neighbour → route, as flanneld adds them, so a route never points at
 * a neighbour that cannot yet be reached. Empty when the kernel already matches.
 */
export function peerActions(current: PeerState, desired: readonly Peer[]): PeerAction[] {
  const wantRoutes = new Map(desired.map((p) => [p.podCIDR, vtepAddress(p.podCIDR)]));
  const wantNeigh = new Map(desired.map((p) => [vtepAddress(p.podCIDR), normalizeMac(p.vtepMac)]));
  const wantFdb = new Map(desired.map((p) => [normalizeMac(p.vtepMac), p.nodeAddress]));

  const deletes: PeerAction[] = [];
  for (const r of current.routes) if (!wantRoutes.has(r.dst)) deletes.push({ op: 'deleteRoute', dst: r.dst });
  for (const n of current.neighbours) if (!wantNeigh.has(n.ip)) deletes.push({ op: 'deleteNeigh', ip: n.ip });
  // A MAC we want with a different destination, or with more than one, is deleted and added
  // again: `bridge fdb replace` rewrites only one remote of a MAC that has several.
  const fdbByMac = new Map<string, string[]>();
  for (const f of current.fdb) fdbByMac.set(normalizeMac(f.mac), [...(fdbByMac.get(normalizeMac(f.mac)) ?? []), f.dst]);
  const fdbOk = new Set<string>();
  for (const [mac, dsts] of fdbByMac) {
    const want = wantFdb.get(mac);
    if (want !== undefined && dsts.length === 1 && dsts[0] === want) fdbOk.add(mac);
    else for (const dst of dsts) deletes.push({ op: 'deleteFdb', mac, dst });
  }

  const adds: PeerAction[] = [];
  for (const p of desired) {
    const mac = normalizeMac(p.vtepMac);
    const via = vtepAddress(p.podCIDR);
    if (!fdbOk.has(mac)) adds.push({ op: 'replaceFdb', mac, dst: p.nodeAddress });
    const n = current.neighbours.find((e) => e.ip === via);
    if (!n || !n.permanent || normalizeMac(n.mac ?? '') !== mac) adds.push({ op: 'replaceNeigh', ip: via, mac });
    const r = current.routes.find((e) => e.dst === p.podCIDR);
    if (!r || r.via !== via || !r.onlink) adds.push({ op: 'replaceRoute', dst: p.podCIDR, via });
  }
  return [...deletes, ...adds];
}

/** The `ip`/`bridge` command line for one action on `dev`. */
export function peerActionCommand(a: PeerAction, dev = VXLAN_DEVICE): [string, string[]] {
  switch (a.op) {
    case 'deleteRoute':
      return ['ip', ['route', 'del', a.dst, 'dev', dev]];
    case 'deleteNeigh':
      return ['ip', ['neigh', 'del', a.ip, 'dev', dev]];
    case 'deleteFdb':
      return ['bridge', ['fdb', 'del', a.mac, 'dev', dev, 'dst', a.dst]];
    case 'replaceFdb':
      return ['bridge', ['fdb', 'replace', a.mac, 'dev', dev, 'dst', a.dst]];
    case 'replaceNeigh':
      return ['ip', ['neigh', 'replace', a.ip, 'lladdr', a.mac, 'dev', dev, 'nud', 'permanent']];
    case 'replaceRoute':
      return ['ip', ['route', 'replace', a.dst, 'via', a.via, 'dev', dev, 'onlink']];
    default: {
      const never: never = a;
      throw new Error(`unknown action ${JSON.stringify(never)}`);
    }
  }
}

// The JSON iproute2 6.1 prints (`ip -j route show dev flannel.1` etc.), reduced to what we manage.

/** Routes in the main table through the device; kernel routes (its own address, fe80::/64) are not ours. */
export function parseRoutes(json: string): RouteEntry[] {
  const rows = (json.trim() ? JSON.parse(json) : []) as { dst: string; gateway?: string; flags?: string[]; protocol?: string; type?: string }[];
  return rows
    .filter((r) => r.protocol !== 'kernel' && (r.type === undefined || r.type === 'unicast') && !r.dst.includes(':'))
    .map((r) => ({ dst: r.dst, ...(r.gateway ? { via: r.gateway } : {}), onlink: (r.flags ?? []).includes('onlink') }));
}

export function parseNeighbours(json: string): NeighEntry[] {
  const rows = (json.trim() ? JSON.parse(json) : []) as { dst: string; lladdr?: string; state?: string[] }[];
  return rows
    .filter((n) => !n.dst.includes(':'))
    .map((n) => ({ ip: n.dst, ...(n.lladdr ? { mac: normalizeMac(n.lladdr) } : {}), permanent: (n.state ?? []).includes('PERMANENT') }));
}

/** Only the remote entries (those with a dst): the device's own local entries are the kernel's. */
export function parseFdb(json: string): FdbEntry[] {
  const rows = (json.trim() ? JSON.parse(json) : []) as { mac: string; dst?: string }[];
  return rows.filter((f) => f.dst !== undefined).map((f) => ({ mac: normalizeMac(f.mac), dst: f.dst! }));
}
