import { execFile } from 'node:child_process';
import { appendFileSync, chmodSync, chownSync, existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { LOOPBACK, assertPortFree } from './ports';
import { allowHugePages } from './huge-pages';
import { describeLive, holderOf, readIfExists, reclaimOrphan, spawnSupervised, waitUntilReady } from './process';
import type { RunningSubstrate } from './nats';
import { findPostgresBin, makeTraversable, postgresUser, type PostgresUser } from './postgres-host';

export interface PostgresOptions {
  /** Owned by the Postgres user: the cluster in `data/`, its socket; our log sits beside it. */
  dataDir: string;
  port: number;
  /** Database created on first start. */
  database?: string;
  readyTimeoutMs?: number;
  /** Where notices about changes to the host go (a user created, a directory made traversable). */
  log?: (line: string) => void;
}

export const PG_SUPERUSER = 'keelson';

/**
 * Dev-box settings for 2 cores. Durability stays on (fsync, synchronous_commit): the
 * projections must survive a crash as well as the log they are built from does.
 * `wal_level=minimal`: this Postgres has no replicas or WAL archive (the log is what is
 * replicated and kept), and at this level a table created or truncated in a transaction is
 * written without WAL and synced at its commit: a replay's load (rebuild-load.ts) then writes
 * its rows once instead of twice. Crash recovery is the same for everything else: the live
 * projector's batches and checkpoint are WAL-logged and fsynced at commit as before.
 */
export const POSTGRES_SETTINGS: Record<string, string> = {
  listen_addresses: LOOPBACK,
  fsync: 'on',
  synchronous_commit: 'on',
  wal_level: 'minimal',
  max_wal_senders: '0',
  shared_buffers: '128MB',
  max_connections: '100',
  logging_collector: 'off',
  // shared memory on huge pages when the kernel allows them (huge-pages.ts), else normal pages
  huge_pages: 'try',
};

// SIGINT is Postgres' "fast" shutdown: it disconnects clients and checkpoints. SIGTERM
// ("smart") would wait for every client to leave, forever if a pool was leaked.
const STOP_SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGQUIT', 'SIGKILL'];
const run = promisify(execFile);

/** Starts a Postgres cluster on 127.0.0.1 (creating it on first use) and resolves once it takes queries. */
export async function startPostgres(opts: PostgresOptions): Promise<RunningSubstrate> {
  const { dataDir, port } = opts;
  const database = opts.database ?? PG_SUPERUSER;
  const log = opts.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const bin = findPostgresBin();
  const user = postgresUser(log);
  const pgdata = join(dataDir, 'data');
  const ownerFile = join(dataDir, 'owner.pid');
  const logFile = join(dataDir, 'postgres.log');

  mkdirSync(dataDir, { recursive: true });
  if (user) {
    makeTraversable(dataDir, user, log);
    chownSync(dataDir, user.uid, user.gid);
  }
  chmodSync(dataDir, 0o700);
  if (!existsSync(join(pgdata, 'PG_VERSION'))) await initdb(bin, pgdata, user, logFile);

  const lockFile = join(pgdata, 'postmaster.pid');
  const holder = holderOf(Number(readIfExists(lockFile)?.split('\n')[0]), ownerFile, /postgres/);
  if (holder.kind === 'live') throw describeLive('postgres', dataDir, holder);
  if (holder.kind === 'orphan') {
    log(`keelson: postgres pid ${holder.pid} from an earlier run still holds ${pgdata}; shutting it down`);
    await reclaimOrphan(holder.pid, STOP_SIGNALS, 10_000);
  }
  // Whatever pid the lock file names is not a running postgres now; a stale file could only
  // make Postgres refuse to start if that pid has been reused.
  rmSync(lockFile, { force: true });
  await assertPortFree(port, `postgres for ${dataDir}`);

  // A Unix socket path is limited to 107 bytes; without one, clients use TCP as we do anyway.
  const socketDir = `${dataDir}/.s.PGSQL.${port}`.length < 100 ? dataDir : '';
  const settings = { ...POSTGRES_SETTINGS, port: String(port), unix_socket_directories: socketDir };
  const args = ['-D', pgdata, ...Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${v}`])];
  const env = { ...process.env, LC_ALL: 'C' };
  if (process.getuid?.() === 0) allowHugePages(await hugePagesNeeded(bin, args, user), log);
  writeFileSync(ownerFile, `${process.pid}\n`);
  const child = spawnSupervised({ name: 'postgres', command: join(bin, 'postgres'), args, logFile, deathSignal: 'SIGINT', runAs: user, env });
  const stop = async () => {
    await child.stop(STOP_SIGNALS, 15_000);
    rmSync(ownerFile, { force: true });
  };
  const client = { host: LOOPBACK, port, user: PG_SUPERUSER };
  try {
    await waitUntilReady('postgres', child, logFile, opts.readyTimeoutMs ?? 60_000, () => withClient({ ...client, database: 'postgres' }, async (c) => {
      const found = await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
      if (found.rowCount === 0) await c.query(`CREATE DATABASE "${database.replace(/"/g, '""')}"`);
    }));
  } catch (err) {
    await stop().catch(() => undefined);
    throw err;
  }
  return { url: `postgres://${PG_SUPERUSER}@${LOOPBACK}:${port}/${encodeURIComponent(database)}`, pid: child.pid, stop };
}

/**
 * initdb into a scratch directory and rename it into place, so an initdb cut short (Ctrl-C,
 * kill) leaves no half-made cluster that the next start would mistake for a real one.
 */
async function initdb(bin: string, pgdata: string, user: PostgresUser | undefined, logFile: string): Promise<void> {
  const scratch = `${pgdata}.initdb`;
  rmSync(scratch, { recursive: true, force: true });
  const initdbArgs = [join(bin, 'initdb'), '-D', scratch, '--auth=trust', '-U', PG_SUPERUSER, '--encoding=UTF8', '--no-locale', '--no-instructions'];
  try {
    const { stdout, stderr } = await runAs(user, initdbArgs);
    appendFileSync(logFile, stdout + stderr);
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(`initdb for ${pgdata} failed: ${e.stderr || e.message}`);
  }
  renameSync(scratch, pgdata);
}

/** How many huge pages this Postgres' shared memory takes with these settings, as Postgres itself computes it (0 when it cannot say). */
async function hugePagesNeeded(bin: string, args: string[], user: PostgresUser | undefined): Promise<number> {
  try {
    const { stdout } = await runAs(user, [join(bin, 'postgres'), ...args, '-C', 'shared_memory_size_in_huge_pages']);
    return Math.max(0, Number(stdout.trim()) || 0);
  } catch {
    return 0;
  }
}

/** Runs a Postgres program as the Postgres user (when we are root), in the C locale. */
function runAs(user: PostgresUser | undefined, argv: string[]): Promise<{ stdout: string; stderr: string }> {
  const drop = user ? [`--reuid=${user.uid}`, `--regid=${user.gid}`, '--init-groups'] : [];
  return run('/usr/bin/setpriv', [...drop, '--', ...argv], { cwd: '/', env: { ...process.env, LC_ALL: 'C' } });
}

async function withClient<T>(config: ConstructorParameters<typeof Client>[0], body: (c: Client) => Promise<T>): Promise<T> {
  const c = new Client(config);
  c.on('error', () => undefined); // a server shutting down mid-probe must not crash us
  await c.connect();
  try {
    return await body(c);
  } finally {
    await c.end().catch(() => undefined);
  }
}
