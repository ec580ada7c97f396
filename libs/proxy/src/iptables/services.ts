// Service rules as kube-proxy's iptables mode writes them (pkg/proxy/iptables/proxier.go):
//
//   nat PREROUTING/OUTPUT → KUBE-SERVICES ─ clusterIP:port ─→ KUBE-SVC-<hash> ─ random ─→ KUBE-SEP-<hash> → DNAT
//                                         └ dst-type LOCAL → KUBE-NODEPORTS ─ nodePort → KUBE-EXT-<hash> → KUBE-SVC-<hash>
//   nat POSTROUTING → KUBE-POSTROUTING: MASQUERADE what KUBE-MARK-MASQ marked
//   filter KUBE-SERVICES / KUBE-EXTERNAL-SERVICES: REJECT for service ports without endpoints
//
// Marked for masquerade: traffic to a ClusterIP from outside the cluster CIDR, all NodePort
// traffic (external), and hairpin traffic (an endpoint reaching itself through the service,
// which would otherwise see its own address as source and answer itself directly).

import { extChain, sepChain, svcChain } from '../hash';
import { probability, ProxyConfig, ServicePortInfo } from '../model';
import { arg, IptablesRuleset, JumpRule } from './ruleset';

export const MASQUERADE_MARK = '0x4000';

const SERVICES = 'KUBE-SERVICES';
const NODEPORTS = 'KUBE-NODEPORTS';
const EXTERNAL = 'KUBE-EXTERNAL-SERVICES';
const FORWARD = 'KUBE-FORWARD';
const POSTROUTING = 'KUBE-POSTROUTING';
const MARK_MASQ = 'KUBE-MARK-MASQ';

/** Prefixes of the chains this generator owns; anything else in the tables is left alone. */
export const SERVICE_CHAIN_PREFIXES = ['KUBE-'];

export const SERVICE_JUMPS: readonly JumpRule[] = [
  { table: 'nat', chain: 'PREROUTING', rule: `-m comment --comment ${arg('kubernetes service portals')} -j ${SERVICES}` },
  { table: 'nat', chain: 'OUTPUT', rule: `-m comment --comment ${arg('kubernetes service portals')} -j ${SERVICES}` },
  { table: 'nat', chain: 'POSTROUTING', rule: `-m comment --comment ${arg('kubernetes postrouting rules')} -j ${POSTROUTING}` },
  { table: 'filter', chain: 'INPUT', rule: `-m conntrack --ctstate NEW -m comment --comment ${arg('kubernetes externally-visible service portals')} -j ${EXTERNAL}` },
  { table: 'filter', chain: 'FORWARD', rule: `-m comment --comment ${arg('kubernetes forwarding rules')} -j ${FORWARD}` },
  { table: 'filter', chain: 'FORWARD', rule: `-m conntrack --ctstate NEW -m comment --comment ${arg('kubernetes service portals')} -j ${SERVICES}` },
  { table: 'filter', chain: 'OUTPUT', rule: `-m conntrack --ctstate NEW -m comment --comment ${arg('kubernetes service portals')} -j ${SERVICES}` },
];

