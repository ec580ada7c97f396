import { resolve } from 'node:path';
import { apiServerConfig, startApiServer } from '@keelson/apiserver-app';
import { DEFAULT_PORTS, startNats, startPostgres, writeKubeconfig } from '@keelson/local';

// `npm start`: the whole cluster on this machine, k3s-style — the substrates as child
// processes with their data under .keelson/, then the control plane, in readiness order
// (store first, then the API), staying in the foreground until interrupted.

export interface StartOptions {
  dataDir: string;
  apiPort: number;
  natsPort: number;
  pgPort: number;
  nodes: number;
}

export function startDefaults(): StartOptions {
  return { dataDir: '.keelson', apiPort: 6443, natsPort: DEFAULT_PORTS.nats, pgPort: DEFAULT_PORTS.postgres, nodes: 2 };
}

export async function start(opts: StartOptions): Promise<void> {
  const dataDir = resolve(opts.dataDir);
  console.log('keelson: configuration', JSON.stringify({ ...opts, dataDir }));
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch((e) => console.error('keelson: stop failed:', e));
  };
  let stopping = false;
  const onSignal = (sig: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`keelson: ${sig}, stopping`);
    void stopAll().then(() => process.exit(0));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const nats = await startNats({ dataDir: `${dataDir}/nats`, port: opts.natsPort });
    stops.push(nats.stop);
    console.log(`keelson: nats-server (JetStream) at ${nats.url}`);
    const pg = await startPostgres({ dataDir: `${dataDir}/postgres`, port: opts.pgPort, log: (l) => console.log(`keelson: ${l}`) });
    stops.push(pg.stop);
    console.log(`keelson: postgres at ${pg.url}`);
    const api = await startApiServer(apiServerConfig({ natsUrl: nats.url, pgUrl: pg.url, port: opts.apiPort, secretKeyFile: `${dataDir}/secret-encryption.key` }));
    stops.push(() => api.close());
    const kubeconfig = `${dataDir}/kubeconfig`;
    writeKubeconfig(kubeconfig, api.url);
    console.log(`keelson: apiserver at ${api.url}`);
    if (opts.nodes > 0) console.log(`keelson: node agents are not built yet (issue 4); --nodes ${opts.nodes} has no effect`);
    console.log(`keelson: ready — export KUBECONFIG=${kubeconfig}; kubectl get ns`);
  } catch (e) {
    console.error('keelson: start failed:', e);
    await stopAll();
    process.exit(1);
  }
}
