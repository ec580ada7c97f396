// Runs one projector as its own process, as the crash tests kill it with SIGKILL; with `thread`
// as its last argument, on a worker thread as the apiserver runs it (projector-thread.ts).
// Usage: projector-main <natsUrl> <pgUrl> <schema> <stream> <prefix> [thread]
import { EventLog } from '@keelson/eventlog';
import { openProjectionDb } from './database';
import { Projector } from './projector';
import { ProjectorThread } from './projector-thread';

async function main(): Promise<void> {
  const [servers, pgUrl, schema, stream, prefix, mode] = process.argv.slice(2);
  const log = await EventLog.connect({ servers, stream, prefix, name: 'projector' });
  const db = await openProjectionDb(pgUrl, schema, 4);
  const projector = mode === 'thread' ? new ProjectorThread({ servers, stream, prefix, pgUrl, schema }) : new Projector(log, db);
  await projector.start();
  process.stdout.write('ready\n');
  const stop = async () => {
    await projector.stop();
    await db.destroy();
    await log.close();
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
