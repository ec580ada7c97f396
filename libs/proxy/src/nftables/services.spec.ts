import { CONFIG, endpoints, hostnames, mixed, stickyNodePort } from '../fixtures';
import { servicePorts } from '../model';
import { renderNftCanary, renderNftFull, renderNftIncremental } from './ruleset';
import { NftServiceRules, serviceNftRules } from './services';

const T = 'ip kube-proxy';
const SVC = 'service-PM2QQW4D-default/hostnames/tcp/default';

const HOSTNAMES_GOLDEN = `add table ${T} { comment "rules for kube-proxy" ; }
delete table ${T}
add table ${T} { comment "rules for kube-proxy" ; }
add chain ${T} filter-input { type filter hook input priority -110 ; }
add chain ${T} filter-forward { type filter hook forward priority -110 ; }
add chain ${T} filter-output { type filter hook output priority -110 ; }
add chain ${T} nat-prerouting { type nat hook prerouting priority -100 ; }
add chain ${T} nat-output { type nat hook output priority -100 ; }
add chain ${T} nat-postrouting { type nat hook postrouting priority 100 ; }
add chain ${T} mark-for-masquerade
add chain ${T} masquerading
add chain ${T} services
add chain ${T} service-endpoints-check
add chain ${T} reject-chain
add chain ${T} ${SVC}
add set ${T} hairpin-endpoints { type ipv4_addr . ipv4_addr ; comment "every endpoint as source . destination: hairpin traffic" ; }
add map ${T} service-ips { type ipv4_addr . inet_proto . inet_service : verdict ; comment "ClusterIP traffic" ; }
add map ${T} service-nodeports { type inet_proto . inet_service : verdict ; comment "NodePort traffic" ; }
add map ${T} no-endpoint-services { type ipv4_addr . inet_proto . inet_service : verdict ; comment "vmap to reject packets to services with no endpoints" ; }
add map ${T} no-endpoint-nodeports { type inet_proto . inet_service : verdict ; comment "vmap to reject packets to NodePorts with no endpoints" ; }
add rule ${T} filter-input ct state new jump service-endpoints-check
add rule ${T} filter-forward ct state new jump service-endpoints-check
add rule ${T} filter-output ct state new jump service-endpoints-check
add rule ${T} nat-prerouting jump services
add rule ${T} nat-output jump services
add rule ${T} nat-postrouting jump masquerading
add rule ${T} mark-for-masquerade mark set mark or 0x4000
add rule ${T} masquerading ct status dnat ip saddr . ip daddr @hairpin-endpoints jump mark-for-masquerade
add rule ${T} masquerading mark and 0x4000 == 0 return
add rule ${T} masquerading mark set mark xor 0x4000
add rule ${T} masquerading masquerade fully-random
add rule ${T} services ip daddr . meta l4proto . th dport vmap @service-ips
add rule ${T} services fib daddr type local ip daddr != 127.0.0.0/8 meta l4proto . th dport vmap @service-nodeports
add rule ${T} service-endpoints-check ip daddr . meta l4proto . th dport vmap @no-endpoint-services
add rule ${T} service-endpoints-check fib daddr type local ip daddr != 127.0.0.0/8 meta l4proto . th dport vmap @no-endpoint-nodeports
add rule ${T} reject-chain reject
add rule ${T} ${SVC} ip daddr 10.96.0.50 tcp dport 80 ip saddr != 10.244.0.0/16 jump mark-for-masquerade
add rule ${T} ${SVC} numgen random mod 3 0 meta l4proto tcp dnat to 10.244.1.2:9376
add rule ${T} ${SVC} numgen random mod 2 0 meta l4proto tcp dnat to 10.244.1.3:9376
add rule ${T} ${SVC} meta l4proto tcp dnat to 10.244.1.4:9376
add element ${T} hairpin-endpoints { 10.244.1.2 . 10.244.1.2, 10.244.1.3 . 10.244.1.3, 10.244.1.4 . 10.244.1.4 }
add element ${T} service-ips { 10.96.0.50 . tcp . 80 comment "default/hostnames:default" : goto ${SVC} }
`;

const rules = (f: { services: any[]; endpoints: any[] }) => serviceNftRules(servicePorts(f.services, f.endpoints), CONFIG);
const lines = (text: string) => text.split('\n').filter(Boolean);

