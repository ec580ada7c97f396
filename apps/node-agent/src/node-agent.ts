// One node's agent, wired: Docker runtime, the node's network namespace and CNI, Node and
// Lease, a pod informer on the log (only pods bound to this node are acted on), one serial
// worker per pod, Docker events as the PLEG, eviction, and the kubelet-port HTTP server.
// Stopping it leaves the pods running, as a kubelet restart does; the next start finds them
// by their labels and carries on.
import { DEFAULT_VTEP_MTU } from '@keelson/overlay';
import { mountKubeletHandlers } from '@keelson/streaming';
import { mkdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { cpus } from 'node:os';
import Docker from 'dockerode';
import { EventLog } from '@keelson/eventlog';
import { apiEventSink, EventRecorder } from '@keelson/events';
import { ApiClient, Informer } from '@keelson/informer';
import { CONTAINER_GC_PERIOD_MS, DeviceManager, EvictionManager, GarbageCollector, localPathRoot, PodSyncer, PodWorkers, ProbeRunner, VolumeHost, type Pod, type StepTimings } from '@keelson/kubelet';
import { Cni, DockerRuntime, ensureNodeNamespace } from '@keelson/runtime';
import type { NodeAgentConfig } from './config';
import { cniNetwork } from './cni-network';
import { AgentHttpServer } from './http-server';
import { startNodeNetwork } from './node-network';
import { registerNode, type RegisteredNode } from './node-registration';
import { ApiPodApi } from './pod-api';
import { watchContainerEvents } from './pleg';
import { mountResourceMetrics } from './resource-metrics';
import { startLocalPathCleaner } from './local-path-cleaner';

const EVICTION_CHECK_MS = 10_000;
/** The agent never reads managedFields: its caches (pods here, and the network roles') keep none. */
const STRIP = { stripManagedFields: true } as const;

export interface RunningNodeAgent {
  readonly name: string;
  readonly kubeletPort: number;
  readonly podCIDR: string;
  readonly http: AgentHttpServer;
  close(): Promise<void>;
}

export async function startNodeAgent(config: NodeAgentConfig, log: (line: string) => void = (l) => console.log(`${config.name}: ${l}`)): Promise<RunningNodeAgent> {
  const stateDir = resolve(config.stateDir);
  mkdirSync(stateDir, { recursive: true });
  const closers: (() => Promise<void> | void)[] = [];
  const close = async () => {
    for (const c of closers.reverse()) await Promise.resolve(c()).catch((e) => log(`stop: ${(e as Error).message}`));
  };
  try {
    const docker = new Docker({ socketPath: config.dockerSocket });
    const runtime = new DockerRuntime(docker);
    const ns = config.netns ? await ensureNodeNamespace(config.node) : undefined;
    const address = ns?.address ?? '127.0.0.1';

    const eventLog = await EventLog.connect({ servers: config.natsUrl, stream: config.stream, prefix: config.subjectPrefix, name: `node-agent ${config.name}` });
    closers.push(() => eventLog.close());
    const api = await ApiClient.connect(config.natsUrl, `node:${config.name}`);
    closers.push(() => api.close());

    const http = new AgentHttpServer();
    // kubectl logs / exec / port-forward arrive here through the apiserver's proxy.
    mountKubeletHandlers(http, runtime);
    mountResourceMetrics(http, runtime, config.name);
    const kubeletPort = await http.listen(config.port);
    closers.push(() => http.close());

    const eviction = new EvictionManager(config.evictionHard, () => readFileSync(config.meminfo, 'utf8'));
    const devices = new DeviceManager(resolve(stateDir, 'device-plugins'), log);
    await devices.start();
    closers.push(() => devices.close());
    const node: RegisteredNode = await registerNode(api, docker, config, address, kubeletPort, () => eviction.underPressure(), log, () => devices.resources());
    closers.push(() => node.stop());
    devices.onChange(() => node.refresh());
    const network = await startNodeNetwork(config, { nodeNs: ns?.name, address, podCIDR: node.podCIDR, eventLog, api, log });
    closers.push(() => network.stop());
    // Masquerading is the overlay's (flannel's rules): the bridge's own ipMasq would hide pod sources from other nodes.
    // Pods get flannel.1's MTU (flannel's FLANNEL_MTU): a 1500-byte pod packet would not fit the VXLAN header in.
    const cni = new Cni({ podCIDR: node.podCIDR, stateDir, nodeNamespace: ns?.name, ipMasq: false, mtu: DEFAULT_VTEP_MTU });
    if (await cni.resetStaleBridge()) log(`cni0 held another podCIDR's gateway: removed it for ${node.podCIDR}`);

    const pods = new Map<string, Pod>();
    const timings = new Map<string, StepTimings & { pod: string }>();
    const podNetwork = cniNetwork(cni);
    const syncer = new PodSyncer({
      nodeName: config.name,
      hostIP: address,
      runtime,
      network: podNetwork,
      volumes: new VolumeHost(stateDir),
      prober: new ProbeRunner(runtime, ns?.name),
      api: new ApiPodApi(api),
      podByUid: (uid) => pods.get(uid),
      nodeCpus: Array.from({ length: config.cpus ?? cpus().length }, (_, i) => i),
      nodeAllocatable: { cpu: node.allocatable.cpu, memory: node.allocatable.memory },
      devices,
      // The kubelet's Events (Started, BackOff, Unhealthy…), as `source.component: kubelet` on this host.
      events: new EventRecorder(apiEventSink(api), { component: 'kubelet', host: config.name }, { warn: log }),
      onTimings: (pod, t) => timings.set(pod.metadata!.uid!, { ...t, pod: `${pod.metadata?.namespace}/${pod.metadata?.name}` }),
      // Probes run on their own timers; a liveness failure takes a sync to restart the container.
      resync: (uid) => workers.enqueue(uid),
      log,
    });
    closers.push(() => syncer.stop());
    const workers = new PodWorkers((uid) => syncer.sync(uid), 8, (uid, e) => log(`sync of pod ${describe(pods.get(uid)) ?? uid} failed: ${(e as Error).message}`));
    closers.push(() => workers.stop());

    const informer = new Informer(eventLog, '', 'pods', undefined, STRIP);
    informer.on((e) => {
      const pod = e.object as unknown as Pod;
      const uid = pod.metadata?.uid;
      if (!uid) return;
      const mine = pod.spec?.nodeName === config.name;
      if (e.type === 'delete' || !mine) {
        if (!pods.delete(uid)) return;
      } else pods.set(uid, pod);
      workers.enqueue(uid);
    });
    await informer.start();
    closers.push(() => informer.stop());
    await informer.synced;
    devices.retain(pods.keys());
    // Sandboxes of pods that are gone (deleted while the agent was down) are torn down.
    for (const s of await runtime.listPodSandboxes({ node: config.name })) workers.enqueue(s.uid);

    closers.push(await startLocalPathCleaner(eventLog, api, config.name, localPathRoot(stateDir), log));

    const stopEvents = watchContainerEvents(docker, config.name, (uid) => workers.enqueue(uid), log);
    closers.push(stopEvents);

    // Dead sandboxes and containers, once a minute as the kubelet's container GC.
    const gc = new GarbageCollector({ nodeName: config.name, runtime, network: podNetwork, podExists: (uid) => pods.has(uid), withPod: (uid, fn) => syncer.serially(uid, fn), log });
    const gcTimer = setInterval(() => void gc.collect().catch((e) => log(`container GC: ${(e as Error).message}`)), CONTAINER_GC_PERIOD_MS);
    closers.push(() => clearInterval(gcTimer));

    const evictionTimer = setInterval(() => void evictOne().catch((e) => log(`eviction: ${(e as Error).message}`)), EVICTION_CHECK_MS);
    closers.push(() => clearInterval(evictionTimer));
    async function evictOne(): Promise<void> {
      // The pods' containers are only listed under pressure: otherwise a Docker list per running pod every 10 s for nothing.
      if (!eviction.underPressure()) return;
      const running = await Promise.all(
        [...pods.values()].filter((p) => p.status?.phase === 'Running').map(async (pod) => ({ pod, containers: (await runtime.listContainers({ podUid: pod.metadata!.uid!, state: 'running' })).map((c) => ({ id: c.id, name: c.name })) })),
      );
      const decision = eviction.decide(running);
      if (!decision) return;
      log(`evicting pod ${describe(decision.pod)}: memory available ${decision.available} under ${decision.threshold}`);
      await syncer.evict(decision.pod.metadata!.uid!, decision.message);
    }

    http.json('/healthz', () => 'ok');
    http.json('/pods', () => ({ kind: 'PodList', apiVersion: 'v1', items: [...pods.values()] }));
    http.json('/debug/timings', () => ({ timings: [...timings.values()], memory: process.memoryUsage(), cpu: process.cpuUsage(), uptime: process.uptime() }));

    log(`ready: node ${config.name} at ${address}, podCIDR ${node.podCIDR}, kubelet port ${kubeletPort}, ${pods.size} pods bound here`);
    return { name: config.name, kubeletPort, podCIDR: node.podCIDR, http, close };
  } catch (e) {
    await close();
    throw e;
  }
}

const describe = (pod: Pod | undefined) => pod && `${pod.metadata?.namespace}/${pod.metadata?.name}`;
