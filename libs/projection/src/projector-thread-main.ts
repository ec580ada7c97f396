// Inside the projector thread (see projector-thread.ts): one Projector with its own log and
// Postgres connections, reporting its progress to the thread that reads.
import { parentPort, workerData } from 'node:worker_threads';
import { EventLog } from '@keelson/eventlog';
import { poolSource } from './pool-source';
import { Projector } from './projector';
import type { ProjectorThreadMessage, ProjectorThreadOptions } from './projector-thread';

async function main(port: NonNullable<typeof parentPort>, o: ProjectorThreadOptions): Promise<void> {
  const post = (m: ProjectorThreadMessage) => port.postMessage(m);
  const log = await EventLog.connect({ servers: o.servers, stream: o.stream, prefix: o.prefix, name: 'projector' });
  // The process's other connection has made the schema; one batch is written at a time.
  const { db, end } = poolSource(o.pgUrl, o.schema, 2);
  const projector = new Projector(log, db, { name: o.name, onBatch: (_, seq) => post({ advance: seq }) });
  await projector.start();
  post({ ready: projector.checkpoint });
  port.on('message', (m) => {
    if (m !== 'stop') return;
    void (async () => {
      await projector.stop();
      await end().catch(() => undefined);
      await log.close();
      port.close();
    })();
  });
}

// A failure rejects unhandled, which ends the thread and reaches the owner as its 'error' event.
void main(parentPort!, workerData as ProjectorThreadOptions);
