// The node agent's settings. One source, as ARCHITECTURE.md asks: flags > environment >
// defaults. Node N is `keelson-node-N`, lives in network namespace keelson-node-N (172.31.0.N)
// and serves its kubelet port on 10250 + N − 1 unless told otherwise.
import { parseArgs } from 'node:util';
import { nodeNamespaceName } from '@keelson/runtime';
import type { ProxyMode } from '@keelson/proxy';

export interface NodeAgentConfig {
  /** N of keelson-node-N: its namespace, address 172.31.0.N and default kubelet port. */
  node: number;
  name: string;
  natsUrl: string;
  stream?: string;
  subjectPrefix?: string;
  /** CNI results and IPAM, pod volumes: <stateDir>. Kept across restarts. */
  stateDir: string;
  /** The kubelet port (logs, exec, port-forward); 0 picks a free one. */
  port: number;
  /** Overrides the machine's CPU count for capacity. */
  cpus?: number;
  /** "cpu=100m,memory=256Mi": kept out of allocatable. */
  reserved: string;
  evictionHard: string;
  /** Where memory.available is read (MemAvailable): /proc/meminfo, or a file a test writes. */
  meminfo: string;
  /** Run the data plane in network namespace keelson-node-N (false: the node is the host). */
  netns: boolean;
  dockerSocket: string;
  /** kubelet's --pod-cidr: claimed on the Node when no allocator gave one; normally nodeipam's. */
  podCIDR?: string;
  /** kube-proxy's --proxy-mode. */
  proxyMode: ProxyMode;
  /** How often service and policy rules are re-checked and repaired (kube-proxy's --iptables-sync-period). */
  proxySyncPeriodSeconds: number;
}

export type { ProxyMode };
const PROXY_MODES: readonly ProxyMode[] = ['iptables', 'nftables'];

export function nodeAgentDefaults(node: number, env = process.env): NodeAgentConfig {
  const name = nodeNamespaceName(node);
  return {
    node,
    name,
    natsUrl: env.KEELSON_NATS_URL ?? 'nats://127.0.0.1:14222',
    stream: env.KEELSON_STREAM,
    subjectPrefix: env.KEELSON_SUBJECT_PREFIX,
    stateDir: `.keelson/nodes/${name}`,
    port: 10250 + node - 1,
    reserved: env.KEELSON_RESERVED ?? '',
    evictionHard: env.KEELSON_EVICTION_HARD ?? 'memory.available<100Mi',
    meminfo: '/proc/meminfo',
    netns: (env.KEELSON_NODE_NETNS ?? 'true') !== 'false',
    dockerSocket: env.DOCKER_SOCKET ?? '/var/run/docker.sock',
    podCIDR: env.KEELSON_POD_CIDR,
    proxyMode: (env.KEELSON_PROXY_MODE as ProxyMode | undefined) ?? 'iptables',
    // kube-proxy's default is 30 s; a sync that finds nothing changed costs one iptables-save here.
    proxySyncPeriodSeconds: Number(env.KEELSON_PROXY_SYNC_PERIOD ?? 10),
  };
}

export const USAGE = `usage: node-agent --node N [--name keelson-node-N] [--nats-url URL] [--stream S] [--subject-prefix P]
  [--state-dir DIR] [--port 10250] [--cpus N] [--reserved cpu=100m,memory=256Mi]
  [--eviction-hard memory.available<100Mi] [--meminfo /proc/meminfo] [--no-netns] [--docker-socket PATH]
  [--pod-cidr 10.244.N.0/24] [--proxy-mode iptables|nftables] [--proxy-sync-period SECONDS]`;

export function parseNodeAgentArgs(argv: string[], env = process.env): NodeAgentConfig {
  const { values } = parseArgs({
    args: argv,
    options: {
      node: { type: 'string' },
      name: { type: 'string' },
      'nats-url': { type: 'string' },
      stream: { type: 'string' },
      'subject-prefix': { type: 'string' },
      'state-dir': { type: 'string' },
      port: { type: 'string' },
      cpus: { type: 'string' },
      reserved: { type: 'string' },
      'eviction-hard': { type: 'string' },
      meminfo: { type: 'string' },
      'no-netns': { type: 'boolean', default: false },
      'docker-socket': { type: 'string' },
      'pod-cidr': { type: 'string' },
      'proxy-mode': { type: 'string' },
      'proxy-sync-period': { type: 'string' },
    },
    strict: true,
  });
  const node = Number(values.node ?? env.KEELSON_NODE ?? 1);
  if (!Number.isInteger(node) || node < 1 || node > 253) throw new Error(`--node must be 1..253\n${USAGE}`);
  const d = nodeAgentDefaults(node, env);
  const num = (v: string | undefined, what: string) => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0) throw new Error(`--${what} must be a number`);
    return n;
  };
  const proxyMode = (values['proxy-mode'] ?? d.proxyMode) as ProxyMode;
  if (!PROXY_MODES.includes(proxyMode)) throw new Error(`--proxy-mode must be one of ${PROXY_MODES.join(', ')}\n${USAGE}`);
  return {
    ...d,
    name: values.name ?? d.name,
    natsUrl: values['nats-url'] ?? d.natsUrl,
    stream: values.stream ?? d.stream,
    subjectPrefix: values['subject-prefix'] ?? d.subjectPrefix,
    stateDir: values['state-dir'] ?? d.stateDir,
    port: num(values.port, 'port') ?? d.port,
    cpus: num(values.cpus, 'cpus'),
    reserved: values.reserved ?? d.reserved,
    evictionHard: values['eviction-hard'] ?? d.evictionHard,
    meminfo: values.meminfo ?? d.meminfo,
    netns: values['no-netns'] ? false : d.netns,
    dockerSocket: values['docker-socket'] ?? d.dockerSocket,
    podCIDR: values['pod-cidr'] ?? d.podCIDR,
    proxyMode,
    proxySyncPeriodSeconds: num(values['proxy-sync-period'], 'proxy-sync-period') ?? d.proxySyncPeriodSeconds,
  };
}
