import { WorkQueue } from './work-queue';
import { ExponentialFailureRateLimiter } from './rate-limiter';

// A fake clock: timers fire when `advance` passes their due time.
function fakeTimers() {
  let now = 0;
  const timers: { at: number; fn: () => void; live: boolean }[] = [];
  return {
    opts: {
      now: () => now,
      setTimer: (fn: () => void, ms: number) => {
        const t = { at: now + ms, fn, live: true };
        timers.push(t);
        return t;
      },
      clearTimer: (h: unknown) => void ((h as { live: boolean }).live = false),
    },
    advance(ms: number) {
      now += ms;
      for (const t of timers.filter((x) => x.live && x.at <= now).sort((a, b) => a.at - b.at)) {
        t.live = false;
        t.fn();
      }
    },
  };
}

describe('WorkQueue', () => {
  it('given a key added three times before it is taken, then a worker gets it once, with the newest cause', async () => {
    const q = new WorkQueue();
    q.add('default/a', 7);
    q.add('default/b', 8);
    q.add('default/a', 12);
    q.add('default/a', 9);
    expect(q.length).toBe(2);
    expect(await q.get()).toEqual({ key: 'default/a', cause: 12 });
    expect(await q.get()).toEqual({ key: 'default/b', cause: 8 });
  });

  it('given a key being processed, when it is added again, then no second worker gets it until the first is done', async () => {
    const q = new WorkQueue();
    q.add('k', 1);
    const first = await q.get();
    q.add('k', 5);
    expect(q.length).toBe(0);
    q.done(first!.key);
    expect(q.length).toBe(1);
    expect(await q.get()).toEqual({ key: 'k', cause: 5 });
  });

  it('given a waiting worker, when a key is added, then the worker wakes with it', async () => {
    const q = new WorkQueue();
    const waiting = q.get();
    q.add('k');
    expect(await waiting).toEqual({ key: 'k' });
  });

  it('when shut down, then waiting workers get undefined and adds are dropped', async () => {
    const q = new WorkQueue();
    const waiting = q.get();
    q.shutDown();
    q.add('k');
    expect(await waiting).toBeUndefined();
    expect(await q.get()).toBeUndefined();
  });

  it('given a delayed add, then the key appears only when its time has come, and an earlier add of the same key wins', () => {
    const t = fakeTimers();
    const q = new WorkQueue(t.opts);
    q.addAfter('k', 1000, 3);
    q.addAfter('k', 200);
    q.addAfter('k', 5000);
    t.advance(199);
    expect(q.length).toBe(0);
    t.advance(1);
    expect(q.length).toBe(1);
    t.advance(10_000);
    expect(q.length).toBe(1);
  });

  it('given repeated failures, then the retries back off per key: 5, 10, 20 ms, and a forgotten key starts over', async () => {
    const t = fakeTimers();
    const q = new WorkQueue(t.opts);
    const due: number[] = [];
    for (let i = 0; i < 3; i++) {
      q.addRateLimited('k');
      let waited = 0;
      while (q.length === 0 && waited < 100) {
        t.advance(1);
        waited++;
      }
      due.push(waited);
      q.done((await q.get())!.key);
    }
    expect(due).toEqual([5, 10, 20]);
    expect(q.failures('k')).toBe(3);
    q.forget('k');
    expect(q.failures('k')).toBe(0);
  });
});

describe('ExponentialFailureRateLimiter', () => {
  it.each([
    [1, 5],
    [2, 10],
    [11, 5 * 1024],
    [18, 655_360],
    [19, 1_000_000], // 5 ms·2¹⁸ = 1311 s, capped at 1000 s
    [100, 1_000_000],
  ])('the %i-th consecutive failure waits %i ms', (n, ms) => {
    const limiter = new ExponentialFailureRateLimiter();
    let last = 0;
    for (let i = 0; i < n; i++) last = limiter.when('k');
    expect(last).toBe(ms);
  });

  it('keeps keys apart', () => {
    const limiter = new ExponentialFailureRateLimiter();
    limiter.when('a');
    limiter.when('a');
    expect(limiter.when('b')).toBe(5);
  });
});
