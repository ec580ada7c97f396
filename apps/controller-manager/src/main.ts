// The controller-manager on its own: `node -r @swc-node/register apps/controller-manager/src/main.ts [--controllers a,b]`,
// the rest from the environment (see config.ts).
import { parseArgs } from 'node:util';
import { runService } from '@keelson/local';
import { controllerManagerConfig, parseControllers } from './config';
import { startControllerManager } from './server';

const { values } = parseArgs({ options: { controllers: { type: 'string' } }, strict: true });

runService(() => startControllerManager(controllerManagerConfig({ controllers: values.controllers ? parseControllers(values.controllers) : undefined })), () => 'keelson controller-manager started');
