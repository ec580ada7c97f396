import type { FilterPlugin } from '../../framework/types';
import { InterPodAffinity } from './inter-pod-affinity';
import { NodeAffinity } from './node-affinity';
import { NodeName } from './node-name';
import { NodePorts } from './node-ports';
import { NodeResourcesFit } from './node-resources-fit';
import { NodeUnschedulable } from './node-unschedulable';
import { PodTopologySpread } from './pod-topology-spread';
import { TaintToleration } from './taint-toleration';
import { VolumeBinding } from './volume-binding';

export { InterPodAffinity, NodeAffinity, NodeName, NodePorts, NodeResourcesFit, NodeUnschedulable, PodTopologySpread, TaintToleration, VolumeBinding };
export { fitsRequest, isScalarResourceName, type InsufficientResource } from './node-resources-fit';
export { matchesRequiredNodeAffinity, requiredNodeAffinityOf, nodeSelectorMatches, parseNodeSelector } from './node-selector';
export { toleratesTaint, tolerationsTolerate, findUntoleratedTaint, tolerationsOf } from './tolerations';
export { podAffinityOf, termMatches, type AffinityTerm, type PodAffinity } from './affinity-terms';
export { untoleratedTaintReason } from './taint-toleration';

/** The default profile's filters, in kube-scheduler's order (cheap and decisive first). */
export const FILTER_PLUGINS: readonly FilterPlugin[] = [
  NodeUnschedulable,
  NodeName,
  TaintToleration,
  NodeAffinity,
  NodePorts,
  NodeResourcesFit,
  VolumeBinding,
  PodTopologySpread,
  InterPodAffinity,
];
