// A pod's resolv.conf, as the kubelet's DNS configurer (pkg/kubelet/network/dns) forms it:
//   ClusterFirst (default)    nameserver = the cluster DNS, search <ns>.svc.<domain> svc.<domain>
//                             <domain> then the node's, options ndots:5 — unless the pod is on
//                             the host network (then Default) or no cluster DNS is configured
//   ClusterFirstWithHostNet   ClusterFirst, host network or not
//   Default                   the node's resolv.conf
//   None                      nothing but the pod's dnsConfig
// then the pod's dnsConfig is appended (nameservers and searches de-duplicated, options merged by
// name, the pod's winning), and the result cut to 3 nameservers and 32 search domains of at most
// 2048 characters in all.
import { readFileSync } from 'node:fs';
import type { Pod } from './types';

export interface ResolvConf {
  readonly servers: readonly string[];
  readonly searches: readonly string[];
  readonly options: readonly string[];
}

export interface ClusterDnsSettings {
  /** the kubelet's --cluster-dns: the kube-dns Service's ClusterIP */
  readonly clusterDNS: readonly string[];
  /** the kubelet's --cluster-domain */
  readonly clusterDomain: string;
  /** the node's own resolv.conf (the kubelet's --resolv-conf), parsed */
  readonly host: ResolvConf;
}

export const DEFAULT_CLUSTER_DNS: Omit<ClusterDnsSettings, 'host'> = { clusterDNS: ['10.96.0.10'], clusterDomain: 'cluster.local' };

const MAX_NAMESERVERS = 3;
const MAX_SEARCH_PATHS = 32;
const MAX_SEARCH_CHARS = 2048;
const MAX_DOMAIN_LENGTH = 253;

export function podDnsConfig(pod: Pod, s: ClusterDnsSettings): ResolvConf {
  const base = baseConfig(pod, s);
  const extra = pod.spec?.dnsConfig;
  const merged: ResolvConf = extra
    ? {
        servers: unique([...base.servers, ...(extra.nameservers ?? [])]),
        searches: unique([...base.searches, ...(extra.searches ?? [])]),
        options: mergeOptions(base.options, (extra.options ?? []).map((o) => (o.value !== undefined && o.value !== '' ? `${o.name}:${o.value}` : o.name ?? ''))),
      }
    : base;
  return { ...merged, servers: merged.servers.slice(0, MAX_NAMESERVERS), searches: fitSearches(merged.searches) };
}

function baseConfig(pod: Pod, s: ClusterDnsSettings): ResolvConf {
  const policy = pod.spec?.dnsPolicy ?? 'ClusterFirst';
  const cluster = policy === 'ClusterFirstWithHostNet' || (policy === 'ClusterFirst' && !pod.spec?.hostNetwork);
  if (policy === 'None') return { servers: [], searches: [], options: [] };
  if (!cluster || s.clusterDNS.length === 0) return s.host;
  const ns = pod.metadata?.namespace ?? 'default';
  const d = s.clusterDomain;
  return { servers: s.clusterDNS, searches: unique([`${ns}.svc.${d}`, `svc.${d}`, d, ...s.host.searches]), options: ['ndots:5'] };
}

/** mergeDNSOptions: by name, later ones winning, in first-seen order. */
function mergeOptions(base: readonly string[], pod: readonly string[]): string[] {
  const byName = new Map<string, string>();
  for (const o of [...base, ...pod]) byName.set(o.split(':')[0], o);
  return [...byName.values()];
}

/** formDNSSearchFitsLimits: at most 32 domains, none over 253 characters, 2048 characters in all (cut from the end). */
function fitSearches(searches: readonly string[]): string[] {
  const out = searches.slice(0, MAX_SEARCH_PATHS).filter((d) => d.length <= MAX_DOMAIN_LENGTH);
  while (out.join(' ').length > MAX_SEARCH_CHARS) out.pop();
  return out;
}

/** parseResolvConf: nameservers accumulate, the last search and options lines win. */
export function parseResolvConf(text: string): ResolvConf {
  const servers: string[] = [];
  let searches: string[] = [];
  let options: string[] = [];
  for (const line of text.split('\n')) {
    const fields = line.trim().split(/\s+/);
    if (!fields[0] || fields[0].startsWith('#')) continue;
    if (fields[0] === 'nameserver' && fields[1]) servers.push(fields[1]);
    if (fields[0] === 'search') searches = fields.slice(1).filter((d) => d !== '.').map((d) => d.replace(/\.$/, ''));
    if (fields[0] === 'options') options = fields.slice(1);
  }
  return { servers, searches, options };
}

/** The node's /etc/resolv.conf, or nothing when it cannot be read. */
export function nodeResolvConf(path = '/etc/resolv.conf'): ResolvConf {
  try {
    return parseResolvConf(readFileSync(path, 'utf8'));
  } catch {
    return { servers: [], searches: [], options: [] };
  }
}

const unique = (xs: readonly string[]) => [...new Set(xs)];
