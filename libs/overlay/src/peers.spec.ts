import { EMPTY_PEER_STATE, parseFdb, parseNeighbours, parseRoutes, peerActionCommand, peerActions, programmablePeers, vtepAddress, type Peer, type PeerState } from './peers';

const B: Peer = { name: 'b', podCIDR: '10.244.2.0/24', nodeAddress: '172.31.0.2', vtepMac: '0E:00:00:00:00:02' };
const C: Peer = { name: 'c', podCIDR: '10.244.3.0/24', nodeAddress: '172.31.0.3', vtepMac: '0e:00:00:00:00:03' };

/** The kernel's entries for these peers, exactly as peerActions would leave them. */
function programmed(...peers: Peer[]): PeerState {
  return {
    routes: peers.map((p) => ({ dst: p.podCIDR, via: vtepAddress(p.podCIDR), onlink: true })),
    neighbours: peers.map((p) => ({ ip: vtepAddress(p.podCIDR), mac: p.vtepMac.toLowerCase(), permanent: true })),
    fdb: peers.map((p) => ({ mac: p.vtepMac.toLowerCase(), dst: p.nodeAddress })),
  };
}

describe('peerActions', () => {
  it('given the kernel already matches the peers then there is nothing to do', () => {
    expect(peerActions(programmed(B, C), [B, C])).toEqual([]);
  });

  it('given a new peer then its FDB, neighbour and route entries are added in that order', () => {
    expect(peerActions(programmed(B), [B, C])).toEqual([
      { op: 'replaceFdb', mac: '0e:00:00:00:00:03', dst: '172.31.0.3' },
      { op: 'replaceNeigh', ip: '10.244.3.0', mac: '0e:00:00:00:00:03' },
      { op: 'replaceRoute', dst: '10.244.3.0/24', via: '10.244.3.0' },
    ]);
  });

  it('given a peer that is gone then its route, neighbour and FDB entries are deleted', () => {
    expect(peerActions(programmed(B, C), [B])).toEqual([
      { op: 'deleteRoute', dst: '10.244.3.0/24' },
      { op: 'deleteNeigh', ip: '10.244.3.0' },
      { op: 'deleteFdb', mac: '0e:00:00:00:00:03', dst: '172.31.0.3' },
    ]);
  });

  it('given a peer whose node moved to a new address then only its FDB entry is rewritten', () => {
    expect(peerActions(programmed(B), [{ ...B, nodeAddress: '172.31.0.9' }])).toEqual([
      { op: 'deleteFdb', mac: '0e:00:00:00:00:02', dst: '172.31.0.2' },
      { op: 'replaceFdb', mac: '0e:00:00:00:00:02', dst: '172.31.0.9' },
    ]);
  });

  it('given a peer whose VTEP MAC changed then the old FDB entry goes and the neighbour is rewritten', () => {
    const moved = { ...B, vtepMac: '0e:00:00:00:00:22' };
    expect(peerActions(programmed(B), [moved])).toEqual([
      { op: 'deleteFdb', mac: '0e:00:00:00:00:02', dst: '172.31.0.2' },
      { op: 'replaceFdb', mac: '0e:00:00:00:00:22', dst: '172.31.0.2' },
      { op: 'replaceNeigh', ip: '10.244.2.0', mac: '0e:00:00:00:00:22' },
    ]);
  });

  it.each<[string, Partial<PeerState>]>([
    ['a route without onlink', { routes: [{ dst: '10.244.2.0/24', via: '10.244.2.0', onlink: false }] }],
    ['a route via the wrong gateway', { routes: [{ dst: '10.244.2.0/24', via: '10.244.2.1', onlink: true }] }],
  ])('given %s then the route is replaced', (_, change) => {
    expect(peerActions({ ...programmed(B), ...change }, [B])).toEqual([{ op: 'replaceRoute', dst: '10.244.2.0/24', via: '10.244.2.0' }]);
  });

  it('given a neighbour entry that is not permanent then it is replaced by a permanent one', () => {
    const state = { ...programmed(B), neighbours: [{ ip: '10.244.2.0', mac: '0e:00:00:00:00:02', permanent: false }] };
    expect(peerActions(state, [B])).toEqual([{ op: 'replaceNeigh', ip: '10.244.2.0', mac: '0e:00:00:00:00:02' }]);
  });

  it('given a MAC with two FDB destinations then both go and the right one is written once', () => {
    const state = { ...programmed(B), fdb: [{ mac: '0e:00:00:00:00:02', dst: '172.31.0.2' }, { mac: '0e:00:00:00:00:02', dst: '172.31.0.7' }] };
    expect(peerActions(state, [B]).map((a) => a.op)).toEqual(['deleteFdb', 'deleteFdb', 'replaceFdb']);
  });

  it('given an empty kernel and no peers then there is nothing to do', () => {
    expect(peerActions(EMPTY_PEER_STATE, [])).toEqual([]);
  });
});

