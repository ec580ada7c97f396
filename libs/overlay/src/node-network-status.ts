// What the agent writes on its own Node after a sync of the overlay, as flanneld does: its VTEP
// annotations (so the other nodes can program it as a peer), the NetworkUnavailable condition
// (False, FlannelIsUp, once ready) and, with it, the network-unavailable:NoSchedule taint gone.
// Pure: each part is present only when the Node does not already say it, so a sync that finds
// nothing new writes nothing.
import type { KubeObject } from '@keelson/apimachinery';
import { overlayAnnotations, overlayAnnotationsCurrent, type OverlayAnnotations } from './annotations';
import { networkUnavailableCondition, networkUnavailableTaints, type NodeCondition, type OverlayReadiness, type Taint } from './readiness';

export interface NodeNetworkUpdates {
  /** Merge patch of metadata.annotations. */
  readonly annotations?: Record<string, string>;
  /** Strategic merge patch of status.conditions (merged by type). */
  readonly condition?: NodeCondition;
  /** The whole of spec.taints, conditional on the Node's resourceVersion. */
  readonly taints?: Taint[];
}

type NetworkNode = KubeObject & { spec?: { taints?: Taint[] }; status?: { conditions?: NodeCondition[] } };

export function nodeNetworkUpdates(node: NetworkNode, vtep: OverlayAnnotations, readiness: OverlayReadiness, now: Date): NodeNetworkUpdates {
  const previous = node.status?.conditions?.find((c) => c.type === 'NetworkUnavailable');
  const condition = networkUnavailableCondition(readiness, now, previous);
  // Only a change of status (or of reason) is written: the heartbeat time alone is not news.
  const conditionChanged = previous?.status !== condition.status || previous.reason !== condition.reason;
  const taints = networkUnavailableTaints(node.spec?.taints, readiness.ready);
  return {
    ...(overlayAnnotationsCurrent(node.metadata.annotations, vtep) ? {} : { annotations: overlayAnnotations(vtep) }),
    ...(conditionChanged ? { condition } : {}),
    ...(taints ? { taints } : {}),
  };
}
