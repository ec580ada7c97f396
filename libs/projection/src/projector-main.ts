// Runs one projector as its own process: what `npm start` does inside the apiserver, and what
// the crash tests kill with SIGKILL. Usage: projector-main <natsUrl> <pgUrl> <schema> <stream> <prefix>
import { EventLog } from '@keelson/eventlog';
import { openProjectionDb } from './database';
import { Projector } from './projector';

async function main(): Promise<void> {
  const [servers, pgUrl, schema, stream, prefix] = process.argv.slice(2);
  const log = await EventLog.connect({ servers, stream, prefix, name: 'projector' });
  const db = await openProjectionDb(pgUrl, schema, 4);
  const projector = new Projector(log, db);
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
