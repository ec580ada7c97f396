import { fmt, percentile, rate, type PhaseResult } from './load';
import type { HeapFigures, LoopStats } from './loop-hook';
import { LATE_MS, type ReplayRun, type WatchResult } from './phases';

const mb = (bytes: number) => fmt(bytes / (1 << 20), 0);

// The printed tables: create throughput beside raw JetStream appends, reads, watch, replay and
// memory, then every target with its verdict.

export interface Report {
  storedSmall: number;
  storedLarge: number;
  creates: { clients: number; count: number; api: PhaseResult; raw: PhaseResult; apiCpuSeconds: number; load: number; loop: LoopStats }[];
  reads: { what: string; stored: number; items: number; r: PhaseResult }[];
  watch: WatchResult;
  replay: ReplayRun;
  /** after the reads at the large size and some idle seconds: what ps shows once requests stop */
  memory: { rssMb: number; peakMb: number };
  /** what V8 held of it after idling */
  heap: HeapFigures;
  /** right after the reads at the large size */
  busyMemory: { rssMb: number; peakMb: number };
  /** right after start-up, nothing stored */
  idleMemory: { rssMb: number; peakMb: number };
}

interface Target {
  what: string;
  measured: string;
  target: string;
  met: boolean;
}

function table(head: string[], rows: string[][]): void {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => '| ' + cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ') + ' |';
  console.log(line(head));
  console.log('|' + widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : '-'.repeat(w + 1) + ':')).join('|') + '|');
  for (const r of rows) console.log(line(r));
}

const p50 = (r: PhaseResult) => fmt(percentile(r.latencies, 50), 2);
const p99 = (r: PhaseResult) => fmt(percentile(r.latencies, 99), 2);
const done = (r: PhaseResult, of: number) => (r.done < of ? `${r.done}/${of}` : String(of));

