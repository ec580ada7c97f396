// The cluster DNS server on its own: `node -r @swc-node/register apps/dns/src/main.ts [--listen host:port,...]`,
// the rest from the environment (see config.ts).
import { parseArgs } from 'node:util';
import { dnsAppConfig, parseListen } from './config';
import { startDns } from './server';

const { values } = parseArgs({ options: { listen: { type: 'string' } }, strict: true });

Promise.resolve()
  .then(() => startDns(dnsAppConfig({ listen: values.listen ? parseListen(values.listen) : undefined })))
  .then((s) => {
    console.log(`keelson dns answering for cluster.local on ${s.listening.map((l) => `${l.host}:${l.port}`).join(', ')} (udp, tcp)`);
    const stop = () => void s.close().then(() => process.exit(0));
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  })
  .catch((e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
