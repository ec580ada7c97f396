import { manualClock } from '../queue/testing';
import { SchedulerCache } from './scheduler-cache';
import { testNode, testPod } from './testing';

function cacheWith(nodeCount: number) {
  const cache = new SchedulerCache({ now: manualClock().now });
  for (let i = 0; i < nodeCount; i++) cache.addNode(testNode(`n${i}`));
  return cache;
}

describe('SchedulerCache.snapshot', () => {
  it('when nothing changed, returns the same snapshot', () => {
    const cache = cacheWith(3);
    expect(cache.snapshot()).toBe(cache.snapshot());
  });

  it('given 5,000 nodes and one change, rebuilds only that node, in place in the same list, and reuses every other NodeInfo', () => {
    const cache = cacheWith(5_000);
    const before = cache.snapshot();
    const beforeNodes = [...before.nodes];
    cache.assumePod(testPod('a', { cpu: '1' }), 'n4321');
    const after = cache.snapshot();
    expect(after.nodes).toBe(before.nodes); // no copy of the list per cycle
    expect(after.nodes).toHaveLength(5_000);
    const rebuilt = after.nodes.filter((n, i) => n !== beforeNodes[i]).map((n) => n.name);
    expect(rebuilt).toEqual(['n4321']);
    expect(after.nodeInfo('n4321')?.requested).toEqual({ cpu: 1000, pods: 1 });
    expect(after.generation).toBeGreaterThan(before.generation);
  });

  it('given a node joins, lists it in a new list', () => {
    const cache = cacheWith(2);
    const before = cache.snapshot();
    cache.addNode(testNode('n2'));
    const after = cache.snapshot();
    expect(after.nodes.map((n) => n.name)).toEqual(['n0', 'n1', 'n2']);
    expect(before.nodes.map((n) => n.name)).toEqual(['n0', 'n1']);
  });

  it('never mutates a NodeInfo it handed out (copy-on-write per node)', () => {
    const cache = cacheWith(1);
    cache.addPod(testPod('a', { cpu: '1', nodeName: 'n0' }));
    const handedOut = cache.snapshot().nodeInfo('n0');
    const copy = JSON.parse(JSON.stringify({ requested: handedOut?.requested, pods: handedOut?.pods.length }));
    cache.assumePod(testPod('b', { cpu: '2' }), 'n0');
    cache.removePod('default/a');
    cache.snapshot();
    expect({ requested: handedOut?.requested, pods: handedOut?.pods.length }).toEqual(copy);
    expect(cache.snapshot().nodeInfo('n0')?.requested).toEqual({ cpu: 2000, pods: 1 });
  });

  it('lists pods on nodes with their NodeInfo, for affinity and spread', () => {
    const cache = cacheWith(2);
    cache.addPod(testPod('a', { nodeName: 'n0' }));
    cache.assumePod(testPod('b'), 'n1');
    const pairs = cache.snapshot().podsOnNodes.map(({ pod, node }) => `${pod.key}@${node.name}`);
    expect(pairs.sort()).toEqual(['default/a@n0', 'default/b@n1']);
  });

  it('carries namespaces, PVCs, PVs and StorageClasses; an old snapshot keeps what it saw', () => {
    const cache = cacheWith(1);
    cache.setNamespace({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a', labels: { team: 'a' } } });
    cache.setPvc({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data', namespace: 'team-a' } });
    cache.setPv({ apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: 'pv1' } });
    cache.setStorageClass({ apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'fast' } });
    const first = cache.snapshot();
    expect(first.namespaces.get('team-a')).toEqual({ team: 'a' });
    expect([...first.pvcs.keys()]).toEqual(['team-a/data']);
    expect(first.pvs.map((p) => p.metadata.name)).toEqual(['pv1']);
    expect([...first.storageClasses.keys()]).toEqual(['fast']);

    cache.removePvc('team-a/data');
    cache.removeNamespace('team-a');
    const second = cache.snapshot();
    expect(second).not.toBe(first);
    expect(second.pvcs.size).toBe(0);
    expect(second.namespaces.size).toBe(0);
    expect(first.pvcs.size).toBe(1);
    expect(first.namespaces.size).toBe(1);
  });
});
