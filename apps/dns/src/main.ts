// The cluster DNS server on its own: `node -r @swc-node/register apps/dns/src/main.ts [--listen host:port,...]`,
// the rest from the environment (see config.ts).
import { parseArgs } from 'node:util';
import { fromCommandLine, runService } from '@keelson/local';
import { dnsAppConfig, parseListen } from './config';
import { startDns } from './server';

const config = fromCommandLine(() => {
  const { values } = parseArgs({ options: { listen: { type: 'string' } }, strict: true });
  return dnsAppConfig({ listen: values.listen ? parseListen(values.listen) : undefined });
});

runService(() => startDns(config), (s) => `keelson dns answering for cluster.local on ${s.listening.map((l) => `${l.host}:${l.port}`).join(', ')} (udp, tcp)`);
