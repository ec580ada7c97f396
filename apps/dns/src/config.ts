import { KUBE_DNS_CLUSTER_IP } from '@keelson/dns';
import { UNDERLAY_HOST_ADDRESS } from '@keelson/runtime';

// The DNS app's settings: flags > environment > defaults, as the other apps'.

export interface Listen { host: string; port: number }

export interface DnsAppConfig {
  natsUrl: string;
  stream?: string;
  subjectPrefix?: string;
  /** the cluster domain, "cluster.local" */
  zone: string;
  /** where the server answers, UDP and TCP on each */
  listen: Listen[];
  /** the kube-dns Service's ClusterIP */
  clusterIP: string;
  /** the address:port the kube-dns Service's endpoints name (where pods reach the server); given as undefined: leave the Service alone */
  publish?: Listen;
  ttl: number;
  /** reverse (PTR) names are answered for these: the service and pod CIDRs */
  reverseCIDRs: string[];
}

/** The underlay bridge's address in the root namespace: every node namespace reaches it. */
export const UNDERLAY_HOST: Listen = { host: UNDERLAY_HOST_ADDRESS, port: 53 };

export function dnsAppConfig(overrides: Partial<DnsAppConfig> = {}, env = process.env): DnsAppConfig {
  const listen = overrides.listen ?? (env.KEELSON_DNS_LISTEN ? parseListen(env.KEELSON_DNS_LISTEN) : [UNDERLAY_HOST]);
  // By default the kube-dns Service points where the server listens first; `publish` says otherwise.
  const publish = env.KEELSON_DNS_PUBLISH === 'none' ? undefined : env.KEELSON_DNS_PUBLISH ? parseListen(env.KEELSON_DNS_PUBLISH)[0] : listen[0];
  return {
    natsUrl: env.KEELSON_NATS_URL ?? 'nats://127.0.0.1:14222',
    stream: env.KEELSON_STREAM,
    subjectPrefix: env.KEELSON_SUBJECT_PREFIX,
    zone: env.KEELSON_CLUSTER_DOMAIN ?? 'cluster.local',
    listen,
    clusterIP: env.KEELSON_DNS_SERVICE_IP ?? KUBE_DNS_CLUSTER_IP,
    publish,
    ttl: Number(env.KEELSON_DNS_TTL ?? 5),
    reverseCIDRs: ['10.96.0.0/12', '10.244.0.0/16'],
    ...Object.fromEntries(Object.entries(overrides).filter(([k, v]) => v !== undefined || k === 'publish')),
  };
}

/** "172.31.0.254:53,127.0.0.1:5353" → those. */
export function parseListen(value: string): Listen[] {
  return value.split(',').map((s) => s.trim()).filter(Boolean).map((s) => {
    const i = s.lastIndexOf(':');
    const port = Number(s.slice(i + 1));
    if (i < 0 || !Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`bad listen address ${JSON.stringify(s)}: want host:port`);
    return { host: s.slice(0, i), port };
  });
}
