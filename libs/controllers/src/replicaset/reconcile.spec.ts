import { ControllerAction } from '../common/actions';
import { NOW, ago, pod, replicaSet } from '../common/test-fixtures';
import { reconcileReplicaSet } from './reconcile';

const types = (actions: ControllerAction[]) => actions.map((a) => a.type);
const deleted = (actions: ControllerAction[]) => actions.flatMap((a) => (a.type === 'deletePod' ? [a.key.name] : []));

describe('reconcileReplicaSet', () => {
  it('doesNothingWhenInSync', () => {
    // given 3 replicas, 3 ready owned pods and a status that says so
    const rs = replicaSet('web', 3);
    const pods = [pod('web-a'), pod('web-b'), pod('web-c')];
    // when / then
    expect(reconcileReplicaSet(rs, { pods }, NOW)).toEqual([]);
  });

  it('createsMissingPodsFromTheTemplateInSlowStartBatches', () => {
    const rs = replicaSet('web', 4, { status: { replicas: 0 } });
    const actions = reconcileReplicaSet(rs, { pods: [] }, NOW);
    const creates = actions.filter((a) => a.type === 'createPod');
    expect(creates.map((a) => (a.type === 'createPod' ? a.batch : -1))).toEqual([0, 1, 1, 2]);
    const created = creates[0].type === 'createPod' ? creates[0].pod : undefined;
    expect(created?.metadata).toMatchObject({
      generateName: 'web-',
      namespace: 'default',
      labels: { app: 'web' },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: 'uid-web', controller: true, blockOwnerDeletion: true }],
    });
    expect(created?.spec).toEqual({ containers: [{ name: 'web', image: 'nginx:1' }] });
  });

  it('createsAtMostTheBurstLimitPerSync', () => {
    const rs = replicaSet('web', 1200, { status: { replicas: 0 } });
    const creates = reconcileReplicaSet(rs, { pods: [] }, NOW).filter((a) => a.type === 'createPod');
    expect(creates).toHaveLength(500);
  });

  it('waitsForItsExpectationsBeforeCreatingMore', () => {
    const rs = replicaSet('web', 3, { status: { replicas: 0 } });
    expect(types(reconcileReplicaSet(rs, { pods: [], expectationsSatisfied: false }, NOW))).not.toContain('createPod');
  });

  it('adoptsMatchingOrphans', () => {
    const rs = replicaSet('web', 1);
    const actions = reconcileReplicaSet(rs, { pods: [pod('orphan', { owner: null })] }, NOW);
    expect(actions).toEqual([{ type: 'patchPod', key: { namespace: 'default', name: 'orphan', uid: 'uid-orphan' }, reason: 'adopt', patch: { metadata: { uid: 'uid-orphan', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: 'uid-web', controller: true, blockOwnerDeletion: true }] } } }]);
  });

  it('releasesOwnedPodsThatNoLongerMatchAndReplacesThem', () => {
    const rs = replicaSet('web', 1);
    const actions = reconcileReplicaSet(rs, { pods: [pod('relabeled', { labels: { app: 'debug' } })] }, NOW);
    expect(actions[0]).toEqual({ type: 'patchPod', key: { namespace: 'default', name: 'relabeled', uid: 'uid-relabeled' }, reason: 'release', patch: { metadata: { uid: 'uid-relabeled', ownerReferences: [{ $patch: 'delete', uid: 'uid-web' }] } } });
    expect(types(actions)).toEqual(['patchPod', 'createPod', 'updateStatus']);
  });

  it('notControlledByUs: leaves pods of another controller and terminating orphans alone', () => {
    const rs = replicaSet('web', 2);
    const pods = [pod('web-a'), pod('web-b'), pod('theirs', { owner: 'other' }), pod('dying-orphan', { owner: null, deleting: true })];
    expect(reconcileReplicaSet(rs, { pods }, NOW)).toEqual([]);
  });

  it('doesNotCountTerminatingOrFinishedPods', () => {
    const rs = replicaSet('web', 2);
    const pods = [pod('web-a'), pod('web-b', { deleting: true }), pod('web-c', { phase: 'Failed', ready: false })];
    expect(types(reconcileReplicaSet(rs, { pods }, NOW))).toEqual(['createPod', 'updateStatus']);
  });

  it('createsNothingWhileBeingDeleted', () => {
    const rs = replicaSet('web', 2, { deletionTimestamp: ago(1) });
    expect(types(reconcileReplicaSet(rs, { pods: [pod('web-a')] }, NOW))).toEqual(['updateStatus']);
  });

  it.each([
    ['an unscheduled pod before a scheduled one', pod('unscheduled', { node: '', phase: 'Pending', ready: false }), pod('keep')],
    ['a pending pod before a running one', pod('pending', { phase: 'Pending', ready: false }), pod('keep')],
    ['a not ready pod before a ready one', pod('not-ready', { ready: false }), pod('keep')],
    ['a lower deletion cost before a higher one', pod('cheap', { annotations: { 'controller.kubernetes.io/pod-deletion-cost': '-5' } }), pod('keep')],
    ['the more recently ready before the long ready', pod('fresh', { readySince: 5 }), pod('keep', { readySince: 5000 })],
    ['the most restarted before a stable one', pod('crashy', { restarts: 7 }), pod('keep')],
    ['the newest before the oldest', pod('young', { created: 5, readySince: 300 }), pod('keep', { created: 50000, readySince: 300 })],
  ])('deletes %s on scale-down', (_, victim, keeper) => {
    // given one replica too many; an extra pod on node-2 makes node-2 "doubled up"
    const rs = replicaSet('web', 2);
    const anchor = pod('anchor', { node: 'node-2' });
    const actions = reconcileReplicaSet(rs, { pods: [keeper, victim, anchor] }, NOW);
    expect(deleted(actions)).toEqual([victim.metadata.name]);
  });

  it('deletes a pod doubled up on a node with its siblings before a lone one', () => {
    // given a Deployment's two ReplicaSets; node-2 runs an old-revision pod too
    const owner = { uid: 'uid-d', name: 'd' };
    const rs = replicaSet('web', 1, { owner });
    const old = replicaSet('old', 1, { owner, labels: { app: 'old' } });
    const pods = [pod('lone', { node: 'node-3' }), pod('doubled', { node: 'node-2' }), pod('old-a', { node: 'node-2', owner: 'old', labels: { app: 'old' } })];
    expect(deleted(reconcileReplicaSet(rs, { pods, replicaSets: [rs, old] }, NOW))).toEqual(['doubled']);
    // an uncontrolled ReplicaSet ranks nothing: all else equal, the listed order stands
    expect(deleted(reconcileReplicaSet(replicaSet('web', 1), { pods }, NOW))).toEqual(['lone']);
  });

  it('statusCountsReadyAvailableAndFullyLabeledAndRequeuesForMinReadySeconds', () => {
    // given minReadySeconds 60: one pod ready for 300 s, one for 20 s, one not ready; one lacks a template label
    const rs = replicaSet('web', 3, { minReadySeconds: 60, generation: 4, labels: { app: 'web' }, status: { replicas: 3 } });
    rs.spec.template.metadata = { labels: { app: 'web', tier: 'front' } };
    const pods = [pod('a', { labels: { app: 'web', tier: 'front' } }), pod('b', { readySince: 20, labels: { app: 'web', tier: 'front' } }), pod('c', { ready: false })];
    const actions = reconcileReplicaSet(rs, { pods }, NOW);
    expect(actions).toEqual([
      { type: 'updateStatus', kind: 'ReplicaSet', key: { namespace: 'default', name: 'web', uid: 'uid-web' }, status: { replicas: 3, fullyLabeledReplicas: 2, readyReplicas: 2, availableReplicas: 1, observedGeneration: 4 } },
      // pod b becomes available 40 s (and one strict tick) from now
      { type: 'requeueAfter', seconds: 40.001 },
    ]);
  });

  it('reportsReplicaFailureFromTheLastFailedCreate', () => {
    const rs = replicaSet('web', 2, { status: { replicas: 1, fullyLabeledReplicas: 1, readyReplicas: 1, availableReplicas: 1, observedGeneration: 1 } });
    const actions = reconcileReplicaSet(rs, { pods: [pod('web-a')], expectationsSatisfied: false, manageReplicasError: { message: 'pods "web-" is forbidden: exceeded quota' } }, NOW);
    expect(actions).toEqual([
      { type: 'updateStatus', kind: 'ReplicaSet', key: { namespace: 'default', name: 'web', uid: 'uid-web' }, status: { replicas: 1, fullyLabeledReplicas: 1, readyReplicas: 1, availableReplicas: 1, observedGeneration: 1, conditions: [{ type: 'ReplicaFailure', status: 'True', lastTransitionTime: '2025-01-01T12:00:00Z', reason: 'FailedCreate', message: 'pods "web-" is forbidden: exceeded quota' }] } },
    ]);
  });
});
