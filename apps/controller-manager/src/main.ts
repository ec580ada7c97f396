// The controller-manager on its own:
//   node -r @swc-node/register apps/controller-manager/src/main.ts [--controllers a,b]
//     [--node-monitor-grace-period 40s] [--default-toleration-seconds 300]
// the rest from the environment (see config.ts).
import { parseArgs } from 'node:util';
import { fromCommandLine, runService } from '@keelson/local';
import { controllerManagerConfig, parseControllers, parseSeconds } from './config';
import { startControllerManager } from './server';

const config = fromCommandLine(() => {
  const { values } = parseArgs({
    options: { controllers: { type: 'string' }, 'node-monitor-grace-period': { type: 'string' }, 'default-toleration-seconds': { type: 'string' } },
    strict: true,
  });
  const seconds = (flag: 'node-monitor-grace-period' | 'default-toleration-seconds') => (values[flag] === undefined ? undefined : parseSeconds(values[flag], flag));
  return controllerManagerConfig({
    controllers: values.controllers ? parseControllers(values.controllers) : undefined,
    nodeMonitorGracePeriodSeconds: seconds('node-monitor-grace-period'),
    defaultTolerationSeconds: seconds('default-toleration-seconds'),
  });
});
runService(() => startControllerManager(config), () => `keelson controller-manager started (node-monitor-grace-period ${config.nodeMonitorGracePeriodSeconds}s, default-toleration-seconds ${config.defaultTolerationSeconds})`);
