// Jest globalSetup of the int and e2e tiers: one NATS and one Postgres for the whole run, in a
// fresh temp dir on free ports. Jest runs this once even though both projects name it, in its
// own process, before the workers start; the workers inherit process.env, which is how the
// specs find the substrates. Test files isolate themselves with tools/testing helpers.
import { chmodSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startNats, startPostgres } from '@keelson/local';
import { SUBSTRATES, type TestSubstrates } from './substrates';

export default async function globalSetup(): Promise<void> {
  // Someone already runs substrates (a dev loop); use them and start nothing.
  if (process.env.KEELSON_NATS_URL && process.env.KEELSON_PG_URL) return;

  const dir = mkdtempSync(join(tmpdir(), 'keelson-test-'));
  chmodSync(dir, 0o711); // Postgres runs as an unprivileged user and must enter it
  const state: TestSubstrates = { dir, running: [] };
  (globalThis as Record<symbol, unknown>)[SUBSTRATES] = state;
  try {
    const [nats, postgres] = await Promise.all([
      startNats({ dataDir: join(dir, 'nats'), port: await freePort() }),
      startPostgres({ dataDir: join(dir, 'postgres'), port: await freePort() }),
    ]);
    state.running.push(nats, postgres);
    process.env.KEELSON_NATS_URL = nats.url;
    process.env.KEELSON_PG_URL = postgres.url;
  } catch (err) {
    // Jest skips the teardown when setup throws; leave nothing behind.
    const { default: teardown } = await import('./global-teardown');
    await teardown();
    throw err;
  }
}
