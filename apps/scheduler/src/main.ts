// The scheduler on its own: `node apps/scheduler/src/boot.js [--config file.yaml]` (compiled once, no TypeScript toolchain resident) or `node -r @swc-node/register apps/scheduler/src/main.ts`,
// the rest from the environment (see config.ts).
import { parseArgs } from 'node:util';
import { schedulerAppConfig } from './config';
import { startScheduler } from './server';

const { values } = parseArgs({ options: { config: { type: 'string' } }, strict: true });

startScheduler(schedulerAppConfig({ configFile: values.config }))
  .then((s) => {
    console.log('keelson scheduler started');
    const stop = () => void s.close().then(() => process.exit(0));
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  })
  .catch((e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
