// The apiserver child's memory: VmRSS right after start-up and with --pods pods stored.
//   node -r @swc-node/register tools/bench/memory.ts [--pods=10000]
import { parseArgs } from 'node:util';
import { startApiServerChild } from './child';
import { ApiClient } from './http';
import { createPods } from './phases';
import { withScratchSubstrate, type ScratchSubstrate } from './processes';

const { values: flags } = parseArgs({ options: { pods: { type: 'string', default: '10000' } } });

async function main(): Promise<void> {
  await withScratchSubstrate('keelson-mem-', measure);
}

async function measure({ root, nats, pg }: ScratchSubstrate): Promise<void> {
  const api = await startApiServerChild({ root, natsUrl: nats.url, pgUrl: pg.url });
  const client = new ApiClient(api.url, 64);
  try {
    console.log(`after start-up: VmRSS ${api.memory().rssMb.toFixed(0)} MB`);
    await client.ok('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'mem' } });
    const r = await createPods(client, 'mem', Number(flags.pods), 64, 600);
    const m = api.memory();
    console.log(`with ${r.done} pods stored: VmRSS ${m.rssMb.toFixed(0)} MB (peak ${m.peakMb.toFixed(0)} MB)`);
  } finally {
    client.close();
    await api.stop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
