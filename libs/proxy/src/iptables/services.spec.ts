import { CONFIG, endpoints, hostnames, mixed, service, stickyNodePort } from '../fixtures';
import { servicePorts } from '../model';
import { renderFull, renderIncremental } from './restore';
import { IptablesServiceRules, LARGE_CLUSTER_ENDPOINTS, serviceRules } from './services';

// The fixed chains every sync writes, as kube-proxy does.
const FILTER_HEAD = `*filter
:KUBE-SERVICES - [0:0]
:KUBE-EXTERNAL-SERVICES - [0:0]
:KUBE-FORWARD - [0:0]`;
const FORWARD = `-A KUBE-FORWARD -m conntrack --ctstate INVALID -j DROP
-A KUBE-FORWARD -m comment --comment "kubernetes forwarding rules" -m mark --mark 0x4000/0x4000 -j ACCEPT
-A KUBE-FORWARD -m comment --comment "kubernetes forwarding conntrack rule" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT`;
const NAT_HEAD = `*nat
:KUBE-SERVICES - [0:0]
:KUBE-NODEPORTS - [0:0]
:KUBE-POSTROUTING - [0:0]
:KUBE-MARK-MASQ - [0:0]`;
const MASQ = `-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN
-A KUBE-POSTROUTING -j MARK --xor-mark 0x4000
-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE --random-fully
-A KUBE-MARK-MASQ -j MARK --or-mark 0x4000`;
const NODEPORTS_LAST = '-A KUBE-SERVICES -m comment --comment "kubernetes service nodeports; NOTE: this must be the last rule in this chain" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS';

