import type { KubeObject } from '@keelson/apimachinery';
import { hpaV1ToV2, hpaV2ToV1 } from './hpa-v1';

const metadata = { name: 'web', namespace: 'default' };

describe('autoscaling/v1 ↔ v2 HorizontalPodAutoscaler', () => {
  it('turns what kubectl autoscale writes (v1) into a v2 CPU utilization metric', () => {
    const v1 = { apiVersion: 'autoscaling/v1', kind: 'HorizontalPodAutoscaler', metadata, spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, minReplicas: 1, maxReplicas: 3, targetCPUUtilizationPercentage: 50 } } as KubeObject;
    expect(hpaV1ToV2(v1)).toEqual({
      apiVersion: 'autoscaling/v1',
      kind: 'HorizontalPodAutoscaler',
      metadata,
      spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, minReplicas: 1, maxReplicas: 3, metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } }] },
    });
  });

  it('shows a v2 object in v1 with the CPU figures, keeping the rest in annotations so a round trip loses nothing', () => {
    const memory = { type: 'Resource', resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '100Mi' } } };
    const v2 = {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata,
      spec: { scaleTargetRef: { kind: 'Deployment', name: 'web' }, maxReplicas: 3, metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } }, memory], behavior: { scaleDown: { stabilizationWindowSeconds: 15 } } },
      status: { currentReplicas: 2, desiredReplicas: 3, currentMetrics: [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 96, averageValue: '48m' } } }], conditions: [{ type: 'AbleToScale', status: 'True', reason: 'SucceededRescale', message: 'm' }] },
    } as unknown as KubeObject;
    const v1 = hpaV2ToV1(v2) as any;
    expect(v1.spec).toEqual({ scaleTargetRef: { kind: 'Deployment', name: 'web' }, maxReplicas: 3, targetCPUUtilizationPercentage: 50 });
    expect(v1.status).toEqual({ currentReplicas: 2, desiredReplicas: 3, currentCPUUtilizationPercentage: 96 });
    expect(Object.keys(v1.metadata.annotations).sort()).toEqual(['autoscaling.alpha.kubernetes.io/behavior', 'autoscaling.alpha.kubernetes.io/conditions', 'autoscaling.alpha.kubernetes.io/metrics']);
    const back = hpaV1ToV2(v1) as any;
    expect(back.spec).toEqual(v2.spec);
    expect(back.metadata).toEqual(metadata);
    expect(back.status.conditions).toEqual((v2 as any).status.conditions);
  });
});