export function printReport(rep: Report): Target[] {
  console.log('\nCreates over HTTP (POST /api/v1/namespaces/<ns>/pods, ~1 KB pod, keep-alive) vs the same appends straight to JetStream');
  table(
    ['clients', 'pods', 'API creates/s', 'API p50 ms', 'API p99 ms', 'apiserver CPU ms/create', 'raw appends/s', 'raw p50 ms', 'raw p99 ms', 'raw/API rate', 'API/raw p50', 'load avg'],
    rep.creates.map(({ clients, count, api, raw, apiCpuSeconds, load }) => [
      String(clients),
      done(api, count),
      fmt(rate(api), 0),
      p50(api),
      p99(api),
      fmt((1000 * apiCpuSeconds) / Math.max(1, api.done), 2),
      fmt(rate(raw), 0),
      p50(raw),
      p99(raw),
      `${fmt(rate(raw) / rate(api), 2)}×`,
      `${fmt(percentile(api.latencies, 50) / percentile(raw.latencies, 50), 2)}×`,
      fmt(load, 1),
    ]),
  );

  console.log("\nThe apiserver's main (HTTP) thread during each create phase: event-loop delay and GC pauses");
  table(
    ['clients', 'loop delay p50 ms', 'loop delay p99 ms', 'loop delay max ms', 'scavenges', 'scavenge ms (max)', 'other GCs', 'other GC ms (max)'],
    rep.creates.map(({ clients, loop: l }) => [String(clients), fmt(l.delayP50, 1), fmt(l.delayP99, 1), fmt(l.delayMax, 1), String(l.scavenges), `${fmt(l.scavengeMs, 0)} (${fmt(l.scavengeMaxMs, 1)})`, String(l.otherGcs), `${fmt(l.otherGcMs, 0)} (${fmt(l.otherGcMaxMs, 1)})`]),
  );

  console.log('\nReads (one client, linearizable: each waits for the projection to reach the log end)');
  table(
    ['request', 'pods stored', 'items', 'requests', 'p50 ms', 'p99 ms', 'req/s'],
    rep.reads.map(({ what, stored, items, r }) => [what, String(stored), String(items), String(r.done), p50(r), p99(r), fmt(rate(r), 0)]),
  );

  const w = rep.watch;
  const wp = (q: number) => fmt(percentile(w.delays, q), 2);
  console.log('\nWatch delivery (create response → ADDED line at the watcher)');
  table(
    ['watchers', 'creates', 'deliveries', 'missed', 'before response', 'p50 ms', 'p99 ms', 'max ms', 'creates/s meanwhile', 'watch start-up s', `creates late > ${LATE_MS} ms`],
    [[String(w.watchers), String(w.events), String(w.delays.length), String(w.missed), String(w.early), wp(50), wp(99), wp(100), fmt(w.events / w.createSeconds, 0), fmt(w.startupSeconds, 2), String(w.lateEvents)]],
  );

  const replayRate = rep.replay.events / rep.replay.seconds;
  const r = rep.replay;
  const perEvent = (cpuSeconds: number) => fmt((cpuSeconds * 1e6) / r.events, 1);
  console.log(`\nReplay: ${r.events} events in ${fmt(r.seconds, 2)} s = ${fmt(replayRate, 0)} events/s (CPU per event: replay ${perEvent(r.cpu.self)} µs, Postgres ${perEvent(r.cpu.postgres)} µs, nats-server ${perEvent(r.cpu.nats)} µs)`);
  if (r.timings) {
    const ms = (s: number) => fmt(s * 1000, 0);
    const t = r.timings;
    console.log(`  ms: setting up ${ms(t.setup)}, reading the log ${ms(t.read)} (history streaming into Postgres meanwhile), then history's tail ${ms(t.historyEnd)} (objects' last rows meanwhile ${ms(t.objects)}), commit ${ms(t.commit)}; GC in the replaying process ${r.gc.scavenges + r.gc.otherGcs} pauses, ${fmt(r.gc.scavengeMs + r.gc.otherGcMs, 0)} ms (longest ${fmt(Math.max(r.gc.scavengeMaxMs, r.gc.otherGcMaxMs), 0)})`);
  }
  console.log(
    `apiserver child memory (apiserver + its in-process projector, VmRSS): ${fmt(rep.idleMemory.rssMb, 0)} MB right after start-up; with ${rep.storedLarge} pods stored ${fmt(rep.busyMemory.rssMb, 0)} MB right after the reads, ${fmt(rep.memory.rssMb, 0)} MB after idling (peak VmHWM ${fmt(rep.memory.peakMb, 0)} MB)\n` +
    `  of which V8's heap ${mb(rep.heap.heapTotal)} MB (${mb(rep.heap.heapUsed)} MB in use; ${Object.entries(rep.heap.spaces).filter(([, b]) => b >= 1 << 20).map(([space, b]) => `${space} ${mb(b)}`).join(', ')}), outside it ${mb(rep.heap.external)} MB of external memory (${mb(rep.heap.arrayBuffers)} MB of ArrayBuffers)`,
  );

  const c64 = rep.creates.find((c) => c.clients === 64);
  const getLarge = rep.reads.filter((r) => r.what.startsWith('GET')).at(-1)!;
  const targets: Target[] = [];
  if (c64) {
    targets.push({ what: 'creates/s at 64 clients', measured: fmt(rate(c64.api), 0), target: '≥ 1500', met: rate(c64.api) >= 1500 });
    targets.push({ what: 'create p99 at 64 clients (ms)', measured: p99(c64.api), target: '≤ 100', met: percentile(c64.api.latencies, 99) <= 100 });
  }
  targets.push({ what: `GET p99 (ms, ${getLarge.stored} pods)`, measured: p99(getLarge.r), target: '≤ 10', met: percentile(getLarge.r.latencies, 99) <= 10 });
  targets.push({ what: `watch delivery p99 (ms, ${w.watchers} watchers)`, measured: wp(99), target: '≤ 50', met: percentile(w.delays, 99) <= 50 && w.missed === 0 });
  targets.push({ what: 'replay (events/s)', measured: fmt(replayRate, 0), target: '≥ 20000', met: replayRate >= 20_000 });
  targets.push({ what: `apiserver RSS (MB, ${rep.storedLarge} pods, idle)`, measured: fmt(rep.memory.rssMb, 0), target: '≤ 250', met: rep.memory.rssMb <= 250 });
  console.log('\nTargets');
  table(['metric', 'measured', 'target', 'verdict'], targets.map((t) => [t.what, t.measured, t.target, t.met ? 'met' : 'MISSED']));
  return targets;
}
