import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect } from 'nats';
import { LOOPBACK, assertPortFree } from './ports';
import { describeLive, holderOf, readIfExists, reclaimOrphan, spawnSupervised, waitUntilReady } from './process';

export interface NatsOptions {
  /** Owned by this server: config, log, pid file and the JetStream store (`jetstream/`). */
  dataDir: string;
  port: number;
  /** HTTP monitoring (/varz, /jsz) on 127.0.0.1; off unless given. */
  monitorPort?: number;
  readyTimeoutMs?: number;
}

export interface RunningSubstrate {
  url: string;
  pid: number;
  /** Orderly shutdown; resolves once the process is gone. Idempotent. */
  stop(): Promise<void>;
}

/**
 * 8 MB: a Kubernetes object may be ~1.5 MB and an event carries the object plus metadata;
 * 8 MB is the largest nats-server accepts without warning.
 */
const MAX_PAYLOAD = '8MB';
const STOP_SIGNALS: NodeJS.Signals[] = ['SIGTERM', 'SIGKILL'];

export function findNatsServer(): string {
  const found = ['/usr/sbin/nats-server', '/usr/bin/nats-server', '/usr/local/bin/nats-server'].find((p) => existsSync(p));
  if (!found) throw new Error('nats-server not found; run `npm start` or `npm test` once (tools/bootstrap.sh installs it with apt-get)');
  return found;
}

export function natsConfig(opts: NatsOptions): string {
  const lines = [
    `listen: "${LOOPBACK}:${opts.port}"`,
    `max_payload: ${MAX_PAYLOAD}`,
    `pid_file: "${join(opts.dataDir, 'nats-server.pid')}"`,
    ...(opts.monitorPort ? [`http: "${LOOPBACK}:${opts.monitorPort}"`] : []),
    // Laptop-sized limits: JetStream otherwise claims 75% of memory and of the disk.
    'jetstream {',
    `  store_dir: "${join(opts.dataDir, 'jetstream')}"`,
    '  max_memory_store: 256MB',
    '  max_file_store: 8GB',
    '}',
  ];
  return lines.join('\n') + '\n';
}

/** Starts nats-server with JetStream on 127.0.0.1 and resolves once JetStream answers. */
export async function startNats(opts: NatsOptions): Promise<RunningSubstrate> {
  const { dataDir, port } = opts;
  mkdirSync(dataDir, { recursive: true });
  const pidFile = join(dataDir, 'nats-server.pid');
  const ownerFile = join(dataDir, 'owner.pid');
  const logFile = join(dataDir, 'nats-server.log');

  const holder = holderOf(Number(readIfExists(pidFile)?.trim()), ownerFile, /nats-server/);
  if (holder.kind === 'live') throw describeLive('nats-server', dataDir, holder);
  if (holder.kind === 'orphan') await reclaimOrphan(holder.pid, STOP_SIGNALS, 5000);
  rmSync(pidFile, { force: true });
  await assertPortFree(port, `nats-server for ${dataDir}`);
  if (opts.monitorPort) await assertPortFree(opts.monitorPort, `nats-server monitoring for ${dataDir}`);

  const configFile = join(dataDir, 'nats-server.conf');
  writeFileSync(configFile, natsConfig(opts));
  writeFileSync(ownerFile, `${process.pid}\n`);
  const child = spawnSupervised({ name: 'nats-server', command: findNatsServer(), args: ['-c', configFile], logFile, deathSignal: 'SIGTERM' });
  const url = `nats://${LOOPBACK}:${port}`;
  const stop = async () => {
    await child.stop(STOP_SIGNALS, 10_000);
    rmSync(ownerFile, { force: true });
  };
  try {
    await waitUntilReady('nats-server', child, logFile, opts.readyTimeoutMs ?? 30_000, async () => {
      const nc = await connect({ servers: url, reconnect: false, timeout: 1000 });
      try {
        // JetStream answers only once it has recovered its streams from disk.
        await (await nc.jetstreamManager({ timeout: 1000 })).getAccountInfo();
      } finally {
        await nc.close();
      }
    });
  } catch (err) {
    await stop().catch(() => undefined);
    throw err;
  }
  return { url, pid: child.pid, stop };
}
