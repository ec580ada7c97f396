import type { KubeObject } from '@keelson/apimachinery';
import { overlayAnnotations, parseOverlayAnnotations } from './annotations';
import { nodeNetworkUpdates } from './node-network-status';
import { TAINT_NETWORK_UNAVAILABLE } from './readiness';

const NOW = new Date('2026-11-26T12:00:00Z');
const VTEP = { vtepMac: '0E:5C:00:00:00:0B', publicIP: '172.31.0.11' };
const TAINT = { key: TAINT_NETWORK_UNAVAILABLE, effect: 'NoSchedule' as const };
const FOREIGN = { key: 'dedicated', value: 'gpu', effect: 'NoSchedule' as const };
const node = (o: { annotations?: Record<string, string>; taints?: object[]; networkUnavailable?: ['True' | 'False', string] } = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name: 'keelson-node-11', ...(o.annotations ? { annotations: o.annotations } : {}) },
  spec: { podCIDR: '10.244.3.0/24', ...(o.taints ? { taints: o.taints } : {}) },
  status: { conditions: o.networkUnavailable ? [{ type: 'NetworkUnavailable', status: o.networkUnavailable[0], reason: o.networkUnavailable[1], lastTransitionTime: '2026-11-26T11:00:00Z' }] : [] },
});

describe('what the overlay agent writes on its Node', () => {
  it('nothing to do: annotations current, NetworkUnavailable False, no taint', () => {
    expect(nodeNetworkUpdates(node({ annotations: overlayAnnotations(VTEP), networkUnavailable: ['False', 'FlannelIsUp'] }), VTEP, { ready: true }, NOW)).toEqual({});
  });

  it('given a freshly registered node whose overlay came up, then it publishes its VTEP, says FlannelIsUp and drops only the network taint', () => {
    const updates = nodeNetworkUpdates(node({ taints: [FOREIGN, TAINT], networkUnavailable: ['True', 'FlannelIsDown'] }), VTEP, { ready: true }, NOW);
    expect(parseOverlayAnnotations(updates.annotations)).toEqual({ vtepMac: '0e:5c:00:00:00:0b', publicIP: '172.31.0.11', vni: 1 });
    expect(updates.condition).toMatchObject({ type: 'NetworkUnavailable', status: 'False', reason: 'FlannelIsUp', lastTransitionTime: '2026-11-26T12:00:00Z' });
    expect(updates.taints).toEqual([FOREIGN]);
  });

  it('given the overlay broken on a node that was up, then the condition turns True and the taint comes back', () => {
    const updates = nodeNetworkUpdates(node({ annotations: overlayAnnotations(VTEP), networkUnavailable: ['False', 'FlannelIsUp'] }), VTEP, { ready: false, reason: 'flannel.1 does not exist' }, NOW);
    expect(updates.condition).toMatchObject({ status: 'True', reason: 'FlannelIsDown', message: expect.stringContaining('flannel.1 does not exist') });
    expect(updates.taints).toEqual([TAINT]);
    expect(updates.annotations).toBeUndefined();
  });

  it('given a VTEP whose MAC changed, then only the annotations are rewritten', () => {
    const updates = nodeNetworkUpdates(node({ annotations: overlayAnnotations({ ...VTEP, vtepMac: '0e:00:00:00:00:01' }), networkUnavailable: ['False', 'FlannelIsUp'] }), VTEP, { ready: true }, NOW);
    expect(Object.keys(updates)).toEqual(['annotations']);
  });
});
