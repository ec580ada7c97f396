import { renderFull } from '../iptables/restore';
import { allowed } from './evaluate';
import { NETPOL_CHAIN, networkPolicyRules } from './rules';
import { simulate } from './simulate';
import type { NetworkPolicy } from './types';
import { CLIENT, DB, denyAllIngress, DEV_AGENT, NAMESPACES, OTHER, OUTSIDE, OUTSIDE_EXCEPTED, PODS, policy, PROD_AGENT, WEB } from './world';

const SCENARIOS: [string, NetworkPolicy[]][] = [
  ['no policies', []],
  ['default deny', [denyAllIngress]],
  ['deny + client on 80', [denyAllIngress, policy('default', 'c80', { podSelector: { matchLabels: { app: 'web' } }, ingress: [{ from: [{ podSelector: { matchLabels: { role: 'client' } } }], ports: [{ port: 80 }] }] })]],
  ['namespace AND pod selector, named port, endPort', [policy('default', 'mix', { podSelector: { matchLabels: { app: 'web' } }, ingress: [
    { from: [{ namespaceSelector: { matchLabels: { team: 'a' } }, podSelector: { matchLabels: { app: 'agent' } } }], ports: [{ port: 'http' }, { port: 8000, endPort: 8010 }] },
    { from: [{ ipBlock: { cidr: '192.168.5.0/24', except: ['192.168.5.64/26'] } }], ports: [{ protocol: 'UDP', port: 'dns' }] },
  ] })]],
  ['egress with named ports and ipBlock', [policy('default', 'out', { podSelector: { matchLabels: { role: 'client' } }, policyTypes: ['Egress'], egress: [
    { to: [{ podSelector: { matchLabels: { app: 'db' } } }], ports: [{ port: 'pg' }] },
    { to: [{ ipBlock: { cidr: '192.168.0.0/16', except: ['192.168.5.64/26'] } }], ports: [{ port: 443 }] },
    { ports: [{ port: 'http' }] },
  ] })]],
];
const ADDRESSES = [WEB, DB, CLIENT, OTHER, PROD_AGENT, DEV_AGENT, OUTSIDE, OUTSIDE_EXCEPTED];
const PORTS: [number, string][] = [[80, 'TCP'], [81, 'TCP'], [8080, 'TCP'], [8005, 'TCP'], [5432, 'TCP'], [443, 'TCP'], [53, 'UDP'], [53, 'TCP']];

describe('NetworkPolicy filter rules agree with the evaluator', () => {
  it.each(SCENARIOS)('given %s, every pair of addresses and every port gets the same verdict from the rules as from allowed()', (_name, policies) => {
    // Ingress is enforced on the receiver's node and egress on the sender's: simulate both nodes.
    const onNode = (node: string) => networkPolicyRules({ policies, pods: PODS, namespaces: NAMESPACES, nodeName: node }).tables.filter;
    const nodes = [onNode('node-1'), onNode('node-2')];
    const mismatches: string[] = [];
    for (const src of ADDRESSES) for (const dst of ADDRESSES) {
      if (src === dst) continue;
      for (const [port, protocol] of PORTS) {
        const byRules = nodes.every((f) => simulate(f, NETPOL_CHAIN, { src, dst, port, protocol }) !== 'DROP');
        if (byRules !== allowed(policies, PODS, NAMESPACES, src, dst, port, protocol)) mismatches.push(`${src} → ${dst}:${port}/${protocol} rules say ${byRules}`);
      }
    }
    expect(mismatches).toEqual([]);
  });

  it('given no policies, only the conntrack rule is written and no pod chain', () => {
    expect(renderFull(networkPolicyRules({ policies: [], pods: PODS, namespaces: NAMESPACES }))).toBe(`*filter
:KEELSON-NETPOL - [0:0]
-A KEELSON-NETPOL -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
COMMIT
*nat
COMMIT
`);
  });

  it('given default deny, the ingress chain of a pod drops what no policy marked and clears the mark', () => {
    const filter = networkPolicyRules({ policies: [denyAllIngress], pods: PODS, namespaces: NAMESPACES, nodeName: 'node-1' }).tables.filter;
    const jump = filter.get(NETPOL_CHAIN)!.find((r) => r.includes(`-d ${WEB}`))!;
    const chain = jump.split(' -j ')[1];
    expect(chain).toMatch(/^KEELSON-NPI-[A-Z2-7]{15}$/);
    expect(filter.get(chain)).toEqual([
      `-A ${chain} -m mark ! --mark 0x10000/0x10000 -m comment --comment "default/web ingress not allowed by any policy" -j DROP`,
      `-A ${chain} -j MARK --set-xmark 0x0/0x10000`,
    ]);
  });
});
