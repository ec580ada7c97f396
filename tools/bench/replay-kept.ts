// Replays of a log kept by `npm run bench:api -- --keep`, in a fresh process: nats-server and
// Postgres started on copies of the kept data, then `replayInto` from sequence 1 into fresh
// schemas, --rounds times, each round's rate, CPU per event and the seconds of its steps printed.
// The first round is cold (this process, nats-server's block cache and the Postgres backend
// all fresh), as `keelson replay` is; later rounds show the steady state.
//
//   node -r @swc-node/register tools/bench/replay-kept.ts --data=/tmp/keelson-bench-XXXX \
//     [--rounds=5] [--reads-first=N] [--cpu-prof=<file>]
//
// --reads-first=N reads the whole log N times with a no-op callback before the replays (how
// much of a cold replay is the cold read); --cpu-prof profiles the first read or replay.
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { EventLog } from '@keelson/eventlog';
import { dropSchema, openProjectionDb, replayInto } from '@keelson/projection';
import { measureCpu } from './cpu';
import { withScratchSubstrate, type ScratchSubstrate } from './processes';

const { values: flags } = parseArgs({
  options: { data: { type: 'string' }, rounds: { type: 'string', default: '5' }, 'reads-first': { type: 'string', default: '0' }, 'cpu-prof': { type: 'string' } },
});

let profileWanted = Boolean(flags['cpu-prof']);

/** fn, the first time under the V8 profiler when --cpu-prof asks for it. */
async function profiledOnce<T>(fn: () => Promise<T>): Promise<T> {
  if (!profileWanted) return fn();
  profileWanted = false;
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  try {
    return await fn();
  } finally {
    writeFileSync(flags['cpu-prof']!, JSON.stringify((await session.post('Profiler.stop')).profile));
  }
}

async function main(): Promise<void> {
  if (!flags.data) throw new Error('--data=<dir kept by bench:api --keep> is required');
  await withScratchSubstrate('keelson-replay-kept-', replayKept, flags.data);
}

async function replayKept({ nats, pg }: ScratchSubstrate): Promise<void> {
  const substrate = { nats: nats.pid, postgres: pg.pid };
  const log = await EventLog.connect({ servers: nats.url, name: 'bench-replay' });
  try {
    const { last } = await log.bounds();
    for (let i = 0; i < Number(flags['reads-first']); i++) {
      const { result, seconds, cpu } = await measureCpu(substrate, () => profiledOnce(() => log.readRange({ filter: `${log.prefix}.>`, fromSeq: 1, toSeq: last, onEntry: () => undefined })));
      const us = (s: number) => ((s * 1e6) / result.count).toFixed(1);
      console.log(`read ${i}: ${result.count} entries in ${seconds.toFixed(3)} s; µs/event: reader ${us(cpu.self)}, nats-server ${us(cpu.nats)}`);
    }
    for (let i = 0; i < Number(flags.rounds); i++) {
      const schema = `kept_replay_${i}`;
      const db = await openProjectionDb(pg.url, schema, 2);
      const load = loadavg()[0];
      const { result, seconds, cpu } = await measureCpu(substrate, () => profiledOnce(() => replayInto(log, db, { fromSnapshot: false })));
      await db.destroy();
      await dropSchema(pg.url, schema);
      const us = (s: number) => ((s * 1e6) / result.events).toFixed(1);
      const ms = (s: number) => (s * 1000).toFixed(0);
      const t = result.timings!;
      console.log(`round ${i}: ${result.events} events in ${seconds.toFixed(3)} s = ${Math.round(result.events / seconds)}/s (load ${load.toFixed(1)}); ` +
        `µs/event: replay ${us(cpu.self)}, postgres ${us(cpu.postgres)}, nats-server ${us(cpu.nats)}; ` +
        `ms: setup ${ms(t.setup)}, read ${ms(t.read)}, history's tail ${ms(t.historyEnd)}, objects ${ms(t.objects)}, commit ${ms(t.commit)}`);
    }
  } finally {
    await log.close();
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
