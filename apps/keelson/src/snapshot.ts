import { EventLog, listSnapshots, takeSnapshot, type SnapshotInfo } from '@keelson/eventlog';

// `keelson snapshot`: compact the log into a snapshot that replays start from (libs/eventlog
// snapshot.ts), once, or every `--every` seconds until interrupted; `--list` shows what is kept.

export interface SnapshotCommand {
  natsUrl: string;
  toSeq?: number;
  keep: number;
  /** seconds between snapshots; once when unset */
  every?: number;
  list: boolean;
}

export async function snapshot(cmd: SnapshotCommand): Promise<void> {
  const log = await EventLog.connect({ servers: cmd.natsUrl, name: 'keelson-snapshot' });
  try {
    if (cmd.list) {
      const all = await listSnapshots(log);
      if (all.length === 0) console.log('no snapshots');
      for (const s of all) console.log(describe(s));
      return;
    }
    await takeOne(log, cmd);
    if (!cmd.every) return;
    const stopTaking = snapshotEvery(log, cmd.every, cmd.keep);
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    await stopTaking();
  } finally {
    await log.close();
  }
}

/**
 * Takes a snapshot of the log every `seconds` (none when the log has not moved) until the
 * returned function is called; a failed one is reported and the next one tried.
 */
export function snapshotEvery(log: EventLog, seconds: number, keep: number, report: (line: string) => void = console.log): () => Promise<void> {
  let taking: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    taking = taking.then(() => takeOne(log, { keep }, report)).catch((e) => report(`snapshot failed: ${(e as Error).message}`));
  }, seconds * 1000);
  return async () => {
    clearInterval(timer);
    await taking;
  };
}

async function takeOne(log: EventLog, cmd: { toSeq?: number; keep: number }, report: (line: string) => void = console.log): Promise<void> {
  const started = Date.now();
  const s = await takeSnapshot(log, { toSeq: cmd.toSeq, keep: cmd.keep });
  report(`${describe(s)} (${((Date.now() - started) / 1000).toFixed(2)} s)`);
}

function describe(s: SnapshotInfo): string {
  return `snapshot at sequence ${s.seq} (${s.time}): ${s.entries} objects, ${(s.bytes / 1024 / 1024).toFixed(1)} MiB`;
}
