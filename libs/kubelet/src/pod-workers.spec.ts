import { PodWorkers } from './pod-workers';

const flush = () => new Promise((r) => setImmediate(r));

describe('PodWorkers', () => {
  it('never runs two syncs of one pod at once, and folds events during a sync into one more sync', async () => {
    let release!: () => void;
    const runs: string[] = [];
    const workers = new PodWorkers(async (uid) => {
      runs.push(uid);
      if (runs.length === 1) await new Promise<void>((r) => (release = r));
      return {};
    });
    workers.enqueue('a');
    await flush();
    workers.enqueue('a');
    workers.enqueue('a');
    await flush();
    expect(runs).toEqual(['a']);
    release();
    await flush();
    await flush();
    expect(runs).toEqual(['a', 'a']);
    await workers.stop();
  });

  it('requeues after the delay a sync asks for, and forgets a pod that is done', async () => {
    jest.useFakeTimers();
    const runs: number[] = [];
    const workers = new PodWorkers(async () => (runs.push(Date.now()), runs.length < 2 ? { requeueAfterMs: 5_000 } : { done: true }));
    workers.enqueue('a');
    await jest.advanceTimersByTimeAsync(0);
    expect(runs).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(4_999);
    expect(runs).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(1);
    expect(runs).toHaveLength(2);
    expect(workers.size).toBe(0);
    jest.useRealTimers();
  });
});
