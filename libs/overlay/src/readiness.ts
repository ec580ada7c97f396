// When a node's overlay is ready, and what the Node then says about it. Ready = flannel.1 is up
// with this node's VTEP address, and every peer known so far has its route, neighbour and FDB
// entry. (Leftover entries of departed nodes do not make it unready; the next sync removes them.)
//
// How the agent should publish it: the NetworkUnavailable condition, as flanneld does on clouds
// (`False`, reason `FlannelIsUp`). Keelson's node lifecycle controller (libs/controllers
// nodelifecycle) owns the `node.kubernetes.io/network-unavailable:NoSchedule` taint and derives
// it from that condition — it would take away a taint the agent added while the condition does
// not say `True`. `networkUnavailableTaints` is there for a setup without that controller.
import { peerActions, vtepAddress, type Peer, type PeerState } from './peers';
import type { VtepState } from './vxlan';

export const TAINT_NETWORK_UNAVAILABLE = 'node.kubernetes.io/network-unavailable';

export interface OverlayReadiness {
  readonly ready: boolean;
  /** Why not, for the condition's message and the agent's log. */
  readonly reason?: string;
}

export function overlayReadiness(vtep: VtepState | undefined, podCIDR: string | undefined, current: PeerState, peers: readonly Peer[]): OverlayReadiness {
  if (!podCIDR) return { ready: false, reason: 'the node has no podCIDR yet' };
  if (!vtep) return { ready: false, reason: 'flannel.1 does not exist' };
  if (!vtep.up) return { ready: false, reason: 'flannel.1 is down' };
  if (!vtep.addresses.includes(`${vtepAddress(podCIDR)}/32`)) return { ready: false, reason: `flannel.1 lacks ${vtepAddress(podCIDR)}/32` };
  const missing = peerActions(current, peers).filter((a) => !a.op.startsWith('delete'));
  if (missing.length) return { ready: false, reason: `${missing.length} peer entries not programmed yet` };
  return { ready: true };
}

export interface NodeCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
  lastHeartbeatTime?: string;
  lastTransitionTime?: string;
}

/**
 * The NetworkUnavailable condition for this readiness. lastTransitionTime moves only when the
 * status changes; `previous` is the condition the Node carries now.
 */
export function networkUnavailableCondition(readiness: OverlayReadiness, now: Date, previous?: NodeCondition): NodeCondition {
  const status = readiness.ready ? 'False' : 'True';
  const at = now.toISOString().replace(/\.\d{3}Z$/, 'Z');
  return {
    type: 'NetworkUnavailable',
    status,
    reason: readiness.ready ? 'FlannelIsUp' : 'FlannelIsDown',
    message: readiness.ready ? 'Flannel is running on this node' : `Flannel is not ready on this node: ${readiness.reason}`,
    lastHeartbeatTime: at,
    lastTransitionTime: previous?.status === status && previous.lastTransitionTime ? previous.lastTransitionTime : at,
  };
}

export interface Taint {
  key: string;
  value?: string;
  effect: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
  timeAdded?: string;
}

/** The node's taints with network-unavailable:NoSchedule present until ready; undefined if unchanged. */
export function networkUnavailableTaints(taints: readonly Taint[] | undefined, ready: boolean): Taint[] | undefined {
  const current = taints ?? [];
  const isOurs = (t: Taint) => t.key === TAINT_NETWORK_UNAVAILABLE && t.effect === 'NoSchedule';
  const has = current.some(isOurs);
  if (ready && has) return current.filter((t) => !isOurs(t));
  if (!ready && !has) return [...current, { key: TAINT_NETWORK_UNAVAILABLE, effect: 'NoSchedule' }];
  return undefined;
}
