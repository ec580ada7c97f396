import { Backoff, backoffKey, crashLoopMessage, formatGoDuration } from './backoff';
import { makePod } from './testing';

describe('restart back-off', () => {
  it('doubles from 10 s to a 5 min cap on repeated crashes', () => {
    const b = new Backoff();
    const delays = [0, 15, 40, 90, 200, 400, 700, 1000].map((s) => b.next('k', s * 1000) / 1000);
    expect(delays).toEqual([10, 20, 40, 80, 160, 300, 300, 300]);
  });

  it('starts over at 10 s when the last crash is more than 10 min ago', () => {
    const b = new Backoff();
    b.next('k', 0);
    b.next('k', 15_000);
    expect(b.next('k', 15_000 + 600_001)).toBe(10_000);
  });

  it.each([
    ['no entry', undefined, 5_000, false],
    ['inside the delay', 0, 9_999, true],
    ['at the end of the delay', 0, 10_000, false],
  ])('shouldWait with %s → %s', (_name, crashAt, now, expected) => {
    const b = new Backoff();
    if (crashAt !== undefined) b.next('k', crashAt);
    expect(b.shouldWait('k', now)).toBe(expected);
  });

  it('measures the delay from the given exit time, not the last update', () => {
    const b = new Backoff();
    b.next('k', 0);
    expect(b.shouldWait('k', 25_000, 20_000)).toBe(true);
    expect(b.shouldWait('k', 30_000, 20_000)).toBe(false);
  });

  it('keeps pods and containers apart in its keys', () => {
    const b = new Backoff();
    const pod = makePod();
    b.next(backoffKey(pod, 'app'), 0);
    expect(b.shouldWait(backoffKey(pod, 'sidecar'), 1_000)).toBe(false);
    expect(b.shouldWait(backoffKey(makePod({}, { uid: 'uid-2' }), 'app'), 1_000)).toBe(false);
  });

  it('forgets entries older than twice the maximum on gc', () => {
    const b = new Backoff();
    b.next('k', 0);
    b.gc(600_001);
    expect(b.delayMs('k')).toBe(0);
  });
});

describe('back-off messages', () => {
  it.each([
    [10_000, '10s'],
    [80_000, '1m20s'],
    [300_000, '5m0s'],
    [3_600_000, '1h0m0s'],
  ])('prints %i ms as Go does: %s', (ms, text) => expect(formatGoDuration(ms)).toBe(text));

  it('names container and pod as the kubelet does', () => {
    expect(crashLoopMessage(makePod(), 'app', 20_000)).toBe('back-off 20s restarting failed container=app pod=web-0_default(uid-1)');
  });
});
