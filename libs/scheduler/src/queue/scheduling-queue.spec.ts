import { QueuedPodInfo, SchedulingQueue } from './scheduling-queue';
import { manualClock, pendingPod } from './testing';

function setup() {
  const clock = manualClock(1_000_000);
  const queue = new SchedulingQueue({ now: clock.now });
  const popAll = () => {
    const out: string[] = [];
    for (let qp = queue.pop(); qp; qp = queue.pop()) out.push(qp.podInfo.key.split('/')[1]);
    return out;
  };
  /** pops the pod and sends it back rejected by `plugins` */
  const fail = (plugins: string[]): QueuedPodInfo => {
    const qp = queue.pop() as QueuedPodInfo;
    queue.addUnschedulable(qp, plugins);
    return qp;
  };
  return { clock, queue, popAll, fail };
}

describe('SchedulingQueue ordering', () => {
  it('given pods of several priorities, pops highest priority first, then first come first served', () => {
    const { clock, queue, popAll } = setup();
    for (const [name, prio] of [['low-1', 0], ['high-1', 100], ['low-2', 0], ['mid', 50], ['high-2', 100]] as const) {
      queue.add(pendingPod(name, prio));
      clock.advance(1);
    }
    expect(popAll()).toEqual(['high-1', 'high-2', 'mid', 'low-1', 'low-2']);
  });

  it('counts attempts at each pop', () => {
    const { clock, queue, fail } = setup();
    queue.add(pendingPod('p'));
    expect(fail(['NodeResourcesFit']).attempts).toBe(1);
    queue.moveAllOnEvent('NodeAdd');
    clock.advance(1_000);
    queue.flushBackoffCompleted();
    expect(queue.pop()?.attempts).toBe(2);
  });

  it('when nothing is pending, pop returns undefined and flushes move nothing', () => {
    const { queue } = setup();
    expect(queue.pop()).toBeUndefined();
    queue.flushBackoffCompleted();
    queue.flushUnschedulableLeftover();
    expect(queue.moveAllOnEvent('NodeAdd')).toBe(0);
    expect(queue.pendingPods()).toEqual([]);
  });

  it('when a pending pod is deleted, it is never popped', () => {
    const { queue, popAll } = setup();
    queue.add(pendingPod('a'));
    queue.add(pendingPod('b'));
    queue.delete('default/a');
    expect(popAll()).toEqual(['b']);
  });

  it('when a waiting pod is updated, it keeps its place and carries the new object', () => {
    const { clock, queue } = setup();
    queue.add(pendingPod('a'));
    clock.advance(1);
    queue.add(pendingPod('b'));
    queue.update(pendingPod('a', 0, {}, { changed: 'yes' }));
    const first = queue.pop();
    expect(first?.podInfo.key).toBe('default/a');
    expect(first?.podInfo.labels).toEqual({ changed: 'yes' });
  });
});

describe('SchedulingQueue backoff', () => {
  it('after an error (no rejecting plugin) the pod backs off 1 s, doubling per attempt up to 10 s', () => {
    const { clock, queue, fail } = setup();
    queue.add(pendingPod('p'));
    const waits: number[] = [];
    for (let attempt = 1; attempt <= 6; attempt++) {
      fail([]);
      expect(queue.where('default/p')).toBe('backoff');
      let waited = 0;
      while (queue.activeCount === 0) {
        clock.advance(500);
        waited += 500;
        queue.flushBackoffCompleted();
      }
      waits.push(waited);
    }
    expect(waits).toEqual([1_000, 2_000, 4_000, 8_000, 10_000, 10_000]);
  });

  it('backoffQ releases pods in the order their backoff ends', () => {
    const { clock, queue, fail, popAll } = setup();
    queue.add(pendingPod('a'));
    queue.add(pendingPod('b'));
    fail([]); // a: 1 s from t0
    clock.advance(300);
    fail([]); // b: 1 s from t0+300
    clock.advance(800);
    queue.flushBackoffCompleted();
    expect(popAll()).toEqual(['a']);
    clock.advance(500);
    queue.flushBackoffCompleted();
    expect(popAll()).toEqual(['b']);
  });
});

