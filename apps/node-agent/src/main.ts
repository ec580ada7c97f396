// node-agent --node N [...]: one node's agent (see config.ts for the flags).
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { parseNodeAgentArgs } from './config';
import { NodeAgentModule } from './node-agent.module';

async function main(): Promise<void> {
  const config = parseNodeAgentArgs(process.argv.slice(2));
  console.log(`${config.name}: configuration ${JSON.stringify(config)}`);
  // Started by `npm start` (or a test) with a pipe on stdin: when the parent goes, so do we.
  if (process.env.KEELSON_EXIT_WITH_PARENT === 'true') process.stdin.on('end', () => process.kill(process.pid, 'SIGTERM')).resume();
  const app = await NestFactory.createApplicationContext(NodeAgentModule.forConfig(config), { logger: ['error', 'warn'], abortOnError: false });
  app.enableShutdownHooks(['SIGTERM', 'SIGINT']);
}

main().catch((e) => {
  console.error(`node-agent: ${(e as Error).stack ?? e}`);
  process.exit(1);
});
