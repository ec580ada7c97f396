export { defaultScorePlugins } from './defaults';
export { nodeResourcesFit, NodeResourcesFit, type NodeResourcesFitArgs, type ScoringStrategyType } from './node-resources-fit';
export { nodeResourcesBalancedAllocation, NodeResourcesBalancedAllocation } from './balanced-allocation';
export { NodeAffinity } from './node-affinity';
export { interPodAffinity, InterPodAffinity, type InterPodAffinityArgs } from './inter-pod-affinity';
export { TaintToleration } from './taint-toleration';
export { PodTopologySpread } from './pod-topology-spread';
export { ImageLocality } from './image-locality';
export { defaultNormalizeScore, minMaxNormalize } from './normalize';
export {
  leastRequestedScore,
  mostRequestedScore,
  balancedResourceScore,
  requestedToCapacityRatioScore,
  DEFAULT_MILLI_CPU_REQUEST,
  DEFAULT_MEMORY_REQUEST,
  type ResourceSpec,
  type UtilizationShapePoint,
} from './resource-allocation';
