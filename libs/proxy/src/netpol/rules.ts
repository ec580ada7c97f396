// NetworkPolicy as filter-table chains in a node's namespace. FORWARD sees pod traffic
// whether it is routed or only bridged on cni0 (br_netfilter: bridge-nf-call-iptables = 1),
// and after the nat table's DNAT, so a Service's traffic is judged by the real pod address.
//
//   FORWARD → KEELSON-NETPOL: ESTABLISHED,RELATED → ACCEPT (replies to allowed connections)
//                             -s <pod> → KEELSON-NPE-<hash>   for each egress-isolated local pod
//                             -d <pod> → KEELSON-NPI-<hash>   for each ingress-isolated local pod
//   KEELSON-NPI/NPE-…: every allowed (peer × port) sets mark bit 0x10000; at the end an
//   unmarked packet is dropped and the bit is cleared, so the other direction starts clean.
//   An ipBlock with exceptions jumps to KEELSON-NPX-…, which RETURNs for the exceptions.
//
// A connection thus passes only if the sender's egress and the receiver's ingress both allow
// it. Ingress is enforced on the receiver's node, egress on the sender's. Traffic from the
// node itself (OUTPUT: probes, the agent) is not policed.

import { hashBase32 } from '../hash';
import { arg, IptablesRuleset, JumpRule } from '../iptables/ruleset';
import { inBlock, isNamedPort, peerSelectsPod, policiesFor, resolvePort } from './select';
import type { NetworkPolicy, NetworkPolicyPeer, NetworkPolicyPort, PolicyNamespace, PolicyPod, PolicyType } from './types';

export const NETPOL_CHAIN = 'KEELSON-NETPOL';
export const ALLOW_MARK = '0x10000';
export const NETPOL_CHAIN_PREFIXES = ['KEELSON-NETPOL', 'KEELSON-NP'];
export const NETPOL_JUMPS: readonly JumpRule[] = [{ table: 'filter', chain: 'FORWARD', rule: `-m comment --comment ${arg('keelson network policies')} -j ${NETPOL_CHAIN}` }];

export interface NetpolInput {
  readonly policies: readonly NetworkPolicy[];
  /** Every pod of the cluster: peers can live on any node. */
  readonly pods: readonly PolicyPod[];
  readonly namespaces: readonly PolicyNamespace[];
  /** Only pods on this node get chains; all pods when undefined. */
  readonly nodeName?: string;
}

const podKey = (p: PolicyPod) => `${p.metadata.namespace}/${p.metadata.name}`;
const chainFor = (dir: PolicyType, p: PolicyPod) => `KEELSON-NP${dir === 'Ingress' ? 'I' : 'E'}-${hashBase32(podKey(p), 15)}`;
const ALLOW = `-j MARK --set-xmark ${ALLOW_MARK}/${ALLOW_MARK}`;

