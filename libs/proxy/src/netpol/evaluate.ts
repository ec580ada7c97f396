// The oracle: may a new connection go from one address to another? A pod selected by no
// policy of a direction is open in that direction; a selected pod admits only what at least
// one selecting policy allows (policies add up, they never subtract). A connection needs both
// the sender's egress and the receiver's ingress. Replies to an allowed connection always
// pass (conntrack), so only the connection's first packet is judged here.
import { inBlock, peerSelectsPod, policiesFor, portMatches, resolvePort } from './select';
import type { NetworkPolicy, NetworkPolicyPeer, NetworkPolicyPort, PolicyNamespace, PolicyPod } from './types';

export function allowed(
  policies: readonly NetworkPolicy[],
  pods: readonly PolicyPod[],
  namespaces: readonly PolicyNamespace[],
  from: string,
  to: string,
  port: number,
  protocol = 'TCP',
): boolean {
  const byIP = new Map(pods.filter((p) => p.status?.podIP).map((p) => [p.status!.podIP!, p]));
  const nsMap = new Map(namespaces.map((n) => [n.metadata.name ?? '', n]));
  const src = byIP.get(from);
  const dst = byIP.get(to);
  const peerOk = (peers: NetworkPolicyPeer[] | undefined, policyNs: string, ip: string, pod: PolicyPod | undefined) =>
    !peers || peers.length === 0 || peers.some((peer) => (peer.ipBlock ? inBlock(ip, peer.ipBlock) : pod !== undefined && peerSelectsPod(peer, policyNs, pod, nsMap)));
  // Named ports are always resolved on the receiving pod; unknown addresses have no names.
  const portOk = (ports: NetworkPolicyPort[] | undefined) =>
    !ports || ports.length === 0 || ports.some((p) => {
      const m = resolvePort(p, dst);
      return m !== undefined && portMatches(m, port, protocol);
    });

  if (src) {
    const egress = policiesFor(policies, src, 'Egress');
    if (egress.length && !egress.some((p) => (p.spec.egress ?? []).some((r) => peerOk(r.to, p.metadata.namespace ?? '', to, dst) && portOk(r.ports)))) return false;
  }
  if (dst) {
    const ingress = policiesFor(policies, dst, 'Ingress');
    if (ingress.length && !ingress.some((p) => (p.spec.ingress ?? []).some((r) => peerOk(r.from, p.metadata.namespace ?? '', from, src) && portOk(r.ports)))) return false;
  }
  return true;
}
