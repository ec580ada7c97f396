import { masqueradeRestoreInput, masqueradeRules } from './masquerade';

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
});
