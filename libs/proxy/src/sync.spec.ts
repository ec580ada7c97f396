import { CONFIG, hostnames } from './fixtures';
import { renderFull } from './iptables/restore';
import { serviceRules } from './iptables/services';
import { servicePorts } from './model';
import { withoutChainList } from './sync';

describe('full restores without iptables-nft chain list', () => {
  it('given a full restore text, each table starts with a -S that names no chain, and nothing else changes', () => {
    const text = renderFull(serviceRules(servicePorts(hostnames.services, hostnames.endpoints), CONFIG));
    const sent = withoutChainList(text);
    expect(sent.split('\n').filter((l, i, all) => all[i - 1]?.startsWith('*'))).toEqual(['-S', '-S']);
    expect(sent.replace(/^-S\n/gm, '')).toBe(text);
  });
});
