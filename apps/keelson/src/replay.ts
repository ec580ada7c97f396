import { SingleBar, Presets } from 'cli-progress';
import { EventLog } from '@keelson/eventlog';
import { compareProjections, dropSchema, LIVE_SCHEMA, openProjectionDb, readCheckpoint, replayInto } from '@keelson/projection';

// `keelson replay`: rebuild the projection from the log into a fresh schema, with a progress
// bar, optionally only up to a sequence or a time, then compare it with the live projection
// (as of the same point) and print the differences. Exit code 0 when they agree. It starts from
// the newest snapshot that fits (`keelson snapshot`), so the rebuilt history begins there;
// `--from-start` replays from sequence 1 and rebuilds all of it.

export interface ReplayCommand {
  natsUrl: string;
  pgUrl: string;
  toSeq?: number;
  toTime?: Date;
  schema?: string;
  keep: boolean;
  fromStart?: boolean;
}

export async function replay(cmd: ReplayCommand): Promise<number> {
  const log = await EventLog.connect({ servers: cmd.natsUrl, name: 'keelson-replay' });
  const schema = cmd.schema ?? `replay_${Date.now()}`;
  const live = await openProjectionDb(cmd.pgUrl, LIVE_SCHEMA, 2);
  const fresh = await openProjectionDb(cmd.pgUrl, schema, 2);
  try {
    const liveAt = await readCheckpoint(live, 'projector');
    // Without a bound, replay exactly as far as the live projection has got, so the two can be compared.
    const toSeq = cmd.toSeq ?? (cmd.toTime ? undefined : liveAt);
    const { last } = await log.bounds();
    const target = Math.min(toSeq ?? last, last);
    const bar = new SingleBar({ format: 'replay |{bar}| {value}/{total} seq | {rate} events/s | {eta_formatted} left', hideCursor: true }, Presets.shades_classic);
    bar.start(target, 0, { rate: 0 });
    const started = Date.now();
    const result = await replayInto(log, fresh, {
      toSeq,
      toTime: cmd.toTime,
      fromSnapshot: !cmd.fromStart,
      onProgress: (seq, events) => bar.update(seq, { rate: Math.round(events / Math.max(0.001, (Date.now() - started) / 1000)) }),
    });
    bar.update(result.lastSeq);
    bar.stop();
    const seconds = (Date.now() - started) / 1000;
    const from = result.snapshot ? `the snapshot at sequence ${result.snapshot.seq} (${result.snapshot.entries} objects) and the log after it` : 'sequence 1';
    console.log(`replayed ${result.events} events from ${from} up to sequence ${result.lastSeq} into schema ${schema} in ${seconds.toFixed(2)} s (${Math.round(result.events / Math.max(seconds, 0.001))} events/s)`);
    const t = result.timings;
    if (t) console.log(`  setting up ${t.setup.toFixed(2)} s, reading the log ${t.read.toFixed(2)} s, then history's tail ${t.historyEnd.toFixed(2)} s (objects' last rows meanwhile ${t.objects.toFixed(2)} s), commit ${t.commit.toFixed(2)} s`);
    const asOf = result.lastSeq === liveAt ? undefined : result.lastSeq;
    const diffs = await compareProjections(live, LIVE_SCHEMA, schema, asOf);
    if (diffs.length === 0) {
      console.log(`the rebuilt projection equals the live one${asOf !== undefined ? ` as of sequence ${asOf}` : ''}`);
    } else {
      console.log(`${diffs.length} difference(s) from the live projection${asOf !== undefined ? ` as of sequence ${asOf}` : ''}:`);
      for (const d of diffs.slice(0, 50)) console.log(`  ${d.kind.padEnd(18)} ${d.resource} ${d.namespace ? `${d.namespace}/` : ''}${d.name}`);
    }
    return diffs.length === 0 ? 0 : 1;
  } finally {
    await fresh.destroy();
    if (!cmd.keep) await dropSchema(cmd.pgUrl, schema);
    else console.log(`kept schema ${schema}`);
    await live.destroy();
    await log.close();
  }
}
