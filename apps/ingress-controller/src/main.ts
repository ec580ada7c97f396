// The ingress controller on its own: `node -r @swc-node/register apps/ingress-controller/src/main.ts [--node N]`,
// the rest from the environment (see config.ts).
import { parseArgs } from 'node:util';
import { fromCommandLine, runService } from '@keelson/local';
import { ingressControllerConfig, publishedAddress } from './config';
import { startIngressController } from './server';

const config = fromCommandLine(() => {
  const { values } = parseArgs({ options: { node: { type: 'string' } }, strict: true });
  return ingressControllerConfig({ node: values.node ? Number(values.node) : undefined });
});

runService(() => startIngressController(config), () => `keelson ingress-controller (${config.controllerName}): nginx on ${publishedAddress(config) ?? '*'}:${config.httpPort} and :${config.httpsPort}`);
