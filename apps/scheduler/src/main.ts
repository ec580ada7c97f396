// The scheduler on its own: `node apps/scheduler/src/boot.js [--config file.yaml]` (compiled once, no TypeScript toolchain resident) or `node -r @swc-node/register apps/scheduler/src/main.ts`,
// the rest from the environment (see config.ts).
import { parseArgs } from 'node:util';
import { fromCommandLine, runService } from '@keelson/local';
import { schedulerAppConfig } from './config';
import { startScheduler } from './server';

const config = fromCommandLine(() => schedulerAppConfig({ configFile: parseArgs({ options: { config: { type: 'string' } }, strict: true }).values.config }));

runService(() => startScheduler(config), () => 'keelson scheduler started');
