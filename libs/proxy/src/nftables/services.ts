// Service rules after kube-proxy's nftables mode (pkg/proxy/nftables/proxier.go): one lookup
// in a verdict map replaces iptables' linear walk of KUBE-SERVICES, so per-packet cost and
// per-change work no longer grow with the number of services. Two departures, both to keep a
// transaction's cost down (see portRules and the hairpin set):
//   - a service's endpoint is chosen by `numgen random mod k` rules that DNAT directly, one per
//     endpoint, instead of one anonymous vmap to per-endpoint chains: no endpoint-… chains;
//   - hairpin traffic (an endpoint reaching itself through the service) is marked for
//     masquerade in postrouting, where it is the DNATed packet whose source equals its new
//     destination: a lookup of `saddr . daddr` in the set of `ip . ip` of every endpoint.
//
//   nat-prerouting/nat-output → services ─ @service-ips[daddr . proto . dport] → goto service-… ─ numgen rules → dnat
//                                        └ local daddr: @service-nodeports[proto . dport] → goto external-… → goto service-…
//   nat-postrouting → masquerading ─ DNATed and saddr . daddr in @hairpin-endpoints → mark for masquerade
//   filter-input/forward/output (new connections) → service-endpoints-check → @no-endpoint-* → reject-chain

import { hashBase32 } from '../hash';
import { PortMemo } from '../memo';
import { ProxyConfig, ServicePortInfo } from '../model';
import { NftChain, NftMap, NftRuleset } from './ruleset';

export const MASQUERADE_MARK = '0x4000';

/** kube-proxy's hashAndTruncate: 8 hash characters keep names unique, the rest keeps them readable. */
const hashed = (name: string) => `${hashBase32(name, 8)}-${name}`;
const base = (sp: ServicePortInfo) => `${sp.namespace}/${sp.service}/${sp.protocol}/${sp.portName}`;
export const serviceChain = (sp: ServicePortInfo) => `service-${hashed(base(sp))}`;
export const externalChain = (sp: ServicePortInfo) => `external-${hashed(base(sp))}`;
const endpointBase = (sp: ServicePortInfo, ip: string, port: number) => `${base(sp)}__${ip}/${port}`;
export const affinitySet = (sp: ServicePortInfo, ip: string, port: number) => `affinity-${hashed(endpointBase(sp, ip, port))}`;

const LOCAL = 'fib daddr type local ip daddr != 127.0.0.0/8';
export const HAIRPIN_SET = 'hairpin-endpoints';

/** One service port's share: its chains, its map elements and its affinity sets. */
interface PortRules {
  readonly chains: readonly (readonly [string, NftChain])[];
  readonly elements: readonly (readonly [map: string, key: string, text: string])[];
  readonly sets: readonly (readonly [string, string])[];
}

/**
 * nftables service rules that keep each service port's part from the previous call (see
 * memo.ts): an Endpoints change regenerates one service, and the diff against the last
 * applied ruleset finds the others unchanged by identity. `rules()` gives what
 * `serviceNftRules()` gives.
 */
export class NftServiceRules {
  private readonly memo = new PortMemo<PortRules>();
  constructor(readonly config: ProxyConfig) {}

  rules(ports: readonly ServicePortInfo[]): NftRuleset {
    const mark = this.config.masqueradeMark ?? MASQUERADE_MARK;
    const chains = new Map<string, NftChain>();
    const chain = (name: string, rules: string[], hook?: string) => chains.set(name, hook ? { hook, rules } : { rules });
    chain('filter-input', ['ct state new jump service-endpoints-check'], 'type filter hook input priority -110');
    chain('filter-forward', ['ct state new jump service-endpoints-check'], 'type filter hook forward priority -110');
    chain('filter-output', ['ct state new jump service-endpoints-check'], 'type filter hook output priority -110');
    chain('nat-prerouting', ['jump services'], 'type nat hook prerouting priority -100');
    chain('nat-output', ['jump services'], 'type nat hook output priority -100');
    chain('nat-postrouting', ['jump masquerading'], 'type nat hook postrouting priority 100');
    chain('mark-for-masquerade', [`mark set mark or ${mark}`]);
    chain('masquerading', [`ct status dnat ip saddr . ip daddr @${HAIRPIN_SET} jump mark-for-masquerade`, `mark and ${mark} == 0 return`, `mark set mark xor ${mark}`, 'masquerade fully-random']);
    chain('services', ['ip daddr . meta l4proto . th dport vmap @service-ips', `${LOCAL} meta l4proto . th dport vmap @service-nodeports`]);
    chain('service-endpoints-check', ['ip daddr . meta l4proto . th dport vmap @no-endpoint-services', `${LOCAL} meta l4proto . th dport vmap @no-endpoint-nodeports`]);
    chain('reject-chain', ['reject']);

    const map = (type: string, comment: string, kind?: 'set'): NftMap => ({ type, comment, elements: new Map(), ...(kind ? { kind } : {}) });
    const maps = new Map<string, NftMap>([
      [HAIRPIN_SET, map('ipv4_addr . ipv4_addr', 'every endpoint as source . destination: hairpin traffic', 'set')],
      ['service-ips', map('ipv4_addr . inet_proto . inet_service : verdict', 'ClusterIP traffic')],
      ['service-nodeports', map('inet_proto . inet_service : verdict', 'NodePort traffic')],
      ['no-endpoint-services', map('ipv4_addr . inet_proto . inet_service : verdict', 'vmap to reject packets to services with no endpoints')],
      ['no-endpoint-nodeports', map('inet_proto . inet_service : verdict', 'vmap to reject packets to NodePorts with no endpoints')],
    ]);
    const sets = new Map<string, string>();
    for (const part of this.memo.map(ports, '', (sp) => portRules(sp, this.config))) {
      for (const [name, c] of part.chains) chains.set(name, c);
      for (const [m, key, text] of part.elements) maps.get(m)!.elements.set(key, text);
      for (const [name, body] of part.sets) sets.set(name, body);
    }
    return { chains, maps, sets };
  }
}