describe('SchedulingQueue unschedulable pods and events', () => {
  it('given a pod rejected by NodeResourcesFit, a PVC event leaves it waiting but NodeAdd moves it', () => {
    const { queue, fail } = setup();
    queue.add(pendingPod('p'));
    fail(['NodeResourcesFit']);
    expect(queue.where('default/p')).toBe('unschedulable');
    expect(queue.moveAllOnEvent('PvcBound')).toBe(0);
    expect(queue.where('default/p')).toBe('unschedulable');
    expect(queue.moveAllOnEvent('NodeAdd')).toBe(1);
    expect(queue.where('default/p')).toBe('backoff');
  });

  it('when the event comes after the backoff has passed, the pod goes straight to activeQ', () => {
    const { clock, queue, fail } = setup();
    queue.add(pendingPod('p'));
    fail(['VolumeBinding']);
    clock.advance(1_500);
    queue.moveAllOnEvent('PvcBound');
    expect(queue.where('default/p')).toBe('active');
  });

  it('a pod rejected by several plugins moves when any of them cares about the event', () => {
    const { queue, fail } = setup();
    queue.add(pendingPod('p'));
    fail(['TaintToleration', 'InterPodAffinity']);
    expect(queue.moveAllOnEvent('PodAdd')).toBe(1);
  });

  it('a plugin missing from the event map is taken to care about every event', () => {
    const { queue, fail } = setup();
    queue.add(pendingPod('p'));
    fail(['SomeOutOfTreePlugin']);
    expect(queue.moveAllOnEvent('PvAdd')).toBe(1);
  });

  it('when a helpful event arrives while the pod is being scheduled, its failure sends it to backoff, not to sleep', () => {
    const { queue } = setup();
    queue.add(pendingPod('p'));
    const qp = queue.pop() as QueuedPodInfo;
    queue.moveAllOnEvent('NodeAdd');
    queue.addUnschedulable(qp, ['NodeResourcesFit']);
    expect(queue.where('default/p')).toBe('backoff');
  });

  it('an unhelpful event during scheduling does not', () => {
    const { queue } = setup();
    queue.add(pendingPod('p'));
    const qp = queue.pop() as QueuedPodInfo;
    queue.moveAllOnEvent('PvcAdd');
    queue.addUnschedulable(qp, ['NodeResourcesFit']);
    expect(queue.where('default/p')).toBe('unschedulable');
  });

  it('pods unschedulable for more than 5 minutes go back to be retried', () => {
    const { clock, queue, fail } = setup();
    queue.add(pendingPod('p'));
    fail(['NodeResourcesFit']);
    clock.advance(5 * 60_000);
    queue.flushUnschedulableLeftover();
    expect(queue.where('default/p')).toBe('unschedulable');
    clock.advance(1);
    queue.flushUnschedulableLeftover();
    expect(queue.where('default/p')).toBe('active');
  });

  it('when an unschedulable pod changes only in status, it stays; when its spec changes, it moves', () => {
    const { queue, fail } = setup();
    const pod = pendingPod('p');
    queue.add(pod);
    fail(['TaintToleration']);
    queue.update({ ...pod, pod: { ...pod.pod, status: { conditions: [{ type: 'PodScheduled', status: 'False' }] } } });
    expect(queue.where('default/p')).toBe('unschedulable');
    queue.update(pendingPod('p', 0, { tolerations: [{ operator: 'Exists' }] }));
    expect(queue.where('default/p')).toBe('backoff');
  });

  it('a pod deleted while in flight does not come back', () => {
    const { queue } = setup();
    queue.add(pendingPod('p'));
    const qp = queue.pop() as QueuedPodInfo;
    queue.delete('default/p');
    queue.addUnschedulable(qp, ['NodeResourcesFit']);
    expect(queue.where('default/p')).toBeUndefined();
  });
});

describe('SchedulingQueue scheduling gates', () => {
  const gated = () => pendingPod('g', 0, { schedulingGates: [{ name: 'example.com/wait' }] });

  it('a gated pod is held back, unmoved by events or the 5-minute flush', () => {
    const { clock, queue } = setup();
    queue.add(gated());
    expect(queue.pop()).toBeUndefined();
    expect(queue.moveAllOnEvent('NodeAdd')).toBe(0);
    clock.advance(10 * 60_000);
    queue.flushUnschedulableLeftover();
    expect(queue.where('default/g')).toBe('unschedulable');
  });

  it('when the last gate is removed, the pod goes straight to activeQ (it never failed)', () => {
    const { queue } = setup();
    queue.add(gated());
    queue.update(pendingPod('g', 0, { schedulingGates: [] }));
    expect(queue.pop()?.podInfo.key).toBe('default/g');
  });
});
