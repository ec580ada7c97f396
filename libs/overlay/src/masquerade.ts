// flannel's masquerade rules, in the node's namespace: a pod talking to a pod (on any node) keeps
// its own source address, so NetworkPolicy and the receiving pod see who is calling; a pod
// talking to anything outside the cluster CIDR (multicast excepted) leaves with the node's.
//
// For the CNI config this means the bridge plugin's own ipMasq must be false (`new Cni({ ...,
// ipMasq: false })`): with it on, the plugin masquerades everything leaving the node's /24 —
// traffic to other nodes' pods included — before these rules are reached.
import { execFile } from 'node:child_process';
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

/**
 * The `iptables-restore --noflush` input that sets the chain in one transaction. Declaring the
 * chain (`:FLANNEL-POSTRTG - [0:0]`) empties it first, so rules edited by hand are put back and
 * nothing else in the nat table is touched.
 */
export function masqueradeRestoreInput(clusterCIDR = CLUSTER_CIDR): string {
  const quote = (a: string) => (/\s/.test(a) ? `"${a}"` : a);
  return ['*nat', `:${MASQUERADE_CHAIN} - [0:0]`, ...masqueradeRules(clusterCIDR).map((r) => `-A ${MASQUERADE_CHAIN} ${r.map(quote).join(' ')}`), 'COMMIT', ''].join('\n');
}

/** Installs (or repairs) the chain and the POSTROUTING jump to it in the node's namespace. */
export async function ensureMasquerade(nodeNs: string | undefined, clusterCIDR = CLUSTER_CIDR): Promise<void> {
  await restore(nodeNs, masqueradeRestoreInput(clusterCIDR));
  const present = await nodeExec(nodeNs, 'iptables', ['-w', '-t', 'nat', '-C', ...JUMP]).then(() => true, () => false);
  if (!present) await nodeExec(nodeNs, 'iptables', ['-w', '-t', 'nat', '-I', ...JUMP]);
}

/** Removes the jump and the chain. Safe to call again. */
export async function removeMasquerade(nodeNs: string | undefined): Promise<void> {
  while (await nodeExec(nodeNs, 'iptables', ['-w', '-t', 'nat', '-D', ...JUMP]).then(() => true, () => false));
  await nodeExec(nodeNs, 'iptables', ['-w', '-t', 'nat', '-F', MASQUERADE_CHAIN]).catch(() => undefined);
  await nodeExec(nodeNs, 'iptables', ['-w', '-t', 'nat', '-X', MASQUERADE_CHAIN]).catch(() => undefined);
}

function restore(nodeNs: string | undefined, input: string): Promise<void> {
  const [cmd, args] = nodeNs ? ['ip', ['netns', 'exec', nodeNs, 'iptables-restore', '-w', '--noflush']] : ['iptables-restore', ['-w', '--noflush']];
  return new Promise((resolve, reject) => {
    const child = execFile(cmd, args, (err, _stdout, stderr) => (err ? reject(new Error(`iptables-restore${nodeNs ? ` (in ${nodeNs})` : ''}: ${stderr || err.message}`)) : resolve()));
    child.stdin?.end(input);
  });
}