describe('nftables service rules (golden)', () => {
  it("given the seed's hostnames service, the transaction is exactly the golden text", () => {
    expect(renderNftFull(rules(hostnames))).toBe(HOSTNAMES_GOLDEN);
  });

  it('given ClientIP affinity and a NodePort, endpoints remember clients in timed sets and the NodePort goes through an external chain', () => {
    const text = lines(renderNftFull(rules(stickyNodePort)));
    const svc = 'service-KHN6ECMT-shop/web/tcp/http';
    const aff = 'affinity-E3COWV6E-shop/web/tcp/http__10.244.2.5/8080';
    const aff2 = 'affinity-RTLUG2YG-shop/web/tcp/http__10.244.3.7/8080';
    expect(text).toEqual(expect.arrayContaining([
      `add set ${T} ${aff} { type ipv4_addr ; flags dynamic,timeout ; timeout 600s ; }`,
      // A client seen before goes back to its endpoint, and either way the set remembers it anew.
      `add rule ${T} ${svc} ip saddr @${aff} update @${aff} { ip saddr } meta l4proto tcp dnat to 10.244.2.5:8080`,
      `add rule ${T} ${svc} numgen random mod 2 0 update @${aff} { ip saddr } meta l4proto tcp dnat to 10.244.2.5:8080`,
      `add rule ${T} ${svc} update @${aff2} { ip saddr } meta l4proto tcp dnat to 10.244.3.7:8080`,
      `add rule ${T} external-KHN6ECMT-shop/web/tcp/http jump mark-for-masquerade`,
      `add rule ${T} external-KHN6ECMT-shop/web/tcp/http goto ${svc}`,
      `add element ${T} service-nodeports { tcp . 30080 comment "shop/web:http" : goto external-KHN6ECMT-shop/web/tcp/http }`,
    ]));
    // Affinity lookups come before the random choice.
    expect(text.findIndex((l) => l.includes(`${svc} ip saddr @`))).toBeLessThan(text.findIndex((l) => l.includes(`${svc} numgen random mod 2 0`)));
  });

  it('given a service without endpoints, its ClusterIP and NodePort go to the reject chain and no service chain is made', () => {
    const text = lines(renderNftFull(rules(mixed)));
    expect(text).toContain(`add element ${T} no-endpoint-services { 10.96.0.90 . tcp . 80 comment "shop/empty" : goto reject-chain }`);
    expect(text).toContain(`add element ${T} no-endpoint-nodeports { tcp . 30090 comment "shop/empty" : goto reject-chain }`);
    expect(text.some((l) => l.includes('shop/empty/'))).toBe(false);
    expect(text.some((l) => l.includes('nginx') || l.includes('external'))).toBe(false);
  });
});