const golden: [string, { services: any[]; endpoints: any[] }, string][] = [
  [
    "the seed's hostnames service with three ready endpoints (and one not ready, left out)",
    hostnames,
    `${FILTER_HEAD}
${FORWARD}
COMMIT
${NAT_HEAD}
:KUBE-SVC-ODX2UBAZM7RQWOIU - [0:0]
:KUBE-SEP-OR2ZUMNTGDP73TRS - [0:0]
:KUBE-SEP-KQXJIRBK6P6QLVPN - [0:0]
:KUBE-SEP-ZIDLKAVZSENS4D6S - [0:0]
-A KUBE-SERVICES -m comment --comment "default/hostnames:default cluster IP" -m tcp -p tcp -d 10.96.0.50 --dport 80 -j KUBE-SVC-ODX2UBAZM7RQWOIU
${NODEPORTS_LAST}
${MASQ}
-A KUBE-SVC-ODX2UBAZM7RQWOIU -m comment --comment "default/hostnames:default cluster IP" -m tcp -p tcp -d 10.96.0.50 --dport 80 ! -s 10.244.0.0/16 -j KUBE-MARK-MASQ
-A KUBE-SVC-ODX2UBAZM7RQWOIU -m comment --comment "default/hostnames:default -> 10.244.1.2:9376" -m statistic --mode random --probability 0.3333333333 -j KUBE-SEP-OR2ZUMNTGDP73TRS
-A KUBE-SVC-ODX2UBAZM7RQWOIU -m comment --comment "default/hostnames:default -> 10.244.1.3:9376" -m statistic --mode random --probability 0.5000000000 -j KUBE-SEP-KQXJIRBK6P6QLVPN
-A KUBE-SVC-ODX2UBAZM7RQWOIU -m comment --comment "default/hostnames:default -> 10.244.1.4:9376" -j KUBE-SEP-ZIDLKAVZSENS4D6S
-A KUBE-SEP-OR2ZUMNTGDP73TRS -m comment --comment default/hostnames:default -s 10.244.1.2 -j KUBE-MARK-MASQ
-A KUBE-SEP-OR2ZUMNTGDP73TRS -m comment --comment default/hostnames:default -m tcp -p tcp -j DNAT --to-destination 10.244.1.2:9376
-A KUBE-SEP-KQXJIRBK6P6QLVPN -m comment --comment default/hostnames:default -s 10.244.1.3 -j KUBE-MARK-MASQ
-A KUBE-SEP-KQXJIRBK6P6QLVPN -m comment --comment default/hostnames:default -m tcp -p tcp -j DNAT --to-destination 10.244.1.3:9376
-A KUBE-SEP-ZIDLKAVZSENS4D6S -m comment --comment default/hostnames:default -s 10.244.1.4 -j KUBE-MARK-MASQ
-A KUBE-SEP-ZIDLKAVZSENS4D6S -m comment --comment default/hostnames:default -m tcp -p tcp -j DNAT --to-destination 10.244.1.4:9376
COMMIT
`,
  ],
  [
    'a NodePort service with ClientIP affinity: recent-match rules first, endpoints record the client',
    stickyNodePort,
    `${FILTER_HEAD}
${FORWARD}
COMMIT
${NAT_HEAD}
:KUBE-SVC-67NZLRHBNDSAWJRO - [0:0]
:KUBE-EXT-67NZLRHBNDSAWJRO - [0:0]
:KUBE-SEP-CXXRTNR2DI2TYC6R - [0:0]
:KUBE-SEP-QGGMYFB46YX5BMED - [0:0]
-A KUBE-SERVICES -m comment --comment "shop/web:http cluster IP" -m tcp -p tcp -d 10.96.0.80 --dport 80 -j KUBE-SVC-67NZLRHBNDSAWJRO
${NODEPORTS_LAST}
-A KUBE-NODEPORTS -m comment --comment shop/web:http -m tcp -p tcp --dport 30080 -j KUBE-EXT-67NZLRHBNDSAWJRO
${MASQ}
-A KUBE-SVC-67NZLRHBNDSAWJRO -m comment --comment "shop/web:http cluster IP" -m tcp -p tcp -d 10.96.0.80 --dport 80 ! -s 10.244.0.0/16 -j KUBE-MARK-MASQ
-A KUBE-SVC-67NZLRHBNDSAWJRO -m comment --comment "shop/web:http -> 10.244.2.5:8080" -m recent --name KUBE-SEP-CXXRTNR2DI2TYC6R --rcheck --seconds 600 --reap -j KUBE-SEP-CXXRTNR2DI2TYC6R
-A KUBE-SVC-67NZLRHBNDSAWJRO -m comment --comment "shop/web:http -> 10.244.3.7:8080" -m recent --name KUBE-SEP-QGGMYFB46YX5BMED --rcheck --seconds 600 --reap -j KUBE-SEP-QGGMYFB46YX5BMED
-A KUBE-SVC-67NZLRHBNDSAWJRO -m comment --comment "shop/web:http -> 10.244.2.5:8080" -m statistic --mode random --probability 0.5000000000 -j KUBE-SEP-CXXRTNR2DI2TYC6R
-A KUBE-SVC-67NZLRHBNDSAWJRO -m comment --comment "shop/web:http -> 10.244.3.7:8080" -j KUBE-SEP-QGGMYFB46YX5BMED
-A KUBE-EXT-67NZLRHBNDSAWJRO -m comment --comment "masquerade traffic for shop/web:http external destinations" -j KUBE-MARK-MASQ
-A KUBE-EXT-67NZLRHBNDSAWJRO -j KUBE-SVC-67NZLRHBNDSAWJRO
-A KUBE-SEP-CXXRTNR2DI2TYC6R -m comment --comment shop/web:http -s 10.244.2.5 -j KUBE-MARK-MASQ
-A KUBE-SEP-CXXRTNR2DI2TYC6R -m comment --comment shop/web:http -m recent --name KUBE-SEP-CXXRTNR2DI2TYC6R --set -m tcp -p tcp -j DNAT --to-destination 10.244.2.5:8080
-A KUBE-SEP-QGGMYFB46YX5BMED -m comment --comment shop/web:http -s 10.244.3.7 -j KUBE-MARK-MASQ
-A KUBE-SEP-QGGMYFB46YX5BMED -m comment --comment shop/web:http -m recent --name KUBE-SEP-QGGMYFB46YX5BMED --set -m tcp -p tcp -j DNAT --to-destination 10.244.3.7:8080
COMMIT
`,
  ],
  [
    'no endpoints rejects on ClusterIP and NodePort; UDP uses -m udp; headless and ExternalName are skipped',
    mixed,
    `${FILTER_HEAD}
-A KUBE-SERVICES -m comment --comment "shop/empty has no endpoints" -m tcp -p tcp -d 10.96.0.90 --dport 80 -j REJECT --reject-with icmp-port-unreachable
-A KUBE-EXTERNAL-SERVICES -m comment --comment "shop/empty has no endpoints" -m addrtype --dst-type LOCAL -m tcp -p tcp --dport 30090 -j REJECT --reject-with icmp-port-unreachable
${FORWARD}
COMMIT
${NAT_HEAD}
:KUBE-SVC-TCOU7JCQXEZGVUNU - [0:0]
:KUBE-SEP-NWYX6ZRA4HKJWFJ6 - [0:0]
-A KUBE-SERVICES -m comment --comment "kube-system/kube-dns:dns cluster IP" -m udp -p udp -d 10.96.0.10 --dport 53 -j KUBE-SVC-TCOU7JCQXEZGVUNU
${NODEPORTS_LAST}
${MASQ}
-A KUBE-SVC-TCOU7JCQXEZGVUNU -m comment --comment "kube-system/kube-dns:dns cluster IP" -m udp -p udp -d 10.96.0.10 --dport 53 ! -s 10.244.0.0/16 -j KUBE-MARK-MASQ
-A KUBE-SVC-TCOU7JCQXEZGVUNU -m comment --comment "kube-system/kube-dns:dns -> 10.244.1.9:53" -j KUBE-SEP-NWYX6ZRA4HKJWFJ6
-A KUBE-SEP-NWYX6ZRA4HKJWFJ6 -m comment --comment kube-system/kube-dns:dns -s 10.244.1.9 -j KUBE-MARK-MASQ
-A KUBE-SEP-NWYX6ZRA4HKJWFJ6 -m comment --comment kube-system/kube-dns:dns -m udp -p udp -j DNAT --to-destination 10.244.1.9:53
COMMIT
`,
  ],
];

