import { CONFIG, endpoints, hostnames, service } from '../fixtures';
import { servicePorts } from '../model';
import { renderFull, renderIncremental, renderJumpCanary } from './restore';
import { serviceRules } from './services';

const rulesFor = (eps: string[]) =>
  serviceRules(servicePorts(hostnames.services, [endpoints('default', 'hostnames', eps, [{ name: 'default', port: 9376 }])]), CONFIG);

describe('iptables-restore input', () => {
  it('given nothing changed, the incremental sync writes nothing', () => {
    expect(renderIncremental(rulesFor(['10.244.1.2']), rulesFor(['10.244.1.2']))).toBe('');
  });

  it('given one endpoint added, only the service chain and the new endpoint chain are written', () => {
    const text = renderIncremental(rulesFor(['10.244.1.2']), rulesFor(['10.244.1.2', '10.244.1.3']));
    expect(text.split('\n').filter((l) => l.startsWith(':'))).toEqual([':KUBE-SVC-ODX2UBAZM7RQWOIU - [0:0]', ':KUBE-SEP-KQXJIRBK6P6QLVPN - [0:0]']);
    expect(text).not.toContain('*filter');
    expect(text).not.toContain('-A KUBE-SERVICES');
  });

  it('given an endpoint removed, its chain is flushed and deleted after the service chain is rewritten', () => {
    const lines = renderIncremental(rulesFor(['10.244.1.2', '10.244.1.3']), rulesFor(['10.244.1.2'])).split('\n');
    expect(lines).toContain(':KUBE-SEP-KQXJIRBK6P6QLVPN - [0:0]');
    expect(lines[lines.length - 3]).toBe('-X KUBE-SEP-KQXJIRBK6P6QLVPN');
    expect(lines.indexOf('-X KUBE-SEP-KQXJIRBK6P6QLVPN')).toBeGreaterThan(lines.findIndex((l) => l.startsWith('-A KUBE-SVC-ODX2UBAZM7RQWOIU')));
  });

  it('given the last endpoint gone, the service moves from nat to a filter REJECT and its chains are deleted', () => {
    const text = renderIncremental(rulesFor(['10.244.1.2']), rulesFor([]));
    expect(text).toContain('has no endpoints');
    expect(text).toContain('-X KUBE-SVC-ODX2UBAZM7RQWOIU');
    expect(text).toContain('-X KUBE-SEP-OR2ZUMNTGDP73TRS');
  });

  it('given stale chains and missing jumps, a full sync deletes the one and re-inserts the other', () => {
    const rules = rulesFor(['10.244.1.2']);
    const text = renderFull(rules, { staleChains: { nat: ['KUBE-SVC-GONEGONEGONEGONE'] }, missingJumps: rules.jumps.filter((j) => j.chain === 'PREROUTING') });
    expect(text).toContain('*nat\n:KUBE-SERVICES - [0:0]\n-I PREROUTING 1 -m comment --comment "kubernetes service portals" -j KUBE-SERVICES\n:KUBE-NODEPORTS - [0:0]\n');
    expect(text).toContain(':KUBE-SVC-GONEGONEGONEGONE - [0:0]\n-A KUBE-SERVICES');
    expect(text).toMatch(/-X KUBE-SVC-GONEGONEGONEGONE\nCOMMIT\n$/);
  });

  it('given listAll, each table lists itself once, after its jump rules and before the other chains are declared', () => {
    const rules = rulesFor(['10.244.1.2']);
    const text = renderFull(rules, { missingJumps: rules.jumps, listAll: true });
    const nat = text.slice(text.indexOf('*nat')).split('\n');
    expect(nat.slice(0, 7)).toEqual([
      '*nat', ':KUBE-SERVICES - [0:0]', ':KUBE-POSTROUTING - [0:0]',
      '-I PREROUTING 1 -m comment --comment "kubernetes service portals" -j KUBE-SERVICES',
      '-I OUTPUT 1 -m comment --comment "kubernetes service portals" -j KUBE-SERVICES',
      '-I POSTROUTING 1 -m comment --comment "kubernetes postrouting rules" -j KUBE-POSTROUTING',
      '-S',
    ]);
    expect(text.split('\n').filter((l) => l === '-S')).toHaveLength(2);
    expect(text.replace(/^-S\n/gm, '')).toBe(renderFull(rules, { missingJumps: rules.jumps }));
  });

  it('given a second service, a full sync declares both services in name order', () => {
    const two = serviceRules(servicePorts([...hostnames.services, service('a', 'first', '10.96.0.2', [{ port: 1 }])], [...hostnames.endpoints, endpoints('a', 'first', ['10.244.9.9'], [{ port: 1 }])]), CONFIG);
    const services = renderFull(two).split('\n').filter((l) => l.startsWith('-A KUBE-SERVICES') && l.includes('cluster IP'));
    expect(services.map((l) => l.match(/"(\S+) cluster IP"/)?.[1])).toEqual(['a/first', 'default/hostnames:default']);
  });
});

describe('jump rules in built-in chains', () => {
  const base = rulesFor(['10.244.1.2']);
  const withPolicyJump = { ...base, jumps: [...base.jumps, { table: 'filter' as const, chain: 'FORWARD', rule: '-j KEELSON-NETPOL' }] };

  it('given a jump that appeared, the incremental sync inserts it', () => {
    expect(renderIncremental(base, withPolicyJump)).toBe('*filter\n-I FORWARD 1 -j KEELSON-NETPOL\nCOMMIT\n');
  });

  it('given a jump that went away, the incremental sync deletes it', () => {
    expect(renderIncremental(withPolicyJump, base)).toBe('*filter\n-D FORWARD -j KEELSON-NETPOL\nCOMMIT\n');
  });
});

describe('the drift canary', () => {
  it('given our jumps, each is deleted before it is put back first, so a missing one fails the transaction', () => {
    const jumps = rulesFor(['10.244.1.2']).jumps.filter((j) => j.chain === 'PREROUTING' || (j.table === 'filter' && j.chain === 'INPUT'));
    expect(renderJumpCanary(jumps)).toBe(`*filter
-D INPUT -m conntrack --ctstate NEW -m comment --comment "kubernetes externally-visible service portals" -j KUBE-EXTERNAL-SERVICES
-I INPUT 1 -m conntrack --ctstate NEW -m comment --comment "kubernetes externally-visible service portals" -j KUBE-EXTERNAL-SERVICES
COMMIT
*nat
-D PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
-I PREROUTING 1 -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
COMMIT
`);
  });

  it('given no jumps, there is nothing to check', () => {
    expect(renderJumpCanary([])).toBe('');
  });
});