export function networkPolicyRules(input: NetpolInput): IptablesRuleset {
  const namespaces = new Map(input.namespaces.map((n) => [n.metadata.name ?? '', n]));
  const withIP = input.pods.filter((p) => p.status?.podIP);
  const local = withIP.filter((p) => input.nodeName === undefined || p.spec?.nodeName === input.nodeName).sort((a, b) => (podKey(a) < podKey(b) ? -1 : 1));
  const filter = new Map<string, string[]>([[NETPOL_CHAIN, [`-A ${NETPOL_CHAIN} -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT`]]]);

  for (const dir of ['Egress', 'Ingress'] as const) {
    for (const pod of local) {
      const policies = policiesFor(input.policies, pod, dir);
      if (policies.length === 0) continue;
      const ip = pod.status!.podIP!;
      const chain = chainFor(dir, pod);
      const self = dir === 'Ingress' ? '-d' : '-s';
      const peerFlag = dir === 'Ingress' ? '-s' : '-d';
      filter.get(NETPOL_CHAIN)!.push(`-A ${NETPOL_CHAIN} ${self} ${ip} -m comment --comment ${arg(`${podKey(pod)} ${dir.toLowerCase()}`)} -j ${chain}`);
      const rules: string[] = [];
      const allow = (match: string) => rules.push(`-A ${chain}${match} ${ALLOW}`);
      for (const policy of policies) {
        const policyNs = policy.metadata.namespace ?? '';
        const specRules = dir === 'Ingress' ? policy.spec.ingress ?? [] : policy.spec.egress ?? [];
        specRules.forEach((rule, index) => {
          const peers = (dir === 'Ingress' ? (rule as { from?: NetworkPolicyPeer[] }).from : (rule as { to?: NetworkPolicyPeer[] }).to) ?? [];
          const ports = rule.ports ?? [];
          const comment = ` -m comment --comment ${arg(`${policyNs}/${policy.metadata.name} ${dir.toLowerCase()}[${index}]`)}`;
          // Where the receiving pod is known, its named ports resolve on it; egress to named
          // ports needs a concrete destination pod, so it is written per destination pod.
          const receiver = (peerPod?: PolicyPod) => (dir === 'Ingress' ? pod : peerPod);
          const egressNamed = dir === 'Egress' && ports.some(isNamedPort);
          const portMatches = (target: PolicyPod | undefined, only?: 'named' | 'numbered'): string[] => {
            if (ports.length === 0) return [''];
            return ports
              .filter((p) => only === undefined || (only === 'named') === isNamedPort(p))
              .map((p) => resolvePort(p, target))
              .filter((m) => m !== undefined)
              .map((m) => {
                const proto = m.protocol.toLowerCase();
                if (m.from === undefined) return ` -p ${proto}`;
                return ` -p ${proto} -m ${proto} --dport ${m.to !== m.from ? `${m.from}:${m.to}` : m.from}`;
              });
          };
          const peerPods = (peer: NetworkPolicyPeer) => withIP.filter((p) => (peer.ipBlock ? inBlock(p.status!.podIP!, peer.ipBlock) : peerSelectsPod(peer, policyNs, p, namespaces)));
          const addrs: { match: string; block?: NetworkPolicyPeer['ipBlock'] }[] = [];
          if (peers.length === 0) addrs.push({ match: '' });
          for (const peer of peers) {
            if (peer.ipBlock) addrs.push({ match: ` ${peerFlag} ${peer.ipBlock.cidr}`, block: peer.ipBlock });
            else for (const p of peerPods(peer)) addrs.push({ match: ` ${peerFlag} ${p.status!.podIP}` });
          }
          const numbered: 'numbered' | undefined = egressNamed ? 'numbered' : undefined;
          for (const a of addrs) {
            for (const pm of portMatches(receiver(), numbered)) {
              if (egressNamed && pm === '') continue;
              if (a.block?.except?.length) {
                const x = `KEELSON-NPX-${hashBase32(`${chain} ${a.match}${pm}`, 15)}`;
                filter.set(x, [...a.block.except.map((e) => `-A ${x} ${peerFlag} ${e} -j RETURN`), `-A ${x} ${ALLOW}`]);
                rules.push(`-A ${chain}${a.match}${comment}${pm} -j ${x}`);
              } else allow(`${a.match}${comment}${pm}`);
            }
          }
          if (egressNamed) {
            // Each candidate destination pod with its own resolution of the named ports.
            const candidates = peers.length === 0 ? withIP : withIP.filter((p) => peers.some((peer) => (peer.ipBlock ? inBlock(p.status!.podIP!, peer.ipBlock) : peerSelectsPod(peer, policyNs, p, namespaces))));
            for (const dst of candidates) for (const pm of portMatches(dst, 'named')) allow(` -d ${dst.status!.podIP}${comment}${pm}`);
          }
        });
      }
      rules.push(`-A ${chain} -m mark ! --mark ${ALLOW_MARK}/${ALLOW_MARK} -m comment --comment ${arg(`${podKey(pod)} ${dir.toLowerCase()} not allowed by any policy`)} -j DROP`);
      rules.push(`-A ${chain} -j MARK --set-xmark 0x0/${ALLOW_MARK}`);
      filter.set(chain, rules);
    }
  }
  return { tables: { filter, nat: new Map() }, jumps: NETPOL_JUMPS };
}