describe('nftables incremental sync', () => {
  const withEndpoints = (ips: string[]) => rules({ services: hostnames.services, endpoints: [endpoints('default', 'hostnames', ips, [{ name: 'default', port: 9376 }])] });

  it('given nothing changed, nothing is written', () => {
    expect(renderNftIncremental(withEndpoints(['10.244.1.2']), withEndpoints(['10.244.1.2']))).toBe('');
  });

  it('given an endpoint added, only the service chain is rewritten and the new address joins the hairpin set', () => {
    expect(lines(renderNftIncremental(withEndpoints(['10.244.1.2']), withEndpoints(['10.244.1.2', '10.244.1.3'])))).toEqual([
      `flush chain ${T} ${SVC}`,
      `add rule ${T} ${SVC} ip daddr 10.96.0.50 tcp dport 80 ip saddr != 10.244.0.0/16 jump mark-for-masquerade`,
      `add rule ${T} ${SVC} numgen random mod 2 0 meta l4proto tcp dnat to 10.244.1.2:9376`,
      `add rule ${T} ${SVC} meta l4proto tcp dnat to 10.244.1.3:9376`,
      `add element ${T} hairpin-endpoints { 10.244.1.3 . 10.244.1.3 }`,
    ]);
  });

  it('given an endpoint that also backs another service removed from one, it stays in the hairpin set', () => {
    const both = (ips: string[]) => rules({
      services: [...hostnames.services, ...stickyNodePort.services],
      endpoints: [endpoints('default', 'hostnames', ips, [{ name: 'default', port: 9376 }]), endpoints('shop', 'web', ['10.244.1.2'], [{ name: 'http', port: 8080 }])],
    });
    const text = renderNftIncremental(both(['10.244.1.2', '10.244.1.3']), both(['10.244.1.3']));
    expect(text).not.toContain('10.244.1.2 . 10.244.1.2');
    expect(text).toContain(`add rule ${T} ${SVC} meta l4proto tcp dnat to 10.244.1.3:9376`);
  });

  it('given the last endpoint gone, the map element moves to the reject map before the chains are deleted', () => {
    expect(lines(renderNftIncremental(withEndpoints(['10.244.1.2']), withEndpoints([])))).toEqual([
      `delete element ${T} hairpin-endpoints { 10.244.1.2 . 10.244.1.2 }`,
      `delete element ${T} service-ips { 10.96.0.50 . tcp . 80 }`,
      `add element ${T} no-endpoint-services { 10.96.0.50 . tcp . 80 comment "default/hostnames:default" : goto reject-chain }`,
      `flush chain ${T} ${SVC}`,
      `delete chain ${T} ${SVC}`,
    ]);
  });

  it('given a NodePort service removed, its external chain (which jumps to the service chain) is emptied before any chain is deleted', () => {
    const before = serviceNftRules(servicePorts(stickyNodePort.services, stickyNodePort.endpoints), CONFIG);
    const after = serviceNftRules([], CONFIG);
    const out = lines(renderNftIncremental(before, after)).filter((l) => /^(flush|delete) chain/.test(l));
    const firstDelete = out.findIndex((l) => l.startsWith('delete'));
    expect(out.slice(0, firstDelete).every((l) => l.startsWith('flush'))).toBe(true);
    expect(out.slice(firstDelete).every((l) => l.startsWith('delete'))).toBe(true);
    expect(out.filter((l) => l.startsWith('delete')).map((l) => l.split(' ')[4].split('-')[0]).sort()).toEqual(['external', 'service']);
  });
});

describe('nftables rules kept per service between generations', () => {
  const ports = (ips: string[]) => servicePorts([...hostnames.services, ...stickyNodePort.services], [endpoints('default', 'hostnames', ips, [{ name: 'default', port: 9376 }]), ...stickyNodePort.endpoints]);

  it('given the same generator called again, its transaction is what serviceNftRules gives', () => {
    const generator = new NftServiceRules(CONFIG);
    generator.rules(ports(['10.244.1.2']));
    expect(renderNftFull(generator.rules(ports(['10.244.1.3'])))).toBe(renderNftFull(serviceNftRules(ports(['10.244.1.3']), CONFIG)));
  });

  it("given one service's endpoints changed, the other service's chains are the same objects and only the changed service's chains are written", () => {
    const generator = new NftServiceRules(CONFIG);
    const before = generator.rules(ports(['10.244.1.2']));
    const after = generator.rules(ports(['10.244.1.3']));
    expect(after.chains.get('service-KHN6ECMT-shop/web/tcp/http')).toBe(before.chains.get('service-KHN6ECMT-shop/web/tcp/http'));
    expect(lines(renderNftIncremental(before, after)).map((l) => l.split(' ').slice(0, 2).join(' '))).toEqual([
      'delete element', 'flush chain', 'add rule', 'add rule', 'add element',
    ]);
  });
});

describe('the nftables drift canary', () => {
  it('given base chains applied before, they are flushed and refilled, so a deleted table fails the transaction', () => {
    const text = lines(renderNftCanary(rules(hostnames), rules(hostnames)));
    expect(text.slice(0, 2)).toEqual([`flush chain ${T} filter-input`, `add rule ${T} filter-input ct state new jump service-endpoints-check`]);
    expect(text.filter((l) => l.startsWith('flush'))).toHaveLength(6);
    expect(text.some((l) => l.includes(SVC))).toBe(false);
  });

  it('given nothing applied yet, there is nothing to check', () => {
    expect(renderNftCanary({ chains: new Map(), maps: new Map(), sets: new Map() }, rules(hostnames))).toBe('');
  });
});
