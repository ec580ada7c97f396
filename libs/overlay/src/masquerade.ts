// flannel's masquerade rules, in the node's namespace: a pod talking to a pod (on any node) keeps
// its own source address, so NetworkPolicy and the receiving pod see who is calling; a pod
// talking to anything outside the cluster CIDR (multicast excepted) leaves with the node's.
//
// For the CNI config this means the bridge plugin's own ipMasq must be false (`new Cni({ ...,
// ipMasq: false })`): with it on, the plugin masquerades everything leaving the node's /24 —
// traffic to other nodes' pods included — before these rules are reached.
import { CLUSTER_CIDR } from './cidr';
import { nodeExec } from './vxlan';

export const MASQUERADE_CHAIN = 'FLANNEL-POSTRTG';
const COMMENT = 'flanneld masq';
const JUMP = ['POSTROUTING', '-m', 'comment', '--comment', COMMENT, '-j', MASQUERADE_CHAIN];

/** The chain's rules, as `iptables -t nat` arguments after `-A FLANNEL-POSTRTG`. */
export function masqueradeRules(clusterCIDR = CLUSTER_CIDR): string[][] {
  return [
    ['-s', clusterCIDR, '-d', clusterCIDR, '-m', 'comment', '--comment', COMMENT, '-j', 'RETURN'],
    ['-s', clusterCIDR, '!', '-d', '224.0.0.0/4', '-m', 'comment', '--comment', COMMENT, '-j', 'MASQUERADE', '--random-fully'],
  ];
}

const quote = (a: string) => (/\s/.test(a) ? `"${a}"` : a);
/** A rule as `iptables-save` prints it (and `iptables-restore` reads it). */
const saveLine = (chain: string, rule: readonly string[]) => `-A ${chain} ${rule.map(quote).join(' ')}`;

/**
 * The `iptables-restore --noflush` input that sets the chain in one transaction. Declaring the
 * chain (`:FLANNEL-POSTRTG - [0:0]`) empties it first, so rules edited by hand are put back and
 * nothing else in the nat table is touched.
 */
export function masqueradeRestoreInput(clusterCIDR = CLUSTER_CIDR): string {
  return ['*nat', `:${MASQUERADE_CHAIN} - [0:0]`, ...masqueradeRules(clusterCIDR).map((r) => saveLine(MASQUERADE_CHAIN, r)), 'COMMIT', ''].join('\n');
}

/**
 * Whether `iptables-save -t nat` output holds exactly our chain's rules, in order, and the
 * POSTROUTING jump to it: what lets a periodic pass stop at one read when nothing was touched.
 */
export function masqueradeInPlace(natSave: string, clusterCIDR = CLUSTER_CIDR): { chain: boolean; jump: boolean } {
  const lines = natSave.split('\n').map((l) => l.trim());
  const ours = lines.filter((l) => l.startsWith(`-A ${MASQUERADE_CHAIN} `));
  const want = masqueradeRules(clusterCIDR).map((r) => saveLine(MASQUERADE_CHAIN, r));
  return { chain: ours.length === want.length && ours.every((l, i) => l === want[i]), jump: lines.includes(saveLine(JUMP[0], JUMP.slice(1))) };
}

/**
 * Installs (or repairs) the chain and the POSTROUTING jump to it in the node's namespace. Reads
 * the nat table first and writes only what differs: on every pass of a quiet node, one process.
 */
export async function ensureMasquerade(nodeNs: string | undefined, clusterCIDR = CLUSTER_CIDR): Promise<void> {
  const { chain, jump } = masqueradeInPlace(await nodeExec(nodeNs, 'iptables-save', ['-t', 'nat']), clusterCIDR);
  if (!chain) await restore(nodeNs, masqueradeRestoreInput(clusterCIDR));
  if (!jump) await nodeExec(nodeNs, 'iptables', ['-w', '-t', 'nat', '-I', ...JUMP]);
}

/** Removes the jump and the chain. Safe to call again. */
export async function removeMasquerade(nodeNs: string | undefined): Promise<void> {
  while (await nodeExec(nodeNs, 'iptables', ['-w', '-t', 'nat', '-D', ...JUMP]).then(() => true, () => false));
  await nodeExec(nodeNs, 'iptables', ['-w', '-t', 'nat', '-F', MASQUERADE_CHAIN]).catch(() => undefined);
  await nodeExec(nodeNs, 'iptables', ['-w', '-t', 'nat', '-X', MASQUERADE_CHAIN]).catch(() => undefined);
}

async function restore(nodeNs: string | undefined, input: string): Promise<void> {
  await nodeExec(nodeNs, 'iptables-restore', ['-w', '--noflush'], input);
}