export function serviceNftRules(ports: readonly ServicePortInfo[], config: ProxyConfig): NftRuleset {
  return new NftServiceRules(config).rules(ports);
}

function portRules(sp: ServicePortInfo, config: ProxyConfig): PortRules {
  const ipKey = `${sp.clusterIP} . ${sp.protocol} . ${sp.port}`;
  const npKey = sp.nodePort ? `${sp.protocol} . ${sp.nodePort}` : undefined;
  const element = (m: string, key: string, verdict: string) => [m, key, `${key} comment ${JSON.stringify(sp.name)} : ${verdict}`] as const;
  if (sp.endpoints.length === 0) {
    const elements = [element('no-endpoint-services', ipKey, 'goto reject-chain')];
    if (npKey) elements.push(element('no-endpoint-nodeports', npKey, 'goto reject-chain'));
    return { chains: [], elements, sets: [] };
  }
  const svc = serviceChain(sp);
  const sticky = sp.affinitySeconds !== undefined;
  const eps = sp.endpoints.map((e) => ({ ...e, set: affinitySet(sp, e.ip, e.port) }));
  // What kube-proxy's endpoint-… chain does, as statements: remember the client (ClientIP
  // affinity) and DNAT. The hairpin masquerade is in postrouting (HAIRPIN_SET).
  const toEndpoint = (e: (typeof eps)[number]) => `${sticky ? `update @${e.set} { ip saddr } ` : ''}meta l4proto ${sp.protocol} dnat to ${e.ip}:${e.port}`;
  const svcRules = [`ip daddr ${sp.clusterIP} ${sp.protocol} dport ${sp.port} ip saddr != ${config.clusterCIDR} jump mark-for-masquerade`];
  if (sticky) for (const e of eps) svcRules.push(`ip saddr @${e.set} ${toEndpoint(e)}`);
  // kube-proxy writes one `numgen random mod n vmap { 0 : goto endpoint-…, … }` here. Each such
  // rule is an anonymous set, and binding one walks the whole kernel transaction
  // (__nft_set_trans_bind): a full sync of 5,000 services spent 52 s of CPU, mostly there.
  // The same choice as a rule per endpoint, like iptables' statistic rules: the i-th of n
  // wins 1/(n-i) of what reaches it (model.ts, probability), the last takes the rest.
  eps.forEach((e, i) => svcRules.push(i < eps.length - 1 ? `numgen random mod ${eps.length - i} 0 ${toEndpoint(e)}` : toEndpoint(e)));
  const chains: (readonly [string, NftChain])[] = [[svc, { rules: svcRules }]];
  const elements: (readonly [string, string, string])[] = [element('service-ips', ipKey, `goto ${svc}`)];
  if (npKey) {
    const ext = externalChain(sp);
    chains.push([ext, { rules: ['jump mark-for-masquerade', `goto ${svc}`] }]);
    elements.push(element('service-nodeports', npKey, `goto ${ext}`));
  }
  // One element per endpoint address, shared by every service it backs (same key, same text).
  for (const e of eps) elements.push([HAIRPIN_SET, `${e.ip} . ${e.ip}`, `${e.ip} . ${e.ip}`]);
  const sets: (readonly [string, string])[] = sticky ? eps.map((e) => [e.set, `type ipv4_addr ; flags dynamic,timeout ; timeout ${sp.affinitySeconds}s ;`] as const) : [];
  return { chains, elements, sets };
}
