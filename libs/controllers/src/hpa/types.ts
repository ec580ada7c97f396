// autoscaling/v2 HorizontalPodAutoscaler, the fields this controller reads and writes.
import type { KubeObject } from '@keelson/apimachinery';
import type { ConditionStatus } from '../common/types';

export type ScalingPolicyType = 'Pods' | 'Percent';
export type SelectPolicy = 'Max' | 'Min' | 'Disabled';

export interface ScalingPolicy {
  type: ScalingPolicyType;
  value: number;
  periodSeconds: number;
}

export interface ScalingRules {
  stabilizationWindowSeconds?: number;
  selectPolicy?: SelectPolicy;
  policies?: ScalingPolicy[];
}

export interface Behavior {
  scaleUp?: ScalingRules;
  scaleDown?: ScalingRules;
}

export interface MetricTarget {
  type: 'Utilization' | 'AverageValue' | 'Value';
  averageUtilization?: number;
  averageValue?: string | number;
  value?: string | number;
}

export interface MetricSpec {
  type: 'Resource' | 'ContainerResource' | 'Pods' | 'Object' | 'External';
  resource?: { name: string; target: MetricTarget };
}

export interface MetricStatus {
  type: 'Resource';
  resource: { name: string; current: { averageUtilization?: number; averageValue: string } };
}

export interface HpaCondition {
  type: 'AbleToScale' | 'ScalingActive' | 'ScalingLimited';
  status: ConditionStatus;
  lastTransitionTime?: string;
  reason: string;
  message: string;
}

export interface HpaStatus {
  observedGeneration?: number;
  lastScaleTime?: string;
  currentReplicas: number;
  desiredReplicas: number;
  currentMetrics?: MetricStatus[];
  conditions?: HpaCondition[];
}

export interface HorizontalPodAutoscaler extends KubeObject {
  spec: {
    scaleTargetRef: { apiVersion?: string; kind: string; name: string };
    minReplicas?: number;
    maxReplicas: number;
    metrics?: MetricSpec[];
    behavior?: Behavior;
  };
  status?: HpaStatus;
}

/** One pod's usage of one resource, from metrics.k8s.io, in milli-units (CPU millicores, memory milli-bytes as Kubernetes counts). */
export interface PodMetric {
  readonly milliValue: number;
  /** ms since the epoch */
  readonly timestamp: number;
  /** ms */
  readonly window: number;
}

/** A recommendation the controller made at a time: the stabilization window looks back over these. */
export interface TimestampedRecommendation {
  readonly recommendation: number;
  readonly timestamp: number;
}

/** A rescale the controller made: the scaling policies count the replicas changed in each period. */
export interface ScaleEvent {
  readonly replicaChange: number;
  readonly timestamp: number;
}
