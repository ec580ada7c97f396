import { monitorEventLoopDelay, PerformanceObserver, type IntervalHistogram, type PerformanceEntry } from 'node:perf_hooks';
import { getHeapSpaceStatistics } from 'node:v8';

// Preloaded (`-r`) into the apiserver child by the benchmarks: where a create's tail latency
// comes from is the HTTP thread's event loop being busy, so the bench asks the child for its
// event-loop delay and its GC pauses over each create phase. 'loop-start' on the IPC channel
// starts both; 'loop-stop' answers { loop: LoopStats }. Off between phases (the delay monitor
// is a 1 ms timer).

export interface LoopStats {
  /** event-loop delay of the main (HTTP) thread, ms */
  delayP50: number;
  delayP99: number;
  delayMax: number;
  /** GC pauses on the main thread: scavenges, and the rest (mark-compact, incremental steps) */
  scavenges: number;
  scavengeMs: number;
  scavengeMaxMs: number;
  otherGcs: number;
  otherGcMs: number;
  otherGcMaxMs: number;
}

/** The figures as three table cells: loop delay p99 / max; scavenges; other GCs. */
export function loopCells(s: LoopStats): string {
  const f = (x: number) => x.toFixed(1);
  return `${f(s.delayP99)} / ${f(s.delayMax)} | ${s.scavenges} (${f(s.scavengeMs)}, ${f(s.scavengeMaxMs)}) | ${s.otherGcs} (${f(s.otherGcMs)}, ${f(s.otherGcMaxMs)})`;
}

/** What the child's JavaScript heap holds ('heap' on the IPC channel), bytes: how much of its RSS V8 accounts for. */
export interface HeapFigures {
  heapTotal: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
  /** each V8 heap space's size (new_space, old_space, code_space, large_object_space, …) */
  spaces: Record<string, number>;
}

const ms = (ns: number) => Math.round(ns / 1e4) / 100;

/** GC pauses, scavenges apart from the rest (mark-compact, incremental steps). */
export type GcPauses = Pick<LoopStats, 'scavenges' | 'scavengeMs' | 'scavengeMaxMs' | 'otherGcs' | 'otherGcMs' | 'otherGcMaxMs'>;

/** Counts this process's GC pauses from now until stop(). */
export function watchGcPauses(): { stop(): GcPauses } {
  const gc: GcPauses = { scavenges: 0, scavengeMs: 0, scavengeMaxMs: 0, otherGcs: 0, otherGcMs: 0, otherGcMaxMs: 0 };
  const count = (entries: PerformanceEntry[]) => {
    for (const e of entries) {
      // detail.kind 1 is a scavenge (NODE_PERFORMANCE_GC_MINOR)
      if ((e as unknown as { detail?: { kind?: number } }).detail?.kind === 1) {
        gc.scavenges++;
        gc.scavengeMs += e.duration;
        gc.scavengeMaxMs = Math.max(gc.scavengeMaxMs, e.duration);
      } else {
        gc.otherGcs++;
        gc.otherGcMs += e.duration;
        gc.otherGcMaxMs = Math.max(gc.otherGcMaxMs, e.duration);
      }
    }
  };
  const observer = new PerformanceObserver((list) => count(list.getEntries()));
  observer.observe({ entryTypes: ['gc'] });
  return {
    stop: () => {
      count(observer.takeRecords());
      observer.disconnect();
      return gc;
    },
  };
}

if (process.send) {
  let histogram: IntervalHistogram | undefined;
  let gcPauses: { stop(): GcPauses } | undefined;
  process.on('message', (m) => {
    if (m === 'loop-start') {
      gcPauses = watchGcPauses();
      histogram = monitorEventLoopDelay({ resolution: 1 });
      histogram.enable();
    } else if (m === 'loop-stop' && histogram) {
      histogram.disable();
      const h = histogram;
      const stats: LoopStats = { delayP50: ms(h.percentile(50)), delayP99: ms(h.percentile(99)), delayMax: ms(h.max), ...gcPauses!.stop() };
      histogram = undefined;
      process.send?.({ loop: stats });
    } else if (m === 'heap') {
      const u = process.memoryUsage();
      const spaces = Object.fromEntries(getHeapSpaceStatistics().map((s) => [s.space_name, s.space_size]));
      process.send?.({ heap: { heapTotal: u.heapTotal, heapUsed: u.heapUsed, external: u.external, arrayBuffers: u.arrayBuffers, spaces } satisfies HeapFigures });
    }
  });
  process.channel?.unref();
}
