import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { Transport, type MicroserviceOptions } from '@nestjs/microservices';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Api, createHttpHandler, createUpgradeHandler, transportErrorStatus } from '@keelson/apiserver';
import { ApiServerModule } from './app.module';
import type { ApiServerConfig } from './config';
import type { IncomingMessage } from 'node:http';

export interface RunningApiServer {
  url: string;
  app: NestFastifyApplication;
  close(): Promise<void>;
}

const MAX_BODY = 3 * 1024 * 1024; // Kubernetes' request body limit

/** Starts the apiserver: Kubernetes REST over HTTP on Fastify, and `keelson.api.*` over NATS. */
export async function startApiServer(config: ApiServerConfig): Promise<RunningApiServer> {
  const app = await NestFactory.create<NestFastifyApplication>(ApiServerModule.forConfig(config), new FastifyAdapter({ bodyLimit: MAX_BODY }), {
    bodyParser: false,
    logger: ['error', 'warn'],
    abortOnError: false,
  });
  const fastify = app.getHttpAdapter().getInstance();
  // Bodies are decoded by the handler (JSON, YAML and the patch types), so Fastify hands over bytes.
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: MAX_BODY }, (_req, body, done) => done(null, body));
  const handle = createHttpHandler(app.get(Api));
  for (const url of ['/', '/*']) {
    fastify.route({
      method: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
      url,
      // What Fastify refuses before the handler (a body over the limit) is a Status too; the
      // route's own error handler, because Nest installs its exception layer on the instance at listen.
      errorHandler: (err, request, reply) => {
        const status = transportErrorStatus(err);
        const send = () => void reply.code(status.code).header('Content-Type', 'application/json').send(JSON.stringify(status));
        // A client still writing the body it was refused for would have its connection reset
        // before it reads the answer (EPIPE): read the rest (bounded) first, then answer.
        afterBody(request.raw, send);
      },
      handler: (request, reply) => {
        reply.hijack();
        void handle(request.raw, reply.raw, request.body as Buffer | undefined);
      },
    });
  }
  // exec, attach and port-forward arrive as upgrades, which Fastify's routes never see
  app.getHttpServer().on('upgrade', createUpgradeHandler(app.get(Api).store));
  if (config.internalApi) {
    app.connectMicroservice<MicroserviceOptions>({ transport: Transport.NATS, options: { servers: [config.natsUrl], queue: 'keelson-apiserver' } });
    await app.startAllMicroservices();
  }
  await app.listen(config.port, config.host);
  return { url: `http://${config.host}:${config.port}`, app, close: () => app.close() };
}

const DRAIN_LIMIT = 4 * MAX_BODY;
const DRAIN_MS = 5_000;

/** Calls `then` once the request body has been read to its end, or after a bound on bytes or time. */
function afterBody(req: IncomingMessage, then: () => void): void {
  if (req.complete || req.readableEnded) return then();
  let done = false;
  let read = 0;
  const finish = () => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    then();
  };
  const timer = setTimeout(finish, DRAIN_MS);
  req.on('data', (chunk: Buffer) => {
    read += chunk.length;
    if (read > DRAIN_LIMIT) finish();
  });
  req.once('end', finish);
  req.once('error', finish);
  req.resume();
}
