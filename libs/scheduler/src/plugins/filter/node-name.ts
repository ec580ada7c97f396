import { success, unresolvable, type FilterPlugin } from '../../framework/types';

// NodeName: a pod that names its node (spec.nodeName) fits that node only.

export const ERR_REASON_NODE_NAME = "node(s) didn't match the requested node name";
const REJECTED = unresolvable(ERR_REASON_NODE_NAME);

export const NodeName = {
  name: 'NodeName',
  // most pods name no node: no per-node call for them (Kubernetes' PreFilter Skip)
  preFilter: (_ctx, pod) => (pod.nodeName === undefined ? { code: 'Skip' } : success),
  filter: (_ctx, pod, node) => (pod.nodeName === undefined || pod.nodeName === node.name ? success : REJECTED),
} satisfies FilterPlugin;
