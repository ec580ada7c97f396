import { masqueradeInPlace, masqueradeRestoreInput, masqueradeRules } from './masquerade';

describe('masquerade rules', () => {
  it('given the cluster CIDR then pod-to-pod returns unmasqueraded and pod-to-outside is masqueraded, multicast excepted', () => {
    expect(masqueradeRules('10.244.0.0/16').map((r) => r.join(' '))).toEqual([
      '-s 10.244.0.0/16 -d 10.244.0.0/16 -m comment --comment flanneld masq -j RETURN',
      '-s 10.244.0.0/16 ! -d 224.0.0.0/4 -m comment --comment flanneld masq -j MASQUERADE --random-fully',
    ]);
  });

  it('given the restore input then it declares (so flushes) only our chain and commits once', () => {
    expect(masqueradeRestoreInput()).toBe(
      [
        '*nat',
        ':FLANNEL-POSTRTG - [0:0]',
        '-A FLANNEL-POSTRTG -s 10.244.0.0/16 -d 10.244.0.0/16 -m comment --comment "flanneld masq" -j RETURN',
        '-A FLANNEL-POSTRTG -s 10.244.0.0/16 ! -d 224.0.0.0/4 -m comment --comment "flanneld masq" -j MASQUERADE --random-fully',
        'COMMIT',
        '',
      ].join('\n'),
    );
  });

  // What `iptables-save -t nat` (v1.8.9, nf_tables) printed in a lab node namespace.
  const saved = [
    '*nat',
    ':PREROUTING ACCEPT [0:0]',
    ':POSTROUTING ACCEPT [0:0]',
    ':FLANNEL-POSTRTG - [0:0]',
    '-A POSTROUTING -m comment --comment "flanneld masq" -j FLANNEL-POSTRTG',
    '-A FLANNEL-POSTRTG -s 10.244.0.0/16 -d 10.244.0.0/16 -m comment --comment "flanneld masq" -j RETURN',
    '-A FLANNEL-POSTRTG -s 10.244.0.0/16 ! -d 224.0.0.0/4 -m comment --comment "flanneld masq" -j MASQUERADE --random-fully',
    'COMMIT',
  ];

  it('given the nat table as installed then chain and jump are in place (a pass writes nothing)', () => {
    expect(masqueradeInPlace(saved.join('\n'))).toEqual({ chain: true, jump: true });
  });

  it('given a rule changed, one missing, or an extra one then the chain is not in place', () => {
    expect(masqueradeInPlace(saved.map((l) => l.replace('--random-fully', '')).join('\n')).chain).toBe(false);
    expect(masqueradeInPlace(saved.filter((l) => !l.includes('RETURN')).join('\n')).chain).toBe(false);
    expect(masqueradeInPlace([...saved, '-A FLANNEL-POSTRTG -j ACCEPT'].join('\n')).chain).toBe(false);
  });

  it('given the jump deleted by hand, or an empty table, then what is missing is reported', () => {
    expect(masqueradeInPlace(saved.filter((l) => !l.startsWith('-A POSTROUTING')).join('\n'))).toEqual({ chain: true, jump: false });
    expect(masqueradeInPlace('')).toEqual({ chain: false, jump: false });
  });
});
