import type { DockerDaemon } from '@keelson/runtime';
import substrates from './global-teardown';
import { DOCKER_STATE } from './global-setup-e2e';

export default async function globalTeardownE2e(): Promise<void> {
  const daemon = (globalThis as Record<symbol, unknown>)[DOCKER_STATE] as DockerDaemon | undefined;
  delete (globalThis as Record<symbol, unknown>)[DOCKER_STATE];
  await daemon?.stop?.();
  await substrates();
}
