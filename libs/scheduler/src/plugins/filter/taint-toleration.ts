import { success, unresolvable, type FilterPlugin, type Status, type Taint } from '../../framework/types';
import { numbersAt } from '../../framework/node-table';
import { findUntoleratedTaint, tolerationsOf } from './tolerations';

// TaintToleration: every NoSchedule/NoExecute taint on the node must be tolerated. The reason
// names the first untolerated taint the way Kubernetes 1.32 formats it, "{%s: %s}" of key and
// value — so a taint without a value prints as "{node-role.kubernetes.io/control-plane: }".

export const untoleratedTaintReason = (key: string, value = ''): string => `node(s) had untolerated taint {${key}: ${value}}`;

// One Status per taint object: nodes share no taint objects, but a node rejects pod after pod
// with the same taint, and the cycle keeps each rejection in its diagnosis.
const rejections = new WeakMap<Taint, Status>();

function rejection(taint: Taint): Status {
  let status = rejections.get(taint);
  if (!status) rejections.set(taint, (status = unresolvable(untoleratedTaintReason(taint.key, taint.value))));
  return status;
}

export const TaintToleration = {
  name: 'TaintToleration',
  byNodeClass: true,
  filter(ctx, pod, node, at?: number) {
    const taint = numbersAt(ctx.snapshot, node, at).doNotScheduleTaints === 0 ? undefined : findUntoleratedTaint(node.taints, pod.tolerations ?? tolerationsOf(pod.pod));
    return taint ? rejection(taint) : success;
  },
} satisfies FilterPlugin;
