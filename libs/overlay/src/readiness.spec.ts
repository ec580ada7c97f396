import { networkUnavailableCondition, networkUnavailableTaints, overlayReadiness, TAINT_NETWORK_UNAVAILABLE } from './readiness';
import { EMPTY_PEER_STATE, type Peer, type PeerState } from './peers';
import type { VtepState } from './vxlan';

const VTEP: VtepState = { mac: '0e:00:00:00:00:01', up: true, mtu: 1450, vni: 1, local: '172.31.0.1', port: 8472, learning: false, addresses: ['10.244.1.0/32'] };
const B: Peer = { name: 'b', podCIDR: '10.244.2.0/24', nodeAddress: '172.31.0.2', vtepMac: '0e:00:00:00:00:02' };
const PROGRAMMED_B: PeerState = { routes: [{ dst: '10.244.2.0/24', via: '10.244.2.0', onlink: true }], neighbours: [{ ip: '10.244.2.0', mac: '0e:00:00:00:00:02', permanent: true }], fdb: [{ mac: '0e:00:00:00:00:02', dst: '172.31.0.2' }] };

describe('overlayReadiness', () => {
  it.each<[string, VtepState | undefined, string | undefined, PeerState, Peer[], boolean]>([
    ['VTEP up and every peer programmed', VTEP, '10.244.1.0/24', PROGRAMMED_B, [B], true],
    ['VTEP up and no peers yet (a single node)', VTEP, '10.244.1.0/24', EMPTY_PEER_STATE, [], true],
    ['a stale entry of a departed node still there', VTEP, '10.244.1.0/24', PROGRAMMED_B, [], true],
    ['no podCIDR', VTEP, undefined, PROGRAMMED_B, [B], false],
    ['no VTEP', undefined, '10.244.1.0/24', PROGRAMMED_B, [B], false],
    ['the VTEP down', { ...VTEP, up: false }, '10.244.1.0/24', PROGRAMMED_B, [B], false],
    ['the VTEP without its address', { ...VTEP, addresses: [] }, '10.244.1.0/24', PROGRAMMED_B, [B], false],
    ['a known peer not programmed', VTEP, '10.244.1.0/24', EMPTY_PEER_STATE, [B], false],
  ])('given %s then ready is %s', (_, vtep, podCIDR, state, peers, ready) => {
    const r = overlayReadiness(vtep, podCIDR, state, peers);
    expect(r.ready).toBe(ready);
    expect(r.reason === undefined).toBe(ready);
  });
});

describe('NetworkUnavailable condition and taint', () => {
  const t0 = new Date('2026-11-26T10:00:00.123Z');
  const t1 = new Date('2026-11-26T10:00:30Z');

  it('given ready then the condition is False with flannel reason; lastTransitionTime stays while the status does', () => {
    const first = networkUnavailableCondition({ ready: true }, t0);
    expect(first).toMatchObject({ type: 'NetworkUnavailable', status: 'False', reason: 'FlannelIsUp', lastTransitionTime: '2026-11-26T10:00:00Z' });
    expect(networkUnavailableCondition({ ready: true }, t1, first)).toMatchObject({ lastTransitionTime: '2026-11-26T10:00:00Z', lastHeartbeatTime: '2026-11-26T10:00:30Z' });
    expect(networkUnavailableCondition({ ready: false, reason: 'flannel.1 is down' }, t1, first)).toMatchObject({ status: 'True', lastTransitionTime: '2026-11-26T10:00:30Z', message: expect.stringContaining('flannel.1 is down') });
  });

  it('given not ready and no taint then the taint is added, other taints kept', () => {
    expect(networkUnavailableTaints([{ key: 'x', effect: 'NoExecute' }], false)).toEqual([{ key: 'x', effect: 'NoExecute' }, { key: TAINT_NETWORK_UNAVAILABLE, effect: 'NoSchedule' }]);
  });

  it('given ready and the taint then only it is removed', () => {
    expect(networkUnavailableTaints([{ key: TAINT_NETWORK_UNAVAILABLE, effect: 'NoSchedule' }, { key: 'x', effect: 'NoSchedule' }], true)).toEqual([{ key: 'x', effect: 'NoSchedule' }]);
  });

  it.each([[true, []], [false, [{ key: TAINT_NETWORK_UNAVAILABLE, effect: 'NoSchedule' as const }]]])('given ready=%s and taints already right then there is nothing to do', (ready, taints) => {
    expect(networkUnavailableTaints(taints, ready)).toBeUndefined();
  });
});
