import { resolve } from 'node:path';
import { apiServerConfig, startApiServer } from '@keelson/apiserver-app';
import { schedulerAppConfig, startScheduler } from '@keelson/scheduler-app';
import { controllerManagerConfig, startControllerManager } from '@keelson/controller-manager';
import { dnsAppConfig, startDns } from '@keelson/dns-app';
import { ingressControllerConfig, publishedAddress, startIngressController } from '@keelson/ingress-controller';
import { DEFAULT_PORTS, startNats, startPostgres, writeKubeconfig } from '@keelson/local';
import Docker from 'dockerode';
import { spawnNodeAgents } from '@keelson/node-agent';
import { ensureDocker, ensureImages } from '@keelson/runtime';
import { EventLog } from '@keelson/eventlog';
import { snapshotEvery } from './snapshot';

// `npm start`: the whole cluster on this machine, k3s-style — the substrates as child
// processes with their data under .keelson/, then the control plane, in readiness order
// (store first, then the API), staying in the foreground until interrupted.

export interface StartOptions {
  dataDir: string;
  apiPort: number;
  natsPort: number;
  pgPort: number;
  nodes: number;
  /** seconds between snapshots of the log (replays start from the newest); 0: none */
  snapshotEvery: number;
}

export function startDefaults(): StartOptions {
  return { dataDir: '.keelson', apiPort: 6443, natsPort: DEFAULT_PORTS.nats, pgPort: DEFAULT_PORTS.postgres, nodes: 2, snapshotEvery: 600 };
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
    if (opts.snapshotEvery > 0) {
      // As the apiserver asks etcd to compact every 5 minutes; here nothing is lost, replays only start later.
      const log = await EventLog.connect({ servers: nats.url, name: 'keelson-snapshots' });
      const stopSnapshots = snapshotEvery(log, opts.snapshotEvery, 3, (l) => console.log(`keelson: ${l}`));
      stops.push(() => stopSnapshots().then(() => log.close()));
    }
    const scheduler = await startScheduler(schedulerAppConfig({ natsUrl: nats.url }));
    stops.push(() => scheduler.close());
    console.log('keelson: scheduler started (lease kube-scheduler; KEELSON_SCHEDULER_CONFIG names a KubeSchedulerConfiguration file)');
    const controllerManager = await startControllerManager(controllerManagerConfig({ natsUrl: nats.url }));
    stops.push(() => controllerManager.close());
    console.log(`keelson: controller-manager started (lease kube-controller-manager; ${controllerManager.manager.shells.map((s) => s.name).join(', ')})`);
    if (opts.nodes > 0) {
      // Nodes (issue 4): Docker and the local images first, then one agent process per node.
      const docker = await ensureDocker({ logFile: `${dataDir}/dockerd.log` });
      if (docker.stop) stops.push(docker.stop);
      const images = await ensureImages(new Docker({ socketPath: docker.socket }));
      if (images.built.length) console.log(`keelson: built images ${images.built.join(', ')}`);
      const agents = await spawnNodeAgents(opts.nodes, { natsUrl: nats.url, dataDir, log: (l) => console.log(`keelson: ${l}`) });
      stops.push(() => Promise.all(agents.map((a) => a.stop())).then(() => undefined));
      console.log(`keelson: ${agents.length} node agents ready (${agents.map((a) => `keelson-node-${a.node} :${a.port}`).join(', ')})`);
      // Cluster DNS on the underlay's host address, which the nodes' bridge now carries; pods
      // reach it as kube-system/kube-dns, 10.96.0.10.
      const dns = await startDns(dnsAppConfig({ natsUrl: nats.url }));
      stops.push(() => dns.close());
      console.log(`keelson: dns for cluster.local at ${dns.listening.map((l) => `${l.host}:${l.port}`).join(', ')} (Service kube-system/kube-dns, 10.96.0.10)`);
      // Ingress: nginx in the first node's namespace, where pod IPs are routed (as ingress-nginx
      // runs with hostNetwork on a node); clients reach it at that node's address.
      const ingressConfig = ingressControllerConfig({ natsUrl: nats.url, node: agents[0].node, stateDir: `${dataDir}/ingress` });
      const ingress = await startIngressController(ingressConfig);
      stops.push(() => ingress.close());
      const at = publishedAddress(ingressConfig);
      console.log(`keelson: ingress-controller (IngressClass ${ingressConfig.ingressClass}, controller ${ingressConfig.controllerName}): nginx at http://${at}:${ingressConfig.httpPort}, https://${at}:${ingressConfig.httpsPort}`);
    }
    console.log(`keelson: ready — export KUBECONFIG=${kubeconfig}; kubectl get ns`);
  } catch (e) {
    console.error('keelson: start failed:', e);
    await stopAll();
    process.exit(1);
  }
}
