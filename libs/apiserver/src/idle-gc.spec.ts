import { getHeapStatistics } from 'node:v8';
import { collectWhenIdle } from './idle-gc';

const used = () => getHeapStatistics().used_heap_size;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** ~`mb` MB of objects that live long enough to reach the old space, then dropped. */
async function leaveGarbage(mb: number): Promise<void> {
  let kept: { s: string; n: number[] }[] | undefined = [];
  for (let i = 0; i < mb * 1024; i++) kept.push({ s: `item-${i}-${'x'.repeat(900)}`, n: [i, i + 1] });
  await sleep(20); // survives a scavenge or two
  kept = undefined;
}

describe('collectWhenIdle', () => {
  it('collects the garbage a burst left once the event loop goes idle', async () => {
    await leaveGarbage(64);
    const before = used();
    const stop = collectWhenIdle({ everyMs: 100, minGrowthBytes: 16 * 1024 * 1024 });
    try {
      // the baseline is taken now, so grow the heap again past it
      await leaveGarbage(64);
      const grown = used();
      expect(grown).toBeGreaterThan(before);
      await sleep(500);
      expect(used()).toBeLessThan(grown - 32 * 1024 * 1024);
    } finally {
      stop();
    }
  });

  it('leaves a busy process alone', async () => {
    const stop = collectWhenIdle({ everyMs: 50, minGrowthBytes: 1 });
    try {
      let garbage: unknown[] = [];
      const until = Date.now() + 400;
      // busy, and growing: the loop never idles between the checks
      while (Date.now() < until) {
        garbage.push({ s: 'y'.repeat(100) });
        if (garbage.length > 10_000) garbage = [];
        await new Promise<void>((r) => setImmediate(r));
      }
      const gcs = await majorGcsDuring(async () => {
        const end = Date.now() + 300;
        while (Date.now() < end) {
          garbage.push({ s: 'z'.repeat(100) });
          if (garbage.length > 10_000) garbage = [];
          await new Promise<void>((r) => setImmediate(r));
        }
      });
      expect(gcs).toBe(0);
    } finally {
      stop();
    }
  });
});

/** Full (mark-compact) collections while `fn` runs. */
async function majorGcsDuring(fn: () => Promise<void>): Promise<number> {
  const { PerformanceObserver, constants } = await import('node:perf_hooks');
  let n = 0;
  const obs = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) if ((e as unknown as { detail?: { kind?: number } }).detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR) n++;
  });
  obs.observe({ entryTypes: ['gc'] });
  await fn();
  for (const e of obs.takeRecords()) if ((e as unknown as { detail?: { kind?: number } }).detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR) n++;
  obs.disconnect();
  return n;
}
