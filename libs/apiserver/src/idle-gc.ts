import { performance } from 'node:perf_hooks';
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

// Garbage left by a burst of work, collected once the process goes idle. After a burst of
// large LISTs, V8's old space holds ~100 MB of their garbage (bench:api, 10,000 pods: 142–167 MB
// of heap "in use" after ten idle seconds in some runs, 45–60 MB in others). V8 collects it when
// the old space next reaches its limit, or when its memory reducer gets to it, which in those
// runs had not happened ten seconds on; until then the apiserver's RSS stays where the burst
// left it. Here a check every two seconds sees whether the event loop was idle meanwhile (under
// 5 % busy) and the heap has grown since the last collection by more than `minGrowthBytes`; if
// so it runs a full collection, which costs a few tens of milliseconds of a loop that has
// nothing else to do. Under load it never runs: the loop is not idle.
// The collector is V8's `gc`, exposed the way jest's leak detector reaches it: the flag is set,
// a fresh context is asked for `gc`, and the flag is cleared again.

export interface IdleCollectOptions {
  /** how often to look (ms) */
  everyMs?: number;
  /** event-loop utilization, 0–1, under which the last interval counts as idle */
  idleBelow?: number;
  /** heap growth since the last collection worth a collection (bytes) */
  minGrowthBytes?: number;
}

/** When to collect: the last interval idle, and the heap grown enough since the last collection. */
export class IdleCollector {
  private base: number;
  constructor(
    used: number,
    private readonly idleBelow = 0.05,
    private readonly minGrowth = 32 * 1024 * 1024,
  ) {
    this.base = used;
  }

  /** `busy`: the event loop's utilization over the last interval; `used`: the heap in use now. */
  shouldCollect(busy: number, used: number): boolean {
    if (used < this.base) this.base = used; // V8 collected on its own
    return busy < this.idleBelow && used - this.base >= this.minGrowth;
  }

  /** After a collection: the heap it left is the new baseline. */
  collected(used: number): void {
    this.base = used;
  }
}

/** Starts collecting when idle; returns the stop function. The timer never keeps the process alive. */
export function collectWhenIdle(o: IdleCollectOptions = {}): () => void {
  const gc = exposedGc();
  const decide = new IdleCollector(usedHeap(), o.idleBelow, o.minGrowthBytes);
  let loop = performance.eventLoopUtilization();
  const timer = setInterval(() => {
    const now = performance.eventLoopUtilization();
    const busy = performance.eventLoopUtilization(now, loop).utilization;
    loop = now;
    if (!decide.shouldCollect(busy, usedHeap())) return;
    gc();
    decide.collected(usedHeap());
    loop = performance.eventLoopUtilization(); // the collection's own time is not load
  }, o.everyMs ?? 2000);
  timer.unref();
  return () => clearInterval(timer);
}

const usedHeap = () => getHeapStatistics().used_heap_size;

/** V8's full collection, reached without exposing `gc` to the process. */
export function exposedGc(): () => void {
  const existing = (globalThis as { gc?: () => void }).gc;
  if (typeof existing === 'function') return existing;
  setFlagsFromString('--expose-gc');
  try {
    return runInNewContext('gc') as () => void;
  } finally {
    setFlagsFromString('--no-expose-gc');
  }
}
