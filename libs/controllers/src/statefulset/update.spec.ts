import { applyStrategicMergePatch, patchMetaFor } from '@keelson/patch';
import type { StatefulSet, StatefulSetSpec } from './types';
import { ofType, web, withImage, World } from './testing';

function rolledOut(spec: Partial<StatefulSetSpec> = {}): World {
  const world = new World(web({ replicas: 3, ...spec }));
  for (let i = 0; i < 5; i++) {
    world.sync();
    world.allReady();
  }
  world.set = withImage(world.set, 'nginx:1.26');
  return world;
}

const deleted = (w: World) => ofType(w.sync(), 'deletePod').map((a) => a.name);
const images = (w: World) => [...w.pods.values()].map((p) => `${p.metadata.name}=${(p.spec as { containers: { image: string }[] }).containers[0].image}`).sort();

describe('StatefulSet updates and storage', () => {
  it('RollingUpdate replaces pods from the highest ordinal down, waiting for each to be Running and Ready', () => {
    const w = rolledOut();
    expect(deleted(w)).toEqual(['web-2']);
    expect(ofType(w.sync(), 'createPod').map((a) => a.pod.metadata.name)).toEqual(['web-2']);
    expect(deleted(w)).toEqual([]);
    w.markReady('web-2');
    expect(deleted(w)).toEqual(['web-1']);
  });

  it('given partition 2, then only ordinals 2 and above are updated', () => {
    const w = rolledOut({ updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 2 } } });
    for (let i = 0; i < 6; i++) {
      w.sync();
      w.allReady();
    }
    expect(images(w)).toEqual(['web-0=nginx:1.25', 'web-1=nginx:1.25', 'web-2=nginx:1.26']);
    expect(w.set.status).toMatchObject({ currentReplicas: 2, updatedReplicas: 1 });
    expect(w.set.status?.currentRevision).not.toBe(w.set.status?.updateRevision);
  });

  it('given OnDelete, then nothing is replaced until a pod is deleted by hand', () => {
    const w = rolledOut({ updateStrategy: { type: 'OnDelete' } });
    expect(deleted(w)).toEqual([]);
    w.pods.delete('web-0');
    w.sync();
    expect(images(w)).toEqual(['web-0=nginx:1.26', 'web-1=nginx:1.25', 'web-2=nginx:1.25']);
  });

  it('completes the rollout: the update revision becomes current', () => {
    const w = rolledOut();
    for (let i = 0; i < 10; i++) {
      w.sync();
      w.allReady();
    }
    expect(images(w)).toEqual(['web-0=nginx:1.26', 'web-1=nginx:1.26', 'web-2=nginx:1.26']);
    expect(w.set.status).toMatchObject({ currentReplicas: 3, updatedReplicas: 3, observedGeneration: 2 });
    expect(w.set.status?.currentRevision).toBe(w.set.status?.updateRevision);
  });

  it('`kubectl rollout undo`: restoring an old revision renumbers it instead of making a new one', () => {
    const w = rolledOut();
    w.sync();
    const [r1, r2] = [...w.revisions.values()].sort((a, b) => a.revision - b.revision);
    const patched = applyStrategicMergePatch(w.set, r1.data, patchMetaFor('apps', 'StatefulSet')) as StatefulSet;
    w.set = { ...patched, metadata: { ...patched.metadata, generation: 3 } };
    const actions = w.sync();
    expect(ofType(actions, 'createControllerRevision')).toEqual([]);
    expect(ofType(actions, 'updateControllerRevision')).toEqual([{ type: 'updateControllerRevision', name: r1.metadata.name, revision: 3 }]);
    expect(r2.revision).toBe(2);
  });

  it('given a deleted web-0, then the new web-0 mounts the old claim www-web-0 and no claim is created', () => {
    const w = rolledOut();
    w.set = { ...w.set, spec: { ...w.set.spec, template: web().spec.template } };
    w.pods.delete('web-0');
    const actions = w.sync();
    expect(ofType(actions, 'createPvc')).toEqual([]);
    expect(ofType(actions, 'createPod')[0].pod.spec?.volumes).toEqual([{ name: 'www', persistentVolumeClaim: { claimName: 'www-web-0' } }]);
  });

  it('given a claim being deleted, then its pod waits instead of starting on it', () => {
    const w = new World(web({ replicas: 1 }));
    w.claims.set('www-web-0', { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'www-web-0', namespace: 'default', deletionTimestamp: '2025-01-01T09:00:00Z' } });
    expect(ofType(w.sync(), 'createPod')).toEqual([]);
  });

  it.each([
    ['Retain/Retain (default): claims have no owner and survive scale-down', undefined, [[], []]],
    ['whenDeleted Delete: claims are owned by the set', { whenDeleted: 'Delete' }, [['StatefulSet'], ['StatefulSet']]],
    ['whenScaled Delete: a scaled-away ordinal\'s claim becomes owned by its pod', { whenScaled: 'Delete' }, [[], ['Pod']]],
    ['both Delete: the set owns the kept claim, the pod the scaled-away one', { whenDeleted: 'Delete', whenScaled: 'Delete' }, [['StatefulSet'], ['Pod']]],
  ] as const)('persistentVolumeClaimRetentionPolicy %s', (_policy, policy, owners) => {
    const w = new World(web({ podManagementPolicy: 'Parallel', persistentVolumeClaimRetentionPolicy: policy }));
    w.sync();
    w.allReady();
    w.set = { ...w.set, spec: { ...w.set.spec, replicas: 1 } };
    w.sync();
    const kinds = ['www-web-0', 'www-web-1'].map((n) => (w.claims.get(n)?.metadata.ownerReferences ?? []).map((r) => r.kind));
    expect(kinds).toEqual(owners);
    expect(w.claims.size).toBe(2);
  });
});
