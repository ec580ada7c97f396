import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { Transport, type MicroserviceOptions } from '@nestjs/microservices';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Api, collectWhenIdle, createHttpHandler, createRequestListener, createUpgradeHandler, MAX_BODY } from '@keelson/apiserver';
import { ApiServerModule } from './app.module';
import type { ApiServerConfig } from './config';
import type { Server } from 'node:http';

export interface RunningApiServer {
  url: string;
  app: NestFastifyApplication;
  close(): Promise<void>;
}

/** Starts the apiserver: Kubernetes REST over HTTP, and `keelson.api.*` over NATS. */
export async function startApiServer(config: ApiServerConfig): Promise<RunningApiServer> {
  const app = await NestFactory.create<NestFastifyApplication>(ApiServerModule.forConfig(config), new FastifyAdapter({ bodyLimit: MAX_BODY }), {
    bodyParser: false,
    logger: ['error', 'warn'],
    abortOnError: false,
  });
  if (config.internalApi) {
    app.connectMicroservice<MicroserviceOptions>({ transport: Transport.NATS, options: { servers: [config.natsUrl], queue: 'keelson-apiserver' } });
    await app.startAllMicroservices();
  }
  // Every route answers through the one REST handler: a plain `request` listener takes the place
  // of Fastify's router (see request-listener.ts); Fastify stays as the adapter Nest listens and closes with.
  await app.init();
  const server = app.getHttpServer() as Server;
  server.removeAllListeners('request');
  server.on('request', createRequestListener(createHttpHandler(app.get(Api)), MAX_BODY));
  // exec, attach and port-forward arrive as upgrades
  server.on('upgrade', createUpgradeHandler(app.get(Api).store));
  await app.listen(config.port, config.host);
  if (server.listenerCount('request') !== 1) throw new Error('the HTTP server has a request listener besides the REST handler');
  // what a burst of requests leaves in the heap goes once they stop, not at V8's leisure (idle-gc.ts)
  const stopCollecting = collectWhenIdle();
  return {
    url: `http://${config.host}:${config.port}`,
    app,
    close: () => {
      stopCollecting();
      return app.close();
    },
  };
}
