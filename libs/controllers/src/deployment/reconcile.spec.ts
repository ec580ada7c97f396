import { ControllerAction } from '../common/actions';
import { ago, deployment, NOW, pod, replicaSet } from '../common/test-fixtures';
import { Deployment, DeploymentStatus, ReplicaSet } from '../common/types';
import { reconcileDeployment } from './reconcile';
import { podTemplateHash, templateWithHash } from './template';

/** The ReplicaSet the controller would have made for `d`'s current template, at `revision`. */
function rsFor(d: Deployment, replicas: number, o: { revision: number; available?: number; created?: number; maxReplicas?: number; desired?: number }): ReplicaSet {
  const hash = podTemplateHash(d.spec.template);
  const template = templateWithHash(d.spec.template, hash);
  const rs = replicaSet(`${d.metadata.name}-${hash}`, replicas, {
    owner: { uid: d.metadata.uid as string, name: d.metadata.name as string },
    labels: template.metadata?.labels,
    template,
    created: o.created ?? 3600,
    annotations: { 'deployment.kubernetes.io/revision': String(o.revision), 'deployment.kubernetes.io/desired-replicas': String(o.desired ?? d.spec.replicas), 'deployment.kubernetes.io/max-replicas': String(o.maxReplicas ?? (d.spec.replicas ?? 1) + 1) },
    status: { replicas, readyReplicas: o.available ?? replicas, availableReplicas: o.available ?? replicas, fullyLabeledReplicas: replicas, observedGeneration: 1 },
  });
  return rs;
}

