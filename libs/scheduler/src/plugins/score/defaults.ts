import type { ScorePlugin } from '../../framework/types';
import { NodeResourcesBalancedAllocation } from './balanced-allocation';
import { ImageLocality } from './image-locality';
import { InterPodAffinity } from './inter-pod-affinity';
import { NodeAffinity } from './node-affinity';
import { NodeResourcesFit } from './node-resources-fit';
import { PodTopologySpread } from './pod-topology-spread';
import { TaintToleration } from './taint-toleration';

/**
 * The score plugins of Kubernetes' default profile with its weights
 * (pkg/scheduler/apis/config/v1/default_plugins.go). Taints weigh most so that PreferNoSchedule
 * is honoured over resource spreading; affinity and spreading come next, user intent.
 */
export function defaultScorePlugins(): { plugin: ScorePlugin; weight: number }[] {
  return [
    { plugin: TaintToleration, weight: 3 },
    { plugin: NodeAffinity, weight: 2 },
    { plugin: NodeResourcesFit, weight: 1 },
    { plugin: PodTopologySpread, weight: 2 },
    { plugin: InterPodAffinity, weight: 2 },
    { plugin: NodeResourcesBalancedAllocation, weight: 1 },
    { plugin: ImageLocality, weight: 1 },
  ];
}
