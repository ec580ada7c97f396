import { success, unresolvable, type FilterPlugin } from '../../framework/types';
import { findUntoleratedTaint, tolerationsOf } from './tolerations';

// TaintToleration: every NoSchedule/NoExecute taint on the node must be tolerated. The reason
// names the first untolerated taint the way Kubernetes 1.32 formats it, "{%s: %s}" of key and
// value — so a taint without a value prints as "{node-role.kubernetes.io/control-plane: }".

export const untoleratedTaintReason = (key: string, value = ''): string => `node(s) had untolerated taint {${key}: ${value}}`;

export const TaintToleration = {
  name: 'TaintToleration',
  filter(_ctx, pod, node) {
    const taint = findUntoleratedTaint(node.taints, tolerationsOf(pod.pod));
    return taint ? unresolvable(untoleratedTaintReason(taint.key, taint.value)) : success;
  },
} satisfies FilterPlugin;
