// The controller-manager on its own: `node -r @swc-node/register apps/controller-manager/src/main.ts [--controllers a,b]`,
// the rest from the environment (see config.ts).
import { parseArgs } from 'node:util';
import { controllerManagerConfig, parseControllers } from './config';
import { startControllerManager } from './server';

const { values } = parseArgs({ options: { controllers: { type: 'string' } }, strict: true });

Promise.resolve()
  .then(() => startControllerManager(controllerManagerConfig({ controllers: values.controllers ? parseControllers(values.controllers) : undefined })))
  .then((s) => {
    console.log('keelson controller-manager started');
    const stop = () => void s.close().then(() => process.exit(0));
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  })
  .catch((e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