describe('iptables service rules (golden)', () => {
  it.each(golden)('given %s, the restore input is exactly the golden text', (_name, input, expected) => {
    const rules = serviceRules(servicePorts(input.services, input.endpoints), CONFIG);
    expect(renderFull(rules)).toBe(expected);
  });
});

/** `n` services of `eps` endpoints each, service i at 10.96.(i/250).(i%250+1). */
function cluster(n: number, eps: number, moved = -1) {
  const services = Array.from({ length: n }, (_, i) => service('bench', `svc-${i}`, `10.96.${Math.floor(i / 250)}.${(i % 250) + 1}`, [{ name: 'http', port: 80 }]));
  const eps_ = services.map((_, i) => endpoints('bench', `svc-${i}`, Array.from({ length: eps }, (_, e) => `10.244.${i % 250}.${e + (i === moved ? 100 : 2)}`), [{ name: 'http', port: 8080 }]));
  return servicePorts(services, eps_);
}

describe("kube-proxy's large cluster mode", () => {
  it(`given more than ${LARGE_CLUSTER_ENDPOINTS} endpoints, per-endpoint rules carry no comment and service rules keep theirs`, () => {
    const nat = serviceRules(cluster(101, 10), CONFIG).tables.nat;
    const [svc, svcRules] = [...nat].find(([c]) => c.startsWith('KUBE-SVC-'))!;
    const sep = [...nat].find(([c]) => c.startsWith('KUBE-SEP-'))![1];
    expect(svcRules[0]).toContain('-m comment --comment "bench/svc-0:http cluster IP"');
    expect(svcRules[1]).toMatch(new RegExp(`^-A ${svc} -m statistic --mode random --probability 0.1000000000 -j KUBE-SEP-\\w+$`));
    expect(sep).toEqual([expect.stringMatching(/^-A KUBE-SEP-\w+ -s 10\.244\.0\.2 -j KUBE-MARK-MASQ$/), expect.stringMatching(/^-A KUBE-SEP-\w+ -m tcp -p tcp -j DNAT --to-destination 10\.244\.0\.2:8080$/)]);
    expect(nat.get('KUBE-SERVICES')![0]).toContain('"bench/svc-0:http cluster IP"');
  });

  it(`given exactly ${LARGE_CLUSTER_ENDPOINTS} endpoints, every rule keeps its comment`, () => {
    const sep = [...serviceRules(cluster(100, 10), CONFIG).tables.nat].find(([c]) => c.startsWith('KUBE-SEP-'))![1];
    expect(sep[0]).toContain('-m comment --comment bench/svc-0:http');
  });
});

describe('rules kept per service between generations', () => {
  it('given the same generator called again, its text is what serviceRules gives', () => {
    const generator = new IptablesServiceRules(CONFIG);
    generator.rules(servicePorts(hostnames.services, hostnames.endpoints));
    const ports = servicePorts([...hostnames.services, ...stickyNodePort.services, ...mixed.services], [...hostnames.endpoints, ...stickyNodePort.endpoints, ...mixed.endpoints]);
    expect(renderFull(generator.rules(ports))).toBe(renderFull(serviceRules(ports, CONFIG)));
  });

  it("given one service's endpoints changed, the other services' chains are the same arrays and only that service is rewritten", () => {
    const generator = new IptablesServiceRules(CONFIG);
    const before = generator.rules(cluster(3, 2));
    const after = generator.rules(cluster(3, 2, 1));
    const unchanged = [...after.tables.nat].filter(([c, rules]) => before.tables.nat.get(c) === rules).map(([c]) => c);
    expect(unchanged.filter((c) => c.startsWith('KUBE-SVC-'))).toHaveLength(2);
    const text = renderIncremental(before, after);
    expect(text.split('\n').filter((l) => l.startsWith(':'))).toHaveLength(1 + 2 + 2); // KUBE-SVC, two new KUBE-SEP, two stale KUBE-SEP
    expect(text).not.toContain('svc-0');
  });
});
