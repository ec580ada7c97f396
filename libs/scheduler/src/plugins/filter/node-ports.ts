import { success, unschedulable, type FilterPlugin, type NodeInfo } from '../../framework/types';

// NodePorts: a hostPort is a (hostIP, protocol, port) triple on the node. 0.0.0.0 binds every
// address, so it clashes with the same protocol/port on any IP, while two specific IPs clash
// only when equal (HostPortInfo.CheckConflict). Example: 10.0.0.1/TCP/80 is taken →
// 0.0.0.0/TCP/80 conflicts, 10.0.0.2/TCP/80 does not, 10.0.0.1/UDP/80 does not.

export const ERR_REASON_PORTS = "node(s) didn't have free ports for the requested pod ports";
const REJECTED = unschedulable(ERR_REASON_PORTS);

const ANY_IP = '0.0.0.0';

export function portConflicts(used: NodeInfo['usedPorts'], want: { protocol: string; hostIP: string; port: number }): boolean {
  if (want.port <= 0) return false;
  const ip = want.hostIP || ANY_IP;
  const protocol = want.protocol || 'TCP';
  return used.some((u) => u.port === want.port && (u.protocol || 'TCP') === protocol && (ip === ANY_IP || (u.hostIP || ANY_IP) === ANY_IP || u.hostIP === ip));
}

export const NodePorts = {
  name: 'NodePorts',
  preFilter: (_ctx, pod) => (pod.hostPorts.length === 0 ? { code: 'Skip' } : success),
  filter: (_ctx, pod, node) => (pod.hostPorts.some((p) => portConflicts(node.usedPorts, p)) ? REJECTED : success),
} satisfies FilterPlugin;
