export { reconcile as reconcileDaemonSet } from './reconcile';
export { nodeShouldRunDaemonPod, daemonTolerations, matchesNodeAffinity, tolerates, type Eligibility } from './eligibility';
export { newDaemonPod, nodeNameAffinity, targetNodeName, isPodUpdated } from './pod-template';
export { scaledValue, unavailableCount, surgeCount } from './rolling-update';
export { constructHistory } from './history';
export type { DaemonSet, DaemonSetSpec, DaemonSetStatus, DaemonSetObserved, DaemonSetAction, Node, Taint, Toleration, Pod as DaemonPod } from './types';
