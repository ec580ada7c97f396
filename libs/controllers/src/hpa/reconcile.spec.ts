import type { Pod } from '../common/types';
import { EMPTY_MEMORY, failedRescale, reconcileHpa, type HpaAction, type HpaObserved } from './reconcile';
import type { HorizontalPodAutoscaler, HpaStatus } from './types';

const NOW = new Date('2026-11-26T12:00:00Z');
const T = '2026-11-26T11:00:00Z';

function hpa(spec: Partial<HorizontalPodAutoscaler['spec']> = {}, status?: HpaStatus): HorizontalPodAutoscaler {
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name: 'web', namespace: 'default', uid: 'u1', generation: 1 },
    spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, minReplicas: 1, maxReplicas: 3, metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } }], ...spec },
    ...(status ? { status } : {}),
  };
}

const pod = (name: string): Pod =>
  ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', labels: { app: 'web' } },
    spec: { containers: [{ name: 'c', resources: { requests: { cpu: '50m' } } }] },
    status: { phase: 'Running', startTime: T, conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: T }] },
  }) as Pod;

function observed(replicas: number, usage: Record<string, number>, o: Partial<HpaObserved> = {}): HpaObserved {
  const metrics = new Map(Object.entries(usage).map(([k, v]) => [k, { milliValue: v, timestamp: NOW.getTime(), window: 5000 }]));
  return { scale: { replicas, selector: 'app=web' }, pods: Object.keys(usage).map(pod), metrics: () => metrics, memory: EMPTY_MEMORY, ...o };
}

const show = (actions: readonly HpaAction[]) => actions.map((a) => (a.type === 'scale' ? `scale ${a.replicas}` : a.type === 'recordEvent' ? `${a.eventType} ${a.reason}: ${a.message}` : 'updateStatus'));
const statusIn = (actions: readonly HpaAction[]) => actions.flatMap((a) => (a.type === 'updateStatus' ? [a.status] : []))[0];
const condition = (s: HpaStatus | undefined, type: string) => s?.conditions?.find((c) => c.type === type);

