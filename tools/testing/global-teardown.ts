import { rmSync } from 'node:fs';
import { SUBSTRATES, type TestSubstrates } from './substrates';

export default async function globalTeardown(): Promise<void> {
  const state = (globalThis as Record<symbol, unknown>)[SUBSTRATES] as TestSubstrates | undefined;
  if (!state) return; // setup used substrates someone else runs
  delete (globalThis as Record<symbol, unknown>)[SUBSTRATES];
  await Promise.allSettled(state.running.map((s) => s.stop()));
  delete process.env.KEELSON_NATS_URL; // so a rerun (jest --watch) starts fresh ones
  delete process.env.KEELSON_PG_URL;
  // KEELSON_KEEP_TEST_DATA=1 keeps the logs and data of a failed run to look at.
  if (process.env.KEELSON_KEEP_TEST_DATA) process.stderr.write(`\nkeelson: test substrates kept in ${state.dir}\n`);
  else rmSync(state.dir, { recursive: true, force: true });
}
