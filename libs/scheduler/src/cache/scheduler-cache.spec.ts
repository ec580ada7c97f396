import { nodeTableOf } from '../framework/node-table';
import { manualClock } from '../queue/testing';
import { SchedulerCache } from './scheduler-cache';
import { bound, testNode, testPod } from './testing';

function setup() {
  const clock = manualClock(0);
  const cache = new SchedulerCache({ now: clock.now });
  cache.addNode(testNode('n1'));
  cache.addNode(testNode('n2'));
  const on = (node: string) => cache.snapshot().nodeInfo(node);
  return { clock, cache, on };
}

describe('SchedulerCache pods seen in the log', () => {
  it('counts a bound pod on its node: requests, pods, host ports', () => {
    const { cache, on } = setup();
    cache.addPod(testPod('a', { cpu: '500m', nodeName: 'n1', hostPort: 8080 }));
    expect(on('n1')?.requested).toEqual({ cpu: 500, pods: 1 });
    expect(on('n1')?.usedPorts).toEqual([{ protocol: 'TCP', hostIP: '0.0.0.0', port: 8080 }]);
    expect(on('n2')?.pods).toEqual([]);
  });

  it('ignores pods not bound yet (they belong to the queue)', () => {
    const { cache, on } = setup();
    cache.addPod(testPod('a', { cpu: '500m' }));
    expect(cache.podCount).toBe(0);
    expect(on('n1')?.requested).toEqual({});
  });

  it('when a bound pod is updated, counts the new requests instead of the old', () => {
    const { cache, on } = setup();
    cache.addPod(testPod('a', { cpu: '500m', nodeName: 'n1' }));
    cache.updatePod(testPod('a', { cpu: '200m', nodeName: 'n1' }));
    expect(on('n1')?.requested).toEqual({ cpu: 200, pods: 1 });
  });

  it('when a pod is removed or finishes, frees its share', () => {
    const { cache, on } = setup();
    cache.addPod(testPod('a', { cpu: '500m', nodeName: 'n1' }));
    cache.addPod(testPod('b', { cpu: '300m', nodeName: 'n1' }));
    cache.removePod('default/a');
    const b = testPod('b', { cpu: '300m', nodeName: 'n1' });
    cache.updatePod({ ...b, pod: { ...b.pod, status: { phase: 'Succeeded' } } });
    expect(on('n1')?.requested).toEqual({});
    expect(cache.podCount).toBe(0);
  });

  it('a pod seen before its node is counted once the node arrives; a removed node leaves the snapshot', () => {
    const { cache, on } = setup();
    cache.addPod(testPod('a', { cpu: '1', nodeName: 'n3' }));
    expect(on('n3')).toBeUndefined();
    cache.addNode(testNode('n3'));
    expect(on('n3')?.requested.cpu).toBe(1000);
    cache.removeNode('n3');
    expect(on('n3')).toBeUndefined();
    expect(cache.snapshot().nodes.map((n) => n.name)).toEqual(['n1', 'n2']);
  });

  it('a node tainted or cordoned after a cycle read the node classes moves to its new class in the next snapshot', () => {
    const { cache } = setup();
    const classes = () => Array.from(cache.snapshot().nodeClasses);
    const [untainted] = classes();
    expect(classes()).toEqual([untainted, untainted]);
    const taints = [{ key: 'dedicated', value: 'x', effect: 'NoSchedule' }];
    cache.updateNode({ ...testNode('n2'), spec: { taints } });
    const [, tainted] = classes();
    expect(tainted).not.toBe(untainted);
    cache.updateNode({ ...testNode('n1'), spec: { taints: [{ ...taints[0] }] } });
    expect(classes()).toEqual([tainted, tainted]);
    cache.updateNode({ ...testNode('n1'), spec: { taints, unschedulable: true } });
    expect(new Set(classes()).size).toBe(2);
    expect(classes()[1]).toBe(tainted);
  });
  it('the node table a cycle read follows assumed pods, confirmed pods and node changes in the next snapshots, row by row as the NodeInfos', () => {
    const { cache } = setup();
    const rows = () => {
      const snapshot = cache.snapshot();
      return { table: Array.from(snapshot.nodeTable), fresh: Array.from(nodeTableOf(snapshot.nodes)) };
    };
    const before = rows();
    expect(before.table).toEqual(before.fresh);
    cache.assumePod(testPod('a', { cpu: '500m' }), 'n2');
    cache.addPod(testPod('b', { cpu: '300m', nodeName: 'n1' }));
    cache.updateNode({ ...testNode('n1'), spec: { taints: [{ key: 'k', effect: 'PreferNoSchedule' }] } });
    const after = rows();
    expect(after.table).toEqual(after.fresh);
    expect(after.table).not.toEqual(before.table);
  });
});

