// podCIDR allocation, as Kubernetes' nodeipam range allocator does it: the cluster CIDR
// 10.244.0.0/16 is cut into /24s, each Node gets one (Node.spec.podCIDR), no /24 is held by two
// nodes, and a node's /24 is free again once the node is gone. Pure: the set of allocations is
// the Nodes themselves (a Map node → podCIDR), so there is no allocator state to lose or
// rebuild — a controller that restarts recomputes the same picture from its informer cache.
//
// Like nodeipam's cidrset, the next allocation starts after the last one handed out (`after`)
// rather than at the lowest free /24, so a /24 just released is not reused at once: peers may
// still route it to the departed node for a sync period.

import { intToIp, ipToInt } from '@keelson/apimachinery';
export const CLUSTER_CIDR = '10.244.0.0/16';
export const NODE_CIDR_MASK_SIZE = 24;

export interface PodCIDRRange {
  /** The cluster CIDR's network address as a 32-bit unsigned integer. */
  readonly base: number;
  readonly clusterPrefix: number;
  readonly nodePrefix: number;
  /** How many node CIDRs fit: 2^(nodePrefix − clusterPrefix). */
  readonly size: number;
}

export class PodCIDRRangeFull extends Error {
  constructor(readonly clusterCIDR: string) {
    super(`CIDRNotAvailable: no free /${NODE_CIDR_MASK_SIZE} left in ${clusterCIDR}`);
    this.name = 'PodCIDRRangeFull';
  }
}

export { ipToInt, intToIp };

/** Parses "a.b.c.d/p" strictly: the address must be the network address of its prefix. */
export function parseCIDR(cidr: string): { base: number; prefix: number } | undefined {
  const [ip, len, ...rest] = cidr.split('/');
  const prefix = Number(len);
  const base = ipToInt(ip);
  if (rest.length || !/^\d{1,2}$/.test(len ?? '') || prefix > 32 || Number.isNaN(base)) return undefined;
  return base % 2 ** (32 - prefix) === 0 ? { base, prefix } : undefined;
}

export function podCIDRRange(clusterCIDR = CLUSTER_CIDR, nodePrefix = NODE_CIDR_MASK_SIZE): PodCIDRRange {
  const parsed = parseCIDR(clusterCIDR);
  if (!parsed || nodePrefix < parsed.prefix || nodePrefix > 30) throw new Error(`cannot cut ${clusterCIDR} into /${nodePrefix}s`);
  return { base: parsed.base, clusterPrefix: parsed.prefix, nodePrefix, size: 2 ** (nodePrefix - parsed.prefix) };
}

export const DEFAULT_RANGE = podCIDRRange();

/**
 * The i-th node CIDR of the range. Worked example for 10.244.0.0/16 cut into /24s: each /24
 * spans 2^(32−24) = 256 addresses, so i = 3 → 10.244.0.0 + 3·256 = 10.244.3.0/24.
 */
export function podCIDRAt(range: PodCIDRRange, i: number): string {
  return `${intToIp(range.base + i * 2 ** (32 - range.nodePrefix))}/${range.nodePrefix}`;
}

/** The index of a node CIDR in the range, or undefined if it is not one of the range's /24s. */
export function podCIDRIndex(range: PodCIDRRange, cidr: string): number | undefined {
  const parsed = parseCIDR(cidr);
  if (!parsed || parsed.prefix !== range.nodePrefix) return undefined;
  const i = (parsed.base - range.base) / 2 ** (32 - range.nodePrefix);
  return Number.isInteger(i) && i >= 0 && i < range.size ? i : undefined;
}

export interface AllocateOptions {
  readonly range?: PodCIDRRange;
  /** The CIDR handed out last; the search starts after it and wraps around (nodeipam's nextCandidate). */
  readonly after?: string;
}

/** The next free node CIDR given the current allocations (node → podCIDR); throws PodCIDRRangeFull. */
export function allocatePodCIDR(existing: ReadonlyMap<string, string>, options: AllocateOptions = {}): string {
  const range = options.range ?? DEFAULT_RANGE;
  const used = new Set<number>();
  for (const cidr of existing.values()) {
    const i = podCIDRIndex(range, cidr);
    if (i !== undefined) used.add(i);
  }
  const start = options.after !== undefined ? ((podCIDRIndex(range, options.after) ?? -1) + 1) % range.size : 0;
  for (let k = 0; k < range.size; k++) {
    const i = (start + k) % range.size;
    if (!used.has(i)) return podCIDRAt(range, i);
  }
  throw new PodCIDRRangeFull(`${intToIp(range.base)}/${range.clusterPrefix}`);
}

/** The allocations once `node` is gone: its CIDR is free for the next allocation. */
export function releasePodCIDR(existing: ReadonlyMap<string, string>, node: string): Map<string, string> {
  const next = new Map(existing);
  next.delete(node);
  return next;
}
