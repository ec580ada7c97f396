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
import { PortMemo } from '../memo';
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

/**
 * kube-proxy's "large cluster mode": above this many endpoints the per-endpoint rules carry no
 * comment. iptables-restore then has a third less to parse (measured: 1,000 services × 10
 * endpoints, 35 % less CPU in iptables-nft-restore); the service-level comments stay.
 */
export const LARGE_CLUSTER_ENDPOINTS = 1000;

/** One service port's share of the ruleset: its lines in the shared chains and its own nat chains. */
interface PortRules {
  readonly filterServices: readonly string[];
  readonly filterExternal: readonly string[];
  readonly natServices: readonly string[];
  readonly natNodePorts: readonly string[];
  /** KUBE-SVC, KUBE-EXT and KUBE-SEP chains in declaration order. */
  readonly chains: readonly (readonly [string, string[]])[];
}

/**
 * Service rules that remember each service port's rules from the previous call, so that an
 * Endpoints change regenerates one service and the rest of the result is the same arrays as
 * before (see memo.ts). `rules()` gives the same text as `serviceRules()`.
 */
export class IptablesServiceRules {
  private readonly memo = new PortMemo<PortRules>();
  constructor(readonly config: ProxyConfig) {}

  rules(ports: readonly ServicePortInfo[]): IptablesRuleset {
    const mark = this.config.masqueradeMark ?? MASQUERADE_MARK;
    const comments = ports.reduce((n, sp) => n + sp.endpoints.length, 0) <= LARGE_CLUSTER_ENDPOINTS;
    const parts = this.memo.map(ports, String(comments), (sp) => portRules(sp, this.config, mark, comments));
    const filterServices: string[] = [];
    const filterExternal: string[] = [];
    const natServices: string[] = [];
    const natNodePorts: string[] = [];
    for (const p of parts) {
      append(filterServices, p.filterServices);
      append(filterExternal, p.filterExternal);
      append(natServices, p.natServices);
      append(natNodePorts, p.natNodePorts);
    }
    natServices.push(`-A ${SERVICES} -m comment --comment ${arg('kubernetes service nodeports; NOTE: this must be the last rule in this chain')} -m addrtype --dst-type LOCAL -j ${NODEPORTS}`);
    const filter = new Map<string, string[]>([
      [SERVICES, filterServices],
      [EXTERNAL, filterExternal],
      [FORWARD, [
        `-A ${FORWARD} -m conntrack --ctstate INVALID -j DROP`,
        `-A ${FORWARD} -m comment --comment ${arg('kubernetes forwarding rules')} -m mark --mark ${mark}/${mark} -j ACCEPT`,
        `-A ${FORWARD} -m comment --comment ${arg('kubernetes forwarding conntrack rule')} -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT`,
      ]],
    ]);
    const nat = new Map<string, string[]>([
      [SERVICES, natServices],
      [NODEPORTS, natNodePorts],
      [POSTROUTING, [
        `-A ${POSTROUTING} -m mark ! --mark ${mark}/${mark} -j RETURN`,
        // Clear the mark so a packet re-entering the stack (e.g. through a tunnel) is not masqueraded twice.
        `-A ${POSTROUTING} -j MARK --xor-mark ${mark}`,
        `-A ${POSTROUTING} -m comment --comment ${arg('kubernetes service traffic requiring SNAT')} -j MASQUERADE --random-fully`,
      ]],
      [MARK_MASQ, [`-A ${MARK_MASQ} -j MARK --or-mark ${mark}`]],
    ]);
    for (const p of parts) for (const [chain, rules] of p.chains) nat.set(chain, rules);
    return { tables: { filter, nat }, jumps: SERVICE_JUMPS };
  }
}

/** `to.push(...from)` without spreading: a spread passes every element as an argument. */
function append(to: string[], from: readonly string[]): void {
  for (const line of from) to.push(line);
}

/** The whole desired set of service chains for these service ports. */
export function serviceRules(ports: readonly ServicePortInfo[], config: ProxyConfig): IptablesRuleset {
  return new IptablesServiceRules(config).rules(ports);
}

/** One service port's rules; `comments` false leaves them off the per-endpoint rules (large cluster mode). */
function portRules(sp: ServicePortInfo, config: ProxyConfig, mark: string, comments: boolean): PortRules {
  const proto = sp.protocol;
  const match = `-m ${proto} -p ${proto}`;
  const dest = `${match} -d ${sp.clusterIP} --dport ${sp.port}`;
  const clusterComment = arg(`${sp.name} cluster IP`);
  const comment = (text: string) => (comments ? `-m comment --comment ${arg(text)} ` : '');
  if (sp.endpoints.length === 0) {
    const none = arg(`${sp.name} has no endpoints`);
    return {
      filterServices: [`-A ${SERVICES} -m comment --comment ${none} ${dest} -j REJECT --reject-with icmp-port-unreachable`],
      filterExternal: sp.nodePort ? [`-A ${EXTERNAL} -m comment --comment ${none} -m addrtype --dst-type LOCAL ${match} --dport ${sp.nodePort} -j REJECT --reject-with icmp-port-unreachable`] : [],
      natServices: [], natNodePorts: [], chains: [],
    };
  }
  const svc = svcChain(sp.name, proto);
  const svcRules = [`-A ${svc} -m comment --comment ${clusterComment} ${dest} ! -s ${config.clusterCIDR} -j ${MARK_MASQ}`];
  const chains: (readonly [string, string[]])[] = [[svc, svcRules]];
  const natNodePorts: string[] = [];
  if (sp.nodePort) {
    const ext = extChain(sp.name, proto);
    natNodePorts.push(`-A ${NODEPORTS} -m comment --comment ${arg(sp.name)} ${match} --dport ${sp.nodePort} -j ${ext}`);
    chains.push([ext, [
      `-A ${ext} -m comment --comment ${arg(`masquerade traffic for ${sp.name} external destinations`)} -j ${MARK_MASQ}`,
      `-A ${ext} -j ${svc}`,
    ]]);
  }
  const seps = sp.endpoints.map((e) => ({ endpoint: `${e.ip}:${e.port}`, ip: e.ip, chain: sepChain(sp.name, proto, `${e.ip}:${e.port}`) }));
  // A client seen recently goes back to the endpoint it had, before any random choice.
  if (sp.affinitySeconds !== undefined) {
    for (const s of seps) svcRules.push(`-A ${svc} ${comment(`${sp.name} -> ${s.endpoint}`)}-m recent --name ${s.chain} --rcheck --seconds ${sp.affinitySeconds} --reap -j ${s.chain}`);
  }
  seps.forEach((s, i) => {
    const stat = i < seps.length - 1 ? `-m statistic --mode random --probability ${probability(seps.length, i)} ` : '';
    svcRules.push(`-A ${svc} ${comment(`${sp.name} -> ${s.endpoint}`)}${stat}-j ${s.chain}`);
  });
  for (const s of seps) {
    const recent = sp.affinitySeconds !== undefined ? `-m recent --name ${s.chain} --set ` : '';
    chains.push([s.chain, [
      `-A ${s.chain} ${comment(sp.name)}-s ${s.ip} -j ${MARK_MASQ}`,
      `-A ${s.chain} ${comment(sp.name)}${recent}${match} -j DNAT --to-destination ${s.endpoint}`,
    ]]);
  }
  return { filterServices: [], filterExternal: [], natServices: [`-A ${SERVICES} -m comment --comment ${clusterComment} ${dest} -j ${svc}`], natNodePorts, chains };
}
