import type { DynamicModule, INestApplicationContext } from '@nestjs/common';

/**
 * A component without HTTP of its own (scheduler, controller-manager, DNS, ingress controller)
 * as a Nest application context, initialised — informers synced, sockets bound — or, when
 * initialising fails, closed again so that nothing it opened (NATS connections, timers) keeps
 * the process or a test alive.
 */
export async function startAppContext(module: DynamicModule): Promise<INestApplicationContext> {
  // Loaded here, not at the top: the rest of this library starts substrates and must stay light.
  const { NestFactory } = await import('@nestjs/core');
  const app = await NestFactory.createApplicationContext(module, { logger: ['error', 'warn'], abortOnError: false });
  try {
    await app.init();
  } catch (e) {
    await app.close().catch(() => undefined);
    throw e;
  }
  return app;
}