describe('programmablePeers', () => {
  it('given self, incomplete and clashing nodes then only the complete others are programmed', () => {
    const self = { name: 'a', podCIDR: '10.244.1.0/24' };
    const peers = [
      { name: 'a', podCIDR: '10.244.1.0/24', nodeAddress: '172.31.0.1', vtepMac: '0e:00:00:00:00:01' },
      B,
      { name: 'no-mac', podCIDR: '10.244.4.0/24', nodeAddress: '172.31.0.4' },
      { name: 'no-cidr', nodeAddress: '172.31.0.5', vtepMac: '0e:00:00:00:00:05' },
      { name: 'same-cidr', podCIDR: '10.244.1.0/24', nodeAddress: '172.31.0.6', vtepMac: '0e:00:00:00:00:06' },
    ];
    expect(programmablePeers(self, peers)).toEqual([B]);
  });
});

describe('peerActionCommand', () => {
  it.each([
    [{ op: 'replaceRoute', dst: '10.244.2.0/24', via: '10.244.2.0' } as const, 'ip route replace 10.244.2.0/24 via 10.244.2.0 dev flannel.1 onlink'],
    [{ op: 'replaceNeigh', ip: '10.244.2.0', mac: '0e:00:00:00:00:02' } as const, 'ip neigh replace 10.244.2.0 lladdr 0e:00:00:00:00:02 dev flannel.1 nud permanent'],
    [{ op: 'replaceFdb', mac: '0e:00:00:00:00:02', dst: '172.31.0.2' } as const, 'bridge fdb replace 0e:00:00:00:00:02 dev flannel.1 dst 172.31.0.2'],
    [{ op: 'deleteRoute', dst: '10.244.2.0/24' } as const, 'ip route del 10.244.2.0/24 dev flannel.1'],
    [{ op: 'deleteNeigh', ip: '10.244.2.0' } as const, 'ip neigh del 10.244.2.0 dev flannel.1'],
    [{ op: 'deleteFdb', mac: '0e:00:00:00:00:02', dst: '172.31.0.2' } as const, 'bridge fdb del 0e:00:00:00:00:02 dev flannel.1 dst 172.31.0.2'],
  ])('given %o then the command is `%s`', (action, line) => {
    const [file, args] = peerActionCommand(action);
    expect([file, ...args].join(' ')).toBe(line);
  });
});

describe('parsing iproute2 JSON (as iproute2 6.1 prints it)', () => {
  it('given routes on flannel.1 then kernel and IPv6 routes are left out', () => {
    const json = '[{"dst":"10.244.6.0/24","gateway":"10.244.6.0","flags":["onlink"]},{"type":"local","dst":"10.244.5.0","table":"local","protocol":"kernel","scope":"host","prefsrc":"10.244.5.0","flags":[]},{"dst":"fe80::/64","protocol":"kernel","metric":256,"flags":[],"pref":"medium"}]';
    expect(parseRoutes(json)).toEqual([{ dst: '10.244.6.0/24', via: '10.244.6.0', onlink: true }]);
  });

  it('given neighbours then MACs are lower-cased and PERMANENT is recognised', () => {
    expect(parseNeighbours('[{"dst":"10.244.6.0","lladdr":"0E:AA:BB:CC:DD:EE","state":["PERMANENT"]},{"dst":"10.244.7.0","state":["FAILED"]}]')).toEqual([
      { ip: '10.244.6.0', mac: '0e:aa:bb:cc:dd:ee', permanent: true },
      { ip: '10.244.7.0', permanent: false },
    ]);
  });

  it('given FDB entries then only remote ones (with a dst) are ours', () => {
    expect(parseFdb('[{"mac":"0e:aa:bb:cc:dd:ee","dst":"172.30.9.2","flags":["self"],"state":"permanent"},{"mac":"33:33:00:00:00:01","flags":["self"],"state":"permanent"}]')).toEqual([{ mac: '0e:aa:bb:cc:dd:ee', dst: '172.30.9.2' }]);
  });

  it('given empty output then there are no entries', () => {
    expect(parseRoutes('')).toEqual([]);
    expect(parseNeighbours('[]\n')).toEqual([]);
  });
});
