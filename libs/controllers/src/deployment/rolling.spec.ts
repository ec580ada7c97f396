import { deployment, NOW, replicaSet } from '../common/test-fixtures';
import { IntOrString } from '../common/types';
import { SyncContext } from './context';
import { reconcileNewReplicaSet, reconcileOldReplicaSets } from './rolling';

const owner = { uid: 'uid-web', name: 'web' };

function given(depReplicas: number, maxSurge: IntOrString, maxUnavailable: IntOrString, old: { replicas: number; available: number }, fresh: { replicas: number; available: number }) {
  const d = deployment('web', depReplicas, { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge, maxUnavailable } } });
  const oldRS = replicaSet('web-old', old.replicas, { owner, created: 7200, status: { replicas: old.replicas, availableReplicas: old.available, readyReplicas: old.available } });
  const newRS = replicaSet('web-new', fresh.replicas, { owner, created: 60, status: { replicas: fresh.replicas, availableReplicas: fresh.available, readyReplicas: fresh.available } });
  const ctx = new SyncContext(d, [oldRS, newRS], [oldRS, newRS], new Map(), NOW);
  const replicasOf = (name: string) => ctx.rsList.find((rs) => rs.metadata.name === name)?.spec.replicas;
  return { ctx, oldRS, newRS, replicasOf };
}

describe('reconcileNewReplicaSet (Kubernetes TestReconcileNewReplicaSet)', () => {
  it.each([
    [10, 0, 10, 0, false, 0],
    [10, 2, 10, 0, true, 2],
    [10, 2, 5, 0, true, 7],
    [10, 2, 10, 2, false, 2],
    [2, 2, 2, 4, true, 2],
  ])('deployment %d, maxSurge %d, old %d, new %d → scaled %p to %d', (dep, surge, old, fresh, scaleExpected, expected) => {
    const { ctx, newRS, replicasOf } = given(dep, surge, 0, { replicas: old, available: old }, { replicas: fresh, available: fresh });
    expect(reconcileNewReplicaSet(ctx, newRS)).toBe(scaleExpected);
    expect(replicasOf('web-new')).toBe(expected);
  });

  it('scales up with 25 % surge of 4 replicas by one pod', () => {
    const { ctx, newRS, replicasOf } = given(4, '25%', '25%', { replicas: 4, available: 4 }, { replicas: 0, available: 0 });
    reconcileNewReplicaSet(ctx, newRS);
    expect(replicasOf('web-new')).toBe(1);
    expect(ctx.actions.map((a) => (a.type === 'recordEvent' ? a.message : a.type))).toEqual(['updateReplicaSet', 'Scaled up replica set web-new from 0 to 1']);
  });
});

describe('reconcileOldReplicaSets (Kubernetes TestReconcileOldReplicaSets)', () => {
  it.each([
    ['scales down by the resolved maxUnavailable of 1', 10, 0, 10, 0, 10, 0, true, 9],
    ['scales down by maxUnavailable', 10, 2, 10, 0, 10, 0, true, 8],
    ['cleans up unhealthy old replicas first', 10, 2, 10, 0, 8, 0, true, 8],
    ['cleans up one unhealthy and scales down one ready', 10, 2, 10, 0, 9, 0, true, 8],
    ['does not let unavailable new pods eat into the old', 10, 2, 8, 2, 8, 0, false, 8],
  ])('%s', (_, dep, maxUnavailable, old, fresh, oldReady, newReady, scaleExpected, expectedOld) => {
    const { ctx, oldRS, newRS, replicasOf } = given(dep, 0, maxUnavailable, { replicas: old, available: oldReady }, { replicas: fresh, available: newReady });
    expect(reconcileOldReplicaSets(ctx, [oldRS], newRS)).toBe(scaleExpected);
    expect(replicasOf('web-old')).toBe(expectedOld);
  });
});
