import { getHeapStatistics } from 'node:v8';
import { exposedGc, IdleCollector } from './idle-gc';

const MB = 1024 * 1024;

describe('IdleCollector', () => {
  it('collects once the event loop was idle and the heap has grown by the threshold since the last collection', () => {
    const c = new IdleCollector(100 * MB, 0.05, 32 * MB);
    expect(c.shouldCollect(0.01, 120 * MB)).toBe(false); // idle, but grown too little
    expect(c.shouldCollect(0.5, 200 * MB)).toBe(false); // grown, but busy: never under load
    expect(c.shouldCollect(0.01, 200 * MB)).toBe(true);
    c.collected(110 * MB);
    expect(c.shouldCollect(0.01, 130 * MB)).toBe(false); // measured from what the collection left
    expect(c.shouldCollect(0.01, 142 * MB)).toBe(true);
  });

  it('follows the collections V8 makes on its own down', () => {
    const c = new IdleCollector(200 * MB, 0.05, 32 * MB);
    expect(c.shouldCollect(0.01, 60 * MB)).toBe(false); // V8 collected: the baseline is now 60 MB
    expect(c.shouldCollect(0.01, 95 * MB)).toBe(true);
  });
});

describe('exposedGc', () => {
  it('reaches a full collection that frees what is no longer referenced, without exposing gc to the process', () => {
    const gc = exposedGc();
    let garbage: number[][] | undefined = Array.from({ length: 64 * 1024 }, (_, i) => new Array<number>(120).fill(i)); // ~1 KB each
    const held = getHeapStatistics().used_heap_size;
    expect(garbage.length).toBe(64 * 1024);
    garbage = undefined;
    gc();
    expect(getHeapStatistics().used_heap_size).toBeLessThan(held - 32 * MB);
    expect((globalThis as { gc?: unknown }).gc).toBeUndefined();
  });
});