const completeStatus = (n: number): DeploymentStatus => ({
  observedGeneration: 1,
  replicas: n,
  updatedReplicas: n,
  readyReplicas: n,
  availableReplicas: n,
  conditions: [
    { type: 'Available', status: 'True', lastUpdateTime: ago(3000), lastTransitionTime: ago(3000), reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.' },
    { type: 'Progressing', status: 'True', lastUpdateTime: ago(3000), lastTransitionTime: ago(3500), reason: 'NewReplicaSetAvailable', message: 'ReplicaSet "web-x" has successfully progressed.' },
  ],
});

const of = <T extends ControllerAction['type']>(actions: ControllerAction[], type: T) => actions.filter((a): a is Extract<ControllerAction, { type: T }> => a.type === type);
const statusOf = (actions: ControllerAction[]) => of(actions, 'updateStatus')[0]?.status as DeploymentStatus | undefined;
const progressing = (actions: ControllerAction[]) => statusOf(actions)?.conditions?.find((c) => c.type === 'Progressing');
const scaledTo = (actions: ControllerAction[]) => Object.fromEntries(of(actions, 'updateReplicaSet').map((a) => [a.replicaSet.metadata.name, a.replicaSet.spec.replicas]));

const web = (replicas: number, extra: Parameters<typeof deployment>[2] = {}) => deployment('web', replicas, { annotations: { 'deployment.kubernetes.io/revision': '1' }, status: completeStatus(replicas), ...extra });

describe('reconcileDeployment', () => {
  it('doesNothingWhenInSync', () => {
    const d = web(2);
    expect(reconcileDeployment(d, { replicaSets: [rsFor(d, 2, { revision: 1 })], pods: [] }, NOW)).toEqual([]);
  });

  it('createsReplicaSetForNewTemplate', () => {
    // given a fresh Deployment of 2 replicas (25 %/25 %: surge 1) and no ReplicaSet
    const d = deployment('web', 2);
    const actions = reconcileDeployment(d, { replicaSets: [], pods: [] }, NOW);
    const [create] = of(actions, 'createReplicaSet');
    const hash = podTemplateHash(d.spec.template);
    expect(hash).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]+$/);
    expect(create.replicaSet.metadata).toEqual({
      name: `web-${hash}`,
      namespace: 'default',
      labels: { app: 'web', 'pod-template-hash': hash },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: 'uid-web', controller: true, blockOwnerDeletion: true }],
      annotations: { 'deployment.kubernetes.io/revision': '1', 'deployment.kubernetes.io/desired-replicas': '2', 'deployment.kubernetes.io/max-replicas': '3' },
    });
    expect(create.replicaSet.spec).toMatchObject({ replicas: 2, selector: { matchLabels: { app: 'web', 'pod-template-hash': hash } }, template: { metadata: { labels: { app: 'web', 'pod-template-hash': hash } } } });
    expect(of(actions, 'updateDeployment')[0].deployment.metadata.annotations).toEqual({ 'deployment.kubernetes.io/revision': '1' });
    expect(statusOf(actions)?.conditions).toEqual([
      { type: 'Progressing', status: 'True', lastUpdateTime: '2025-01-01T12:00:00Z', lastTransitionTime: '2025-01-01T12:00:00Z', reason: 'NewReplicaSetCreated', message: `Created new replica set "web-${hash}"` },
      { type: 'Available', status: 'False', lastUpdateTime: '2025-01-01T12:00:00Z', lastTransitionTime: '2025-01-01T12:00:00Z', reason: 'MinimumReplicasUnavailable', message: 'Deployment does not have minimum availability.' },
    ]);
    // and it comes back when the deadline would pass unnoticed
    expect(actions[actions.length - 1]).toEqual({ type: 'requeueAfter', seconds: 601 });
  });

  it('notControlledByUs: leaves a matching ReplicaSet of another controller alone', () => {
    const d = web(2);
    const theirs = replicaSet('theirs', 3, { owner: { uid: 'uid-other', name: 'other' }, labels: { app: 'web' } });
    const actions = reconcileDeployment(d, { replicaSets: [rsFor(d, 2, { revision: 1 }), theirs], pods: [] }, NOW);
    expect(actions).toEqual([]);
  });

  it('adoptsAMatchingOrphanReplicaSet', () => {
    const d = web(2);
    const orphan = rsFor(d, 2, { revision: 1 });
    orphan.metadata.ownerReferences = [];
    const [adopt] = reconcileDeployment(d, { replicaSets: [orphan], pods: [] }, NOW);
    expect(adopt).toMatchObject({ type: 'patchReplicaSet', reason: 'adopt', patch: { metadata: { uid: orphan.metadata.uid, ownerReferences: [{ kind: 'Deployment', uid: 'uid-web', controller: true }] } } });
  });

  it('startsARollingUpdateWithOneSurgePodWhileTheOldKeepServing', () => {
    // given `kubectl set image`: the template changed, the old ReplicaSet still runs 2
    const before = web(2);
    const old = rsFor(before, 2, { revision: 1 });
    const d = web(2, { image: 'nginx:2', generation: 2 });
    const actions = reconcileDeployment(d, { replicaSets: [old], pods: [] }, NOW);
    const [create] = of(actions, 'createReplicaSet');
    expect(create.replicaSet.spec.replicas).toBe(1); // 2 + surge 1 = 3 pods at most
    expect(create.replicaSet.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('2');
    expect(of(actions, 'updateReplicaSet')).toEqual([]); // maxUnavailable 0: no old pod goes yet
    expect(of(actions, 'updateDeployment')[0].deployment.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('2');
  });

  it('scalesDownTheOldOnceNewPodsAreAvailable', () => {
    const before = web(2);
    const d = web(2, { image: 'nginx:2', generation: 2, annotations: { 'deployment.kubernetes.io/revision': '2' } });
    const actions = reconcileDeployment(d, { replicaSets: [rsFor(before, 2, { revision: 1 }), rsFor(d, 1, { revision: 2, created: 60 })], pods: [] }, NOW);
    expect(scaledTo(actions)).toEqual({ [rsFor(before, 2, { revision: 1 }).metadata.name as string]: 1 });
    expect(progressing(actions)).toMatchObject({ status: 'True', reason: 'ReplicaSetUpdated' });
  });

  it('stopsTheRolloutWhileNewPodsAreNotReadyAndReportsTheDeadline', () => {
    // given a broken image: the new ReplicaSet's pod never becomes available, last progress 601 s ago
    const before = web(2);
    const d = web(2, { image: 'broken', generation: 2, annotations: { 'deployment.kubernetes.io/revision': '2' } });
    const newRS = rsFor(d, 1, { revision: 2, available: 0, created: 700 });
    d.status = { observedGeneration: 2, replicas: 3, updatedReplicas: 1, readyReplicas: 2, availableReplicas: 2, unavailableReplicas: 1, conditions: [completeStatus(2).conditions![0], { type: 'Progressing', status: 'True', lastUpdateTime: ago(601), lastTransitionTime: ago(3500), reason: 'ReplicaSetUpdated', message: `ReplicaSet "${newRS.metadata.name}" is progressing.` }] };
    const actions = reconcileDeployment(d, { replicaSets: [rsFor(before, 2, { revision: 1 }), newRS], pods: [] }, NOW);
    expect(scaledTo(actions)).toEqual({});
    expect(progressing(actions)).toEqual({ type: 'Progressing', status: 'False', lastUpdateTime: '2025-01-01T12:00:00Z', lastTransitionTime: '2025-01-01T12:00:00Z', reason: 'ProgressDeadlineExceeded', message: `ReplicaSet "${newRS.metadata.name}" has timed out progressing.` });
    // and once reported, nothing more to do
    const after = { ...d, status: statusOf(actions) };
    expect(reconcileDeployment(after, { replicaSets: [rsFor(before, 2, { revision: 1 }), newRS], pods: [] }, NOW)).toEqual([]);
  });

  it('reportsTheRolloutCompleteWhenAllUpdatedReplicasAreAvailable', () => {
    const before = web(2);
    const d = web(2, { image: 'nginx:2', generation: 2, annotations: { 'deployment.kubernetes.io/revision': '2' } });
    d.status = { ...completeStatus(2), replicas: 3, updatedReplicas: 2, availableReplicas: 3, readyReplicas: 3 };
    d.status.conditions![1] = { ...d.status.conditions![1], reason: 'ReplicaSetUpdated' };
    const oldRS = rsFor(before, 0, { revision: 1 });
    oldRS.status = { replicas: 0, observedGeneration: 1 };
    const actions = reconcileDeployment(d, { replicaSets: [oldRS, rsFor(d, 2, { revision: 2, created: 60 })], pods: [] }, NOW);
    expect(progressing(actions)).toMatchObject({ status: 'True', reason: 'NewReplicaSetAvailable', message: `ReplicaSet "${rsFor(d, 2, { revision: 2 }).metadata.name}" has successfully progressed.` });
    expect(statusOf(actions)).toMatchObject({ observedGeneration: 2, replicas: 2, updatedReplicas: 2, availableReplicas: 2 });
  });

  it('scalesProportionallyWhilePaused (Kubernetes worked example: 10 → 15 with old 8, new 5)', () => {
    const before = web(10);
    const d = web(15, { image: 'nginx:2', paused: true, generation: 3, annotations: { 'deployment.kubernetes.io/revision': '2' }, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 3, maxUnavailable: 2 } } });
    const oldRS = rsFor(before, 8, { revision: 1, desired: 10, maxReplicas: 13 });
    const newRS = rsFor(d, 5, { revision: 2, desired: 10, maxReplicas: 13, available: 0, created: 60 });
    const actions = reconcileDeployment(d, { replicaSets: [oldRS, newRS], pods: [] }, NOW);
    expect(scaledTo(actions)).toEqual({ [oldRS.metadata.name as string]: 11, [newRS.metadata.name as string]: 7 });
    expect(of(actions, 'updateReplicaSet')[0].replicaSet.metadata.annotations).toMatchObject({ 'deployment.kubernetes.io/desired-replicas': '15', 'deployment.kubernetes.io/max-replicas': '18' });
    expect(progressing(actions)).toMatchObject({ status: 'Unknown', reason: 'DeploymentPaused', message: 'Deployment is paused' });
  });

  it('makesNoNewReplicaSetWhilePaused', () => {
    const before = web(2);
    const d = web(2, { image: 'nginx:2', paused: true });
    const types = reconcileDeployment(d, { replicaSets: [rsFor(before, 2, { revision: 1 })], pods: [] }, NOW).map((a) => a.type);
    expect(types).not.toContain('createReplicaSet');
  });

  it('deletesOldRevisionsBeyondRevisionHistoryLimit', () => {
    const d = web(2, { revisionHistoryLimit: 1, annotations: { 'deployment.kubernetes.io/revision': '4' } });
    const olds = [1, 2, 3].map((r) => {
      const rs = rsFor(web(2, { image: `nginx:0.${r}` }), 0, { revision: r, created: 9000 - r });
      rs.status = { replicas: 0, observedGeneration: 1 };
      return rs;
    });
    const actions = reconcileDeployment(d, { replicaSets: [...olds, rsFor(d, 2, { revision: 4, created: 60 })], pods: [] }, NOW);
    expect(of(actions, 'deleteReplicaSet').map((a) => a.key.name)).toEqual([olds[0].metadata.name, olds[1].metadata.name]);
  });

  it('rollsBackByReusingTheOldReplicaSetAtTheNextRevision', () => {
    // given `kubectl rollout undo`: the template is revision 1's again, revision 2 is current
    const d = web(2, { annotations: { 'deployment.kubernetes.io/revision': '2' } });
    const broken = rsFor(web(2, { image: 'broken' }), 1, { revision: 2, available: 0, created: 60 });
    const good = rsFor(d, 2, { revision: 1 });
    const actions = reconcileDeployment(d, { replicaSets: [good, broken], pods: [] }, NOW);
    const update = of(actions, 'updateReplicaSet').find((a) => a.key.name === good.metadata.name);
    expect(update?.replicaSet.metadata.annotations).toMatchObject({ 'deployment.kubernetes.io/revision': '3', 'deployment.kubernetes.io/revision-history': '1' });
    expect(of(actions, 'updateDeployment')[0].deployment.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('3');
    // the broken pods are unavailable, so they are cleaned up first
    expect(scaledTo(actions)[broken.metadata.name as string]).toBe(0);
  });

  it('countsAHashCollisionAndRequeues', () => {
    const d = deployment('web', 2);
    const squatter = replicaSet(`web-${podTemplateHash(d.spec.template)}`, 1, { labels: { app: 'other' } });
    const actions = reconcileDeployment(d, { replicaSets: [squatter], pods: [] }, NOW);
    expect(of(actions, 'createReplicaSet')).toEqual([]);
    expect(statusOf(actions)?.collisionCount).toBe(1);
    expect(actions[actions.length - 1]).toEqual({ type: 'requeueAfter', seconds: 0 });
    expect(podTemplateHash(d.spec.template, 1)).not.toBe(podTemplateHash(d.spec.template));
  });

  describe('Recreate', () => {
    const recreate = (image: string) => web(2, { image, strategy: { type: 'Recreate' }, annotations: { 'deployment.kubernetes.io/revision': '1' } });
    const oldD = recreate('nginx:1');
    const d = recreate('nginx:2');

    it('scalesTheOldToZeroFirstAndCreatesNothing', () => {
      const actions = reconcileDeployment(d, { replicaSets: [rsFor(oldD, 2, { revision: 1, maxReplicas: 2 })], pods: [] }, NOW);
      expect(scaledTo(actions)).toEqual({ [rsFor(oldD, 2, { revision: 1 }).metadata.name as string]: 0 });
      expect(of(actions, 'createReplicaSet')).toEqual([]);
    });

    it('waitsWhileOldPodsAreStillRunning', () => {
      const old = rsFor(oldD, 0, { revision: 1, maxReplicas: 2 });
      old.status = { replicas: 0, observedGeneration: 1 };
      const lingering = pod('old-pod', { owner: old.metadata.name as string, labels: { app: 'web' } });
      lingering.metadata.ownerReferences![0].uid = old.metadata.uid as string;
      expect(of(reconcileDeployment(d, { replicaSets: [old], pods: [lingering] }, NOW), 'createReplicaSet')).toEqual([]);
      lingering.status!.phase = 'Succeeded';
      const [create] = of(reconcileDeployment(d, { replicaSets: [old], pods: [lingering] }, NOW), 'createReplicaSet');
      expect(create.replicaSet.spec.replicas).toBe(2);
    });
  });
});
