import { resolve } from 'node:path';
import { nodeNamespaceName, UNDERLAY_PREFIX } from '@keelson/runtime';

// The ingress controller's settings: flags > environment > defaults, as the other apps'.
//
// Where nginx runs: pod IPs are routed only inside the node namespaces (cni0 for a node's own
// pods, flannel.1 for the others'); the root namespace has no route to 10.244.0.0/16. So nginx
// runs in one node's namespace, as ingress-nginx runs as a hostNetwork pod on a node, and
// listens there on 80 and 443: clients reach it at that node's address (172.31.0.N, on the
// underlay bridge the root namespace is on) — never on the host's own port 80. With no node
// given it runs in the caller's namespace (a real machine, where the node is the host).

export interface IngressControllerConfig {
  natsUrl: string;
  stream?: string;
  subjectPrefix?: string;
  /** IngressClasses with this `spec.controller` are ours */
  controllerName: string;
  /** an IngressClass of ours created at start if absent (the default class if there is none); undefined: none */
  ingressClass?: string;
  /** run nginx in node N's namespace `keelson-node-N` and publish its address 172.31.0.N */
  node?: number;
  httpPort: number;
  httpsPort: number;
  /** one address to listen on; every address of the namespace when undefined */
  listenAddress?: string;
  /** what `status.loadBalancer.ingress[].ip` says; the node's address by default */
  publishAddress?: string;
  /** nginx's prefix, config, pid, logs, temp files and certificates live here */
  stateDir: string;
  nginxBinary: string;
  /** changes arriving within this many ms become one sync (one reload at most) */
  debounceMs: number;
  /** ingress-nginx's `allow-snippet-annotations`: off, since a snippet is raw nginx text from any Ingress author */
  allowSnippets: boolean;
  /** how long workers of an old configuration may finish their requests after a reload */
  workerShutdownTimeoutSeconds: number;
}

export const DEFAULT_CONTROLLER_NAME = 'keelson.io/ingress-controller';

export function ingressControllerConfig(overrides: Partial<IngressControllerConfig> = {}, env = process.env): IngressControllerConfig {
  const num = (v: string | undefined) => (v === undefined || v === '' ? undefined : Number(v));
  const defaults: IngressControllerConfig = {
    natsUrl: env.KEELSON_NATS_URL ?? 'nats://127.0.0.1:14222',
    stream: env.KEELSON_STREAM,
    subjectPrefix: env.KEELSON_SUBJECT_PREFIX,
    controllerName: env.KEELSON_INGRESS_CONTROLLER_NAME ?? DEFAULT_CONTROLLER_NAME,
    ingressClass: env.KEELSON_INGRESS_CLASS === 'none' ? undefined : (env.KEELSON_INGRESS_CLASS ?? 'keelson'),
    node: num(env.KEELSON_INGRESS_NODE),
    httpPort: num(env.KEELSON_INGRESS_HTTP_PORT) ?? 80,
    httpsPort: num(env.KEELSON_INGRESS_HTTPS_PORT) ?? 443,
    listenAddress: env.KEELSON_INGRESS_LISTEN_ADDRESS || undefined,
    publishAddress: env.KEELSON_INGRESS_PUBLISH_ADDRESS || undefined,
    stateDir: resolve(env.KEELSON_INGRESS_STATE_DIR ?? '.keelson/ingress'),
    nginxBinary: env.KEELSON_NGINX ?? '/usr/sbin/nginx',
    debounceMs: num(env.KEELSON_INGRESS_DEBOUNCE_MS) ?? 300,
    allowSnippets: env.KEELSON_INGRESS_ALLOW_SNIPPETS === 'true',
    workerShutdownTimeoutSeconds: num(env.KEELSON_INGRESS_WORKER_SHUTDOWN_TIMEOUT) ?? 240,
  };
  const config = { ...defaults, ...Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined)) } as IngressControllerConfig;
  for (const [name, port] of [['httpPort', config.httpPort], ['httpsPort', config.httpsPort]] as const) {
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`ingress-controller: ${name} ${port} is not a port`);
  }
  if (config.node !== undefined && (!Number.isInteger(config.node) || config.node < 1 || config.node > 253)) throw new Error(`ingress-controller: node ${config.node} is not a node number (1..253)`);
  return config;
}

/** The network namespace nginx runs in, if not the caller's. */
export function nginxNamespace(c: IngressControllerConfig): string | undefined {
  return c.node === undefined ? undefined : nodeNamespaceName(c.node);
}

/** The address written into the status of served Ingresses. */
export function publishedAddress(c: IngressControllerConfig): string | undefined {
  return c.publishAddress ?? c.listenAddress ?? (c.node === undefined ? undefined : `${UNDERLAY_PREFIX}.${c.node}`);
}
