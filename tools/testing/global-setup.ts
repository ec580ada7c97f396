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
  // allSettled, not all: if one fails, the other must still be recorded so it gets stopped.
  const [nats, postgres] = await Promise.allSettled([
    freePort().then((port) => startNats({ dataDir: join(dir, 'nats'), port })),
    freePort().then((port) => startPostgres({ dataDir: join(dir, 'postgres'), port })),
  ]);
  for (const s of [nats, postgres]) if (s.status === 'fulfilled') state.running.push(s.value);
  if (nats.status === 'rejected' || postgres.status === 'rejected') {
    // Jest skips globalTeardown when globalSetup throws; leave nothing behind.
    const { default: teardown } = await import('./global-teardown');
    await teardown();
    throw [nats, postgres].map((s) => (s.status === 'rejected' ? s.reason : undefined)).find(Boolean);
  }
  process.env.KEELSON_NATS_URL = nats.value.url;
  process.env.KEELSON_PG_URL = postgres.value.url;
}
