import { reconcile } from './reconcile';
import { ofType, ready, T0, web, withPhase, World } from './testing';

describe('StatefulSet reconcile: topology', () => {
  it('does nothing when every pod exists, is ready and at the update revision and status is current', () => {
    const world = new World(web());
    for (let i = 0; i < 4; i++) {
      world.sync();
      world.allReady();
    }
    expect(reconcile(world.set, world.observed, T0)).toEqual([]);
  });

  it('given a new OrderedReady set, when synced, then it snapshots the template and creates only web-0, its claim first', () => {
    const actions = new World(web()).sync();
    expect(actions.map((a) => a.type)).toEqual(['createControllerRevision', 'createPvc', 'createPod', 'updateStatus']);
    expect(ofType(actions, 'createPvc')[0].claim.metadata.name).toBe('www-web-0');
    expect(ofType(actions, 'createPod')[0].pod.metadata.name).toBe('web-0');
  });

  it('gives each pod its stable network identity and its own claim', () => {
    const [{ pod }] = ofType(new World(web()).sync(), 'createPod');
    const revision = ofType(reconcile(web(), { pods: [], claims: [], revisions: [] }, T0), 'createControllerRevision')[0].revision;
    expect(pod.spec).toMatchObject({ hostname: 'web-0', subdomain: 'nginx', volumes: [{ name: 'www', persistentVolumeClaim: { claimName: 'www-web-0' } }] });
    expect(pod.metadata.labels).toEqual({
      app: 'nginx',
      'statefulset.kubernetes.io/pod-name': 'web-0',
      'apps.kubernetes.io/pod-index': '0',
      'controller-revision-hash': revision.metadata.name,
    });
    expect(pod.metadata.ownerReferences).toEqual([{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'web', uid: 'web-uid', controller: true, blockOwnerDeletion: true }]);
  });

  it.each([
    ['Pending', (w: World) => w.pods.set('web-0', withPhase(w.pods.get('web-0')!, 'Pending')), false],
    ['Running but not Ready', (w: World) => w.pods.set('web-0', withPhase(w.pods.get('web-0')!, 'Running')), false],
    ['Running and Ready', (w: World) => w.markReady('web-0'), true],
  ])('given web-0 is %s, when synced, then web-1 is created only once web-0 is ready', (_state, given, createsWeb1) => {
    const world = new World(web());
    world.sync();
    given(world);
    const created = ofType(world.sync(), 'createPod').map((a) => a.pod.metadata.name);
    expect(created).toEqual(createsWeb1 ? ['web-1'] : []);
  });

  it('given Parallel pod management, when synced, then all pods are created at once', () => {
    const created = ofType(new World(web({ podManagementPolicy: 'Parallel', replicas: 3 })).sync(), 'createPod').map((a) => a.pod.metadata.name);
    expect(created).toEqual(['web-0', 'web-1', 'web-2']);
  });

  it('given spec.ordinals.start 5, then pods are numbered from 5', () => {
    const created = ofType(new World(web({ podManagementPolicy: 'Parallel', ordinals: { start: 5 } })).sync(), 'createPod').map((a) => a.pod.metadata.name);
    expect(created).toEqual(['web-5', 'web-6']);
  });

  it('given a failed pod, when synced, then it is deleted, and the next sync recreates it under the same name', () => {
    const world = new World(web({ replicas: 1 }));
    world.sync();
    world.pods.set('web-0', withPhase(world.pods.get('web-0')!, 'Failed'));
    expect(ofType(world.sync(), 'deletePod')).toEqual([{ type: 'deletePod', name: 'web-0', reason: 'Failed' }]);
    expect(ofType(world.sync(), 'createPod').map((a) => a.pod.metadata.name)).toEqual(['web-0']);
  });

  it('given a terminating pod, when synced in order, then nothing else happens until it is gone', () => {
    const world = new World(web());
    world.sync();
    world.markReady('web-0');
    world.pods.set('web-0', { ...world.pods.get('web-0')!, metadata: { ...world.pods.get('web-0')!.metadata, deletionTimestamp: T0.toISOString() } });
    expect(ofType(world.sync(), 'createPod')).toEqual([]);
  });

  it('given 3 ready pods and replicas lowered to 1, then pods go highest ordinal first, one per sync', () => {
    const world = new World(web({ replicas: 3, podManagementPolicy: 'Parallel' }));
    world.sync();
    world.allReady();
    world.set = { ...world.set, spec: { ...world.set.spec, replicas: 1, podManagementPolicy: 'OrderedReady' } };
    const deleted = [world.sync(), world.sync(), world.sync()].map((as) => ofType(as, 'deletePod').map((a) => a.name));
    expect(deleted).toEqual([['web-2'], ['web-1'], []]);
  });

  it('given a scale-down while a lower pod is not ready, then an ordered set waits', () => {
    const world = new World(web({ replicas: 3, podManagementPolicy: 'Parallel' }));
    world.sync();
    world.allReady();
    world.pods.set('web-0', withPhase(world.pods.get('web-0')!, 'Running'));
    world.set = { ...world.set, spec: { ...world.set.spec, replicas: 2, podManagementPolicy: 'OrderedReady' } };
    expect(ofType(world.sync(), 'deletePod')).toEqual([]);
  });

  it('reports replicas, ready, available, current and updated counts with the observed generation', () => {
    const world = new World(web({ podManagementPolicy: 'Parallel' }));
    world.sync();
    world.markReady('web-0');
    const [{ status }] = ofType(world.sync(), 'updateStatus');
    expect(status).toMatchObject({ observedGeneration: 1, replicas: 2, readyReplicas: 1, availableReplicas: 1, currentReplicas: 2, updatedReplicas: 2, collisionCount: 0 });
    expect(status.currentRevision).toBe(status.updateRevision);
  });

  it('given minReadySeconds, then a ready pod is not available until they pass, and the set is requeued for that moment', () => {
    const world = new World(web({ replicas: 1, minReadySeconds: 30 }));
    world.sync();
    world.pods.set('web-0', ready(world.pods.get('web-0')!, T0));
    const at = new Date(T0.getTime() + 10_000);
    const actions = world.sync(at);
    expect(ofType(actions, 'updateStatus')[0].status).toMatchObject({ readyReplicas: 1, availableReplicas: 0 });
    expect(ofType(actions, 'requeueAfter')).toEqual([{ type: 'requeueAfter', seconds: 20.001 }]);
  });

  it('ignores pods it does not control', () => {
    const stranger = ready({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-7', namespace: 'default', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'web', uid: 'other', controller: true }] } });
    const actions = reconcile(web(), { pods: [stranger], claims: [], revisions: [] }, T0);
    expect(ofType(actions, 'deletePod')).toEqual([]);
  });
});