describe('SchedulerCache assume protocol', () => {
  it('an assumed pod is counted at once, before the log shows the binding', () => {
    const { cache, on } = setup();
    cache.assumePod(testPod('a', { cpu: '1' }), 'n1');
    expect(on('n1')?.requested).toEqual({ cpu: 1000, pods: 1 });
    expect(on('n1')?.pods[0].nodeName).toBe('n1');
    expect(cache.isAssumed('default/a')).toBe(true);
  });

  it('when the log confirms the binding, the pod replaces the assumed entry and is counted once', () => {
    const { cache, on } = setup();
    const p = testPod('a', { cpu: '1' });
    cache.assumePod(p, 'n1');
    cache.finishBinding('default/a');
    cache.addPod(bound(p, 'n1'));
    expect(cache.isAssumed('default/a')).toBe(false);
    expect(on('n1')?.requested).toEqual({ cpu: 1000, pods: 1 });
  });

  it('when the log shows the pod bound elsewhere, it moves there', () => {
    const { cache, on } = setup();
    const p = testPod('a', { cpu: '1' });
    cache.assumePod(p, 'n1');
    cache.addPod(bound(p, 'n2'));
    expect(on('n1')?.pods).toEqual([]);
    expect(on('n2')?.requested).toEqual({ cpu: 1000, pods: 1 });
  });

  it('when binding failed, forgetPod frees the space', () => {
    const { cache, on } = setup();
    cache.assumePod(testPod('a', { cpu: '1' }), 'n1');
    expect(cache.forgetPod('default/a')).toBe(true);
    expect(on('n1')?.requested).toEqual({});
  });

  it('forgetPod leaves confirmed pods alone', () => {
    const { cache, on } = setup();
    cache.addPod(testPod('a', { cpu: '1', nodeName: 'n1' }));
    expect(cache.forgetPod('default/a')).toBe(false);
    expect(on('n1')?.requested.cpu).toBe(1000);
  });

  it('refuses to assume a pod it already holds', () => {
    const { cache } = setup();
    cache.addPod(testPod('a', { nodeName: 'n1' }));
    expect(() => cache.assumePod(testPod('a'), 'n2')).toThrow(/can't be assumed/);
  });

  it('an assumed pod expires TTL after its binding finished, never before finishBinding', () => {
    const { clock, cache, on } = setup();
    cache.assumePod(testPod('a', { cpu: '1' }), 'n1');
    clock.advance(60_000);
    expect(cache.cleanupExpiredAssumedPods()).toEqual([]);
    cache.finishBinding('default/a');
    clock.advance(30_000);
    expect(cache.cleanupExpiredAssumedPods()).toEqual([]);
    clock.advance(1);
    expect(cache.cleanupExpiredAssumedPods()).toEqual(['default/a']);
    expect(on('n1')?.requested).toEqual({});
  });

  it('a confirmed pod does not expire', () => {
    const { clock, cache } = setup();
    const p = testPod('a');
    cache.assumePod(p, 'n1');
    cache.finishBinding('default/a');
    cache.addPod(bound(p, 'n1'));
    clock.advance(120_000);
    expect(cache.cleanupExpiredAssumedPods()).toEqual([]);
    expect(cache.podCount).toBe(1);
  });
});
