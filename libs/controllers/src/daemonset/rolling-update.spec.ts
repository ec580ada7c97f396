import { applyStrategicMergePatch, patchMetaFor } from '@keelson/patch';
import { Cluster, fluentd, node, ofType, withImage } from './testing';
import { scaledValue } from './rolling-update';
import type { DaemonSet, DaemonSetSpec } from './types';

const nodes = (n: number) => Array.from({ length: n }, (_, i) => node(`n${i + 1}`));

function rolledOut(spec: Partial<DaemonSetSpec>, n: number): Cluster {
  const c = new Cluster(fluentd(spec), nodes(n));
  for (let i = 0; i < 3; i++) {
    c.sync();
    c.allReady();
  }
  c.ds = withImage(c.ds, 'fluentd:2');
  return c;
}

const images = (c: Cluster) => [...c.pods.values()].map((p) => (p.spec as { containers: { image: string }[] }).containers[0].image).sort();

describe('DaemonSet rolling update', () => {
  it.each([
    [undefined, 10, 1],
    [2, 10, 2],
    ['25%', 10, 3],
    ['10%', 3, 1],
    ['0%', 10, 0],
    ['100%', 4, 4],
  ] as [number | string | undefined, number, number][])('scales maxUnavailable %p of %i nodes to %i, rounding up', (value, total, expected) => {
    expect(scaledValue(value, total, 1)).toBe(expected);
  });

  it('given maxUnavailable 2 of 5 nodes, then two old pods go per step, and no more until their replacements are available', () => {
    const c = rolledOut({ updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 2 } } }, 5);
    const first = c.sync();
    expect(ofType(first, 'deletePod').map((a) => a.reason)).toEqual(['Update', 'Update']);
    expect(ofType(c.sync(), 'createPod')).toHaveLength(2);
    expect(ofType(c.sync(), 'deletePod')).toEqual([]);
    c.allReady();
    expect(ofType(c.sync(), 'deletePod')).toHaveLength(2);
  });

  it('given maxSurge 1 and maxUnavailable 0, then a new pod starts beside the old one, which goes once the new one is ready', () => {
    const c = rolledOut({ updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } } }, 3);
    const started = ofType(c.sync(), 'createPod');
    expect(started.map((a) => a.nodeName)).toEqual(['n1']);
    expect(c.podsOn('n1')).toHaveLength(2);
    expect(ofType(c.sync(), 'deletePod')).toEqual([]);
    c.allReady();
    const next = c.sync();
    expect(ofType(next, 'deletePod')).toHaveLength(1);
    expect(c.podsOn('n1')).toHaveLength(1);
  });

  it('given OnDelete, then a template change deletes nothing; a pod deleted by hand comes back new', () => {
    const c = rolledOut({ updateStrategy: { type: 'OnDelete' } }, 2);
    expect(ofType(c.sync(), 'deletePod')).toEqual([]);
    c.pods.delete(c.podsOn('n1')[0].metadata.name!);
    c.sync();
    expect(images(c)).toEqual(['fluentd:1', 'fluentd:2']);
  });

  it('rolls every node to the new template and then reports all updated', () => {
    const c = rolledOut({}, 3);
    for (let i = 0; i < 12; i++) {
      c.sync();
      c.allReady();
    }
    expect(images(c)).toEqual(['fluentd:2', 'fluentd:2', 'fluentd:2']);
    expect(c.ds.status).toMatchObject({ updatedNumberScheduled: 3, numberAvailable: 3, observedGeneration: 2 });
  });

  it('`kubectl rollout undo`: the old revision data, sent back as a strategic merge patch, restores the template and renumbers that revision', () => {
    const c = rolledOut({}, 2);
    for (let i = 0; i < 10; i++) {
      c.sync();
      c.allReady();
    }
    const byRevision = [...c.revisions.values()].sort((a, b) => a.revision - b.revision);
    expect(byRevision.map((r) => r.revision)).toEqual([1, 2]);
    // What kubectl does: PATCH the DaemonSet with revision 1's data as a strategic merge patch.
    const patched = applyStrategicMergePatch(c.ds, byRevision[0].data, patchMetaFor('apps', 'DaemonSet')) as DaemonSet;
    c.ds = { ...patched, metadata: { ...patched.metadata, generation: 3 } };
    const actions = c.sync();
    expect(ofType(actions, 'createControllerRevision')).toEqual([]);
    expect(ofType(actions, 'updateControllerRevision')).toEqual([{ type: 'updateControllerRevision', name: byRevision[0].metadata.name, revision: 3 }]);
    for (let i = 0; i < 10; i++) {
      c.sync();
      c.allReady();
    }
    expect(images(c)).toEqual(['fluentd:1', 'fluentd:1']);
  });

  it('keeps at most revisionHistoryLimit old revisions', () => {
    const c = rolledOut({ revisionHistoryLimit: 1 }, 1);
    for (const image of ['fluentd:3', 'fluentd:4']) {
      for (let i = 0; i < 6; i++) {
        c.sync();
        c.allReady();
      }
      c.ds = withImage(c.ds, image);
    }
    for (let i = 0; i < 6; i++) {
      c.sync();
      c.allReady();
    }
    expect([...c.revisions.values()].map((r) => r.revision).sort()).toEqual([3, 4]);
  });
});
