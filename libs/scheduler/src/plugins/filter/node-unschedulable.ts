import { success, unresolvable, type FilterPlugin, type Taint } from '../../framework/types';
import { tolerationsOf, tolerationsTolerate } from './tolerations';

// NodeUnschedulable: a cordoned node (spec.unschedulable) takes only pods that tolerate the
// taint the node lifecycle controller puts on it, node.kubernetes.io/unschedulable:NoSchedule
// (DaemonSet pods get that toleration by default).

export const ERR_REASON_UNSCHEDULABLE = 'node(s) were unschedulable';
const REJECTED = unresolvable(ERR_REASON_UNSCHEDULABLE);

const UNSCHEDULABLE_TAINT: Taint = { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' };

export const NodeUnschedulable = {
  name: 'NodeUnschedulable',
  byNodeClass: true,
  filter: (_ctx, pod, node) => (!node.unschedulable || tolerationsTolerate(pod.tolerations ?? tolerationsOf(pod.pod), UNSCHEDULABLE_TAINT) ? success : REJECTED),
} satisfies FilterPlugin;