describe('HorizontalPodAutoscaler controller', () => {
  it('given a busy pod at 200 % of its request, when reconciled, then it scales to the maximum the rate allows and records why', () => {
    const d = reconcileHpa(hpa(), observed(1, { a: 100 }), NOW);
    expect(show(d.actions)).toEqual(['scale 3', 'updateStatus', 'Normal SuccessfulRescale: New size: 3; reason: cpu resource utilization (percentage of request) above target']);
    const s = statusIn(d.actions)!;
    expect(s).toMatchObject({ currentReplicas: 1, desiredReplicas: 3, lastScaleTime: '2026-11-26T12:00:00Z', currentMetrics: [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 200, averageValue: '100m' } } }] });
    expect(condition(s, 'AbleToScale')).toMatchObject({ status: 'True', reason: 'SucceededRescale' });
    expect(condition(s, 'ScalingActive')).toMatchObject({ status: 'True', reason: 'ValidMetricFound' });
    expect(condition(s, 'ScalingLimited')).toMatchObject({ status: 'True', reason: 'TooManyReplicas' });
    expect(d.memory.scaleUpEvents).toEqual([{ replicaChange: 2, timestamp: NOW.getTime() }]);
  });

  it('given usage at target and the status already saying so, when reconciled, then there is nothing to do', () => {
    const first = reconcileHpa(hpa(), observed(2, { a: 25, b: 25 }), NOW);
    const again = reconcileHpa(hpa({}, statusIn(first.actions)), { ...observed(2, { a: 25, b: 25 }), memory: first.memory }, new Date(NOW.getTime() + 15_000));
    expect(show(first.actions)).toEqual(['updateStatus']);
    expect(again.actions).toEqual([]);
  });

  it('given idle pods and a short scale-down window that has passed, when reconciled, then it scales down to the minimum', () => {
    const behavior = { scaleDown: { stabilizationWindowSeconds: 10 } };
    const memory = { ...EMPTY_MEMORY, recommendations: [{ recommendation: 3, timestamp: NOW.getTime() - 20_000 }] };
    const d = reconcileHpa(hpa({ behavior }), observed(3, { a: 0, b: 0, c: 0 }, { memory }), NOW);
    expect(show(d.actions)).toEqual(['scale 1', 'updateStatus', 'Normal SuccessfulRescale: New size: 1; reason: All metrics below target']);
    expect(d.memory.scaleDownEvents).toEqual([{ replicaChange: 2, timestamp: NOW.getTime() }]);
  });

  it('given idle pods without behavior, when reconciled, then the 5-minute scale-down window holds the size', () => {
    const memory = { ...EMPTY_MEMORY, recommendations: [{ recommendation: 3, timestamp: NOW.getTime() - 60_000 }] };
    const d = reconcileHpa(hpa(), observed(3, { a: 0, b: 0, c: 0 }, { memory }), NOW);
    expect(show(d.actions)).toEqual(['updateStatus']);
    expect(condition(statusIn(d.actions), 'AbleToScale')).toMatchObject({ status: 'True', reason: 'ScaleDownStabilized' });
  });

  it.each([
    ['above maxReplicas', 5, 3, 'Current number of replicas above Spec.MaxReplicas'],
    ['below minReplicas', 1, 2, 'Current number of replicas below Spec.MinReplicas'],
  ])('given the target %s, when reconciled, then it is brought into range without asking the metrics', (_n, replicas, expected, reason) => {
    const d = reconcileHpa(hpa({ minReplicas: 2 }), observed(replicas, {}, { metrics: () => ({ error: 'not asked' }) }), NOW);
    expect(show(d.actions)).toEqual([`scale ${expected}`, 'updateStatus', `Normal SuccessfulRescale: New size: ${expected}; reason: ${reason}`]);
  });

  it('given the target scaled to zero by hand, when reconciled, then autoscaling is off', () => {
    const d = reconcileHpa(hpa(), observed(0, {}), NOW);
    expect(show(d.actions)).toEqual(['updateStatus']);
    expect(condition(statusIn(d.actions), 'ScalingActive')).toMatchObject({ status: 'False', reason: 'ScalingDisabled' });
  });

  it('given metrics.k8s.io has no figures, when reconciled, then it keeps the size, warns and says ScalingActive=False', () => {
    const d = reconcileHpa(hpa(), observed(2, {}, { pods: [pod('a'), pod('b')] }), NOW);
    expect(show(d.actions)).toEqual(['updateStatus', 'Warning FailedGetResourceMetric: failed to get cpu utilization: did not receive metrics for targeted pods (pods might be unready)']);
    expect(statusIn(d.actions)).toMatchObject({ currentReplicas: 2, desiredReplicas: 2 });
    expect(condition(statusIn(d.actions), 'ScalingActive')).toMatchObject({ status: 'False', reason: 'FailedGetResourceMetric' });
  });

  it('given the scale subresource cannot be read, when reconciled, then AbleToScale=False FailedGetScale', () => {
    const d = reconcileHpa(hpa(), observed(1, {}, { scale: { error: 'deployments.apps "web" not found' } }), NOW);
    expect(show(d.actions)).toEqual(['updateStatus', `Warning FailedGetScale: the HPA controller was unable to get the target's current scale: deployments.apps "web" not found`]);
    expect(condition(statusIn(d.actions), 'AbleToScale')).toMatchObject({ status: 'False', reason: 'FailedGetScale' });
  });

  it('an unchanged condition keeps its lastTransitionTime', () => {
    const first = statusIn(reconcileHpa(hpa(), observed(2, { a: 25, b: 25 }), NOW).actions)!;
    const later = statusIn(reconcileHpa(hpa({}, first), observed(2, { a: 26, b: 26 }), new Date(NOW.getTime() + 60_000)).actions)!;
    expect(condition(later, 'ScalingActive')?.lastTransitionTime).toBe('2026-11-26T12:00:00Z');
  });

  it('a failed scale write keeps the size and says AbleToScale=False FailedUpdateScale', () => {
    const h = hpa();
    const status = statusIn(reconcileHpa(h, observed(1, { a: 100 }), NOW).actions)!;
    const failed = failedRescale(h, status, 'conflict', NOW);
    expect(failed.status).toMatchObject({ currentReplicas: 1, desiredReplicas: 1 });
    expect(condition(failed.status, 'AbleToScale')).toMatchObject({ status: 'False', reason: 'FailedUpdateScale' });
    expect(show([failed.event])).toEqual(['Warning FailedRescale: New size: 3; error: conflict']);
  });
});