/** The whole desired set of service chains for these service ports. */
export function serviceRules(ports: readonly ServicePortInfo[], config: ProxyConfig): IptablesRuleset {
  const mark = config.masqueradeMark ?? MASQUERADE_MARK;
  const filter = new Map<string, string[]>([[SERVICES, []], [EXTERNAL, []], [FORWARD, []]]);
  const nat = new Map<string, string[]>([[SERVICES, []], [NODEPORTS, []], [POSTROUTING, []], [MARK_MASQ, []]]);
  const add = (table: Map<string, string[]>, chain: string, rule: string) => {
    let rules = table.get(chain);
    if (!rules) table.set(chain, (rules = []));
    rules.push(`-A ${chain} ${rule}`);
  };

  add(filter, FORWARD, '-m conntrack --ctstate INVALID -j DROP');
  add(filter, FORWARD, `-m comment --comment ${arg('kubernetes forwarding rules')} -m mark --mark ${mark}/${mark} -j ACCEPT`);
  add(filter, FORWARD, `-m comment --comment ${arg('kubernetes forwarding conntrack rule')} -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT`);
  add(nat, MARK_MASQ, `-j MARK --or-mark ${mark}`);
  add(nat, POSTROUTING, `-m mark ! --mark ${mark}/${mark} -j RETURN`);
  // Clear the mark so a packet re-entering the stack (e.g. through a tunnel) is not masqueraded twice.
  add(nat, POSTROUTING, `-j MARK --xor-mark ${mark}`);
  add(nat, POSTROUTING, `-m comment --comment ${arg('kubernetes service traffic requiring SNAT')} -j MASQUERADE --random-fully`);

  for (const sp of ports) {
    const proto = sp.protocol;
    const match = `-m ${proto} -p ${proto}`;
    const dest = `${match} -d ${sp.clusterIP} --dport ${sp.port}`;
    const clusterComment = arg(`${sp.name} cluster IP`);
    if (sp.endpoints.length === 0) {
      const comment = arg(`${sp.name} has no endpoints`);
      add(filter, SERVICES, `-m comment --comment ${comment} ${dest} -j REJECT --reject-with icmp-port-unreachable`);
      if (sp.nodePort) add(filter, EXTERNAL, `-m comment --comment ${comment} -m addrtype --dst-type LOCAL ${match} --dport ${sp.nodePort} -j REJECT --reject-with icmp-port-unreachable`);
      continue;
    }
    const svc = svcChain(sp.name, proto);
    nat.set(svc, []);
    add(nat, SERVICES, `-m comment --comment ${clusterComment} ${dest} -j ${svc}`);
    add(nat, svc, `-m comment --comment ${clusterComment} ${dest} ! -s ${config.clusterCIDR} -j ${MARK_MASQ}`);
    if (sp.nodePort) {
      const ext = extChain(sp.name, proto);
      nat.set(ext, []);
      add(nat, NODEPORTS, `-m comment --comment ${arg(sp.name)} ${match} --dport ${sp.nodePort} -j ${ext}`);
      add(nat, ext, `-m comment --comment ${arg(`masquerade traffic for ${sp.name} external destinations`)} -j ${MARK_MASQ}`);
      add(nat, ext, `-j ${svc}`);
    }
    const seps = sp.endpoints.map((e) => ({ endpoint: `${e.ip}:${e.port}`, ip: e.ip, chain: sepChain(sp.name, proto, `${e.ip}:${e.port}`) }));
    // A client seen recently goes back to the endpoint it had, before any random choice.
    if (sp.affinitySeconds !== undefined) {
      for (const s of seps) add(nat, svc, `-m comment --comment ${arg(`${sp.name} -> ${s.endpoint}`)} -m recent --name ${s.chain} --rcheck --seconds ${sp.affinitySeconds} --reap -j ${s.chain}`);
    }
    seps.forEach((s, i) => {
      const stat = i < seps.length - 1 ? ` -m statistic --mode random --probability ${probability(seps.length, i)}` : '';
      add(nat, svc, `-m comment --comment ${arg(`${sp.name} -> ${s.endpoint}`)}${stat} -j ${s.chain}`);
    });
    for (const s of seps) {
      nat.set(s.chain, []);
      add(nat, s.chain, `-m comment --comment ${arg(sp.name)} -s ${s.ip} -j ${MARK_MASQ}`);
      const recent = sp.affinitySeconds !== undefined ? ` -m recent --name ${s.chain} --set` : '';
      add(nat, s.chain, `-m comment --comment ${arg(sp.name)}${recent} ${match} -j DNAT --to-destination ${s.endpoint}`);
    }
  }
  add(nat, SERVICES, `-m comment --comment ${arg('kubernetes service nodeports; NOTE: this must be the last rule in this chain')} -m addrtype --dst-type LOCAL -j ${NODEPORTS}`);
  return { tables: { filter, nat }, jumps: SERVICE_JUMPS };
}
