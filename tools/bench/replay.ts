// A focused replay benchmark: N pod entries appended straight to JetStream, then (1) the bare
// follow loop of libs/eventlog with a no-op callback, (2) the same without decoding (followRaw),
// (3) readRange with a no-op callback (what replay reads with), (4) replayInto a fresh schema
// from sequence 1, (5) taking a snapshot of the whole log and (6) replayInto from that snapshot,
// each with its rate and the CPU time per event of this process, nats-server and Postgres.
// --cpu-prof profiles the replay from sequence 1 only.
//
//   node -r @swc-node/register tools/bench/replay.ts [--events=20000] [--cpu-prof=<file>]
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { Session } from 'node:inspector/promises';
import { parseArgs } from 'node:util';
import { EventLog, takeSnapshot } from '@keelson/eventlog';
import { dropSchema, openProjectionDb, replayInto } from '@keelson/projection';
import { measureCpu } from './cpu';
import { benchPod } from './pods';
import { withScratchSubstrate, type ScratchSubstrate } from './processes';

const { values: flags } = parseArgs({ options: { events: { type: 'string', default: '20000' }, 'cpu-prof': { type: 'string' } } });
const N = Number(flags.events);

let substrate = { nats: 0, postgres: 0 };

async function timed<T>(what: string, events: number, fn: () => Promise<T>): Promise<T> {
  const { result, seconds, cpu } = await measureCpu(substrate, fn);
  const us = (s: number) => ((s * 1e6) / events).toFixed(1);
  console.log(`${what}: ${events} events in ${seconds.toFixed(2)} s = ${Math.round(events / seconds)} events/s (load ${loadavg()[0].toFixed(1)}); ` +
    `CPU µs/event: this process ${us(cpu.self)}, nats-server ${us(cpu.nats)}, postgres ${us(cpu.postgres)}, total ${us(cpu.self + cpu.nats + cpu.postgres)}`);
  return result;
}

async function main(): Promise<void> {
  await withScratchSubstrate('keelson-replay-', replayBench);
}

async function replayBench({ nats, pg }: ScratchSubstrate): Promise<void> {
  substrate = { nats: nats.pid, postgres: pg.pid };
  const log = await EventLog.connect({ servers: nats.url, name: 'bench-replay' });
  try {
    await timed('append', N, async () => {
      const inflight: Promise<unknown>[] = [];
      for (let i = 0; i < N; i++) {
        const name = `pod-${i}`;
        inflight.push(log.append({ key: { group: '', plural: 'pods', namespace: 'bench', name }, expectedSeq: 0, envelope: { type: 'Created', object: benchPod('bench', name, i), actor: 'user:bench', time: new Date().toISOString() } }));
        if (inflight.length >= 256) await Promise.all(inflight.splice(0));
      }
      await Promise.all(inflight);
    });
    await timed('follow (no-op callback)', N, async () => {
      const ac = new AbortController();
      let n = 0;
      await log.follow(`${log.prefix}.>`, 1, () => { if (++n >= N) ac.abort(); }, ac.signal);
    });
    await timed('followRaw (no decoding, 4096 per pull)', N, async () => {
      const ac = new AbortController();
      let n = 0;
      await log.followRaw(`${log.prefix}.>`, 1, () => { if (++n >= N) ac.abort(); }, ac.signal, { batch: 4096 });
    });
    await timed('readRange (no-op callback)', N, async () => {
      const r = await log.readRange({ filter: `${log.prefix}.>`, fromSeq: 1, toSeq: N, onEntry: () => undefined });
      if (r.count !== N) throw new Error(`read ${r.count} of ${N}`);
    });
    const db = await openProjectionDb(pg.url, 'bench_replay', 2);
    const session = flags['cpu-prof'] ? new Session() : undefined;
    if (session) {
      session.connect();
      await session.post('Profiler.enable');
      await session.post('Profiler.start');
    }
    try {
      const r = await timed('replayInto (from sequence 1)', N, () => replayInto(log, db, { fromSnapshot: false }));
      if (r.events !== N) throw new Error(`replayed ${r.events} of ${N}`);
      const [{ count }] = await db.query(`SELECT count(*)::int AS count FROM objects`);
      if (count !== N) throw new Error(`objects table has ${count} rows, expected ${N}`);
    } finally {
      await db.destroy();
    }
    if (session) {
      const { profile } = await session.post('Profiler.stop');
      writeFileSync(flags['cpu-prof']!, JSON.stringify(profile));
    }
    await dropSchema(pg.url, 'bench_replay');
    const snap = await timed('takeSnapshot (the whole log)', N, () => takeSnapshot(log));
    const fromSnap = await openProjectionDb(pg.url, 'bench_replay_snap', 2);
    try {
      const r = await timed(`replayInto (from the snapshot at ${snap.seq}, ${snap.entries} objects)`, N, () => replayInto(log, fromSnap));
      if (r.snapshot?.seq !== snap.seq || r.events !== N) throw new Error(`replay from the snapshot: ${JSON.stringify(r)}`);
    } finally {
      await fromSnap.destroy();
    }
  } finally {
    await log.close();
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
