// Jest globalSetup of the e2e tier: the int tier's substrates, plus a Docker engine and the
// locally built images, prepared once for every e2e file (files running in parallel would
// otherwise race to start one dockerd). A dockerd this run started is stopped at the end.
import Docker from 'dockerode';
import { join } from 'node:path';
import { ensureDocker, ensureImages } from '@keelson/runtime';
import substrates from './global-setup';

export const DOCKER_STATE = Symbol.for('keelson.test.docker');

export default async function globalSetupE2e(): Promise<void> {
  await substrates();
  const daemon = await ensureDocker({ logFile: join(process.env.TMPDIR ?? '/tmp', `keelson-test-dockerd-${process.pid}.log`) });
  (globalThis as Record<symbol, unknown>)[DOCKER_STATE] = daemon;
  await ensureImages(new Docker({ socketPath: daemon.socket }));
}
