// The load balancer the served Ingresses describe, before it is nginx text: one server per host,
// its locations with their targets, the upstreams and certificates they use. What ingress-nginx
// builds in its `createServers`/`createUpstreams`, with its rules for what wins:
//
// * Ingresses are taken oldest first; for one location (host + nginx location) the path of the
//   better type wins (Exact, Prefix, ImplementationSpecific), then the older Ingress.
// * A host's `location /`, unless a rule gives one, goes to the `defaultBackend` of the first
//   Ingress with a rule for that host, or is a 404.
// * The catch-all server (unknown hosts, rules without host) sends what no rule matches to the
//   `defaultBackend` of the oldest Ingress that has no rules at all, or answers 404.
// * A host gets HTTPS from the first Ingress with a rule for it whose `tls` names it (no hosts
//   there means all of that Ingress's hosts) and whose Secret holds a certificate for it.
import { isServed, ourClasses, servedIngresses } from './ingress-class';
import { indexServices, NOT_FOUND, resolveBackend, type ClusterServices, type Target, type Upstream } from './backends';
import { isValidHost, locationsFor, PATH_TYPE_RANK, tlsHostCovers, type LocationMatch } from './matching';
import { certificateCovers, certificateFrom, type Certificate } from './tls';
import { keyOf, type EndpointSlice, type Ingress, type IngressClass, type Secret, type Service } from './types';

export const SSL_REDIRECT_ANNOTATION = 'nginx.ingress.kubernetes.io/ssl-redirect';
export const CONFIGURATION_SNIPPET_ANNOTATION = 'nginx.ingress.kubernetes.io/configuration-snippet';
export const PROXY_READ_TIMEOUT_ANNOTATION = 'nginx.ingress.kubernetes.io/proxy-read-timeout';

export interface ClusterState {
  readonly ingresses: readonly Ingress[];
  readonly ingressClasses: readonly IngressClass[];
  readonly services: readonly Service[];
  readonly endpointSlices: readonly EndpointSlice[];
  /** TLS Secrets the served Ingresses name, opened; missing ones are reported, not fatal */
  readonly secrets: readonly Secret[];
}

export interface ModelOptions {
  /** IngressClass `spec.controller` handled here */
  readonly controller: string;
  /** Let `configuration-snippet` annotations put raw nginx text into locations (ingress-nginx's `allow-snippet-annotations`, off by default). */
  readonly allowSnippets?: boolean;
}

export interface Location {
  readonly match: LocationMatch;
  readonly path: string;
  /** `namespace/name` of the Ingress it comes from; undefined for a default 404 */
  readonly ingress?: string;
  readonly target: Target;
  /** plain HTTP is redirected to HTTPS (308) */
  readonly sslRedirect: boolean;
  /** seconds nginx waits between two reads from the backend, when not the default 60 */
  readonly proxyReadTimeout?: number;
  readonly snippet?: string;
}

export interface Server {
  /** the rule host, `*.foo.com` for a wildcard, "" for the catch-all server */
  readonly host: string;
  readonly certificate?: Certificate;
  readonly locations: readonly Location[];
}

export interface Warning {
  readonly ingress: string;
  readonly reason: 'BadConfig';
  readonly message: string;
}

export interface LoadBalancer {
  readonly defaultServer: Server;
  /** by host */
  readonly servers: readonly Server[];
  readonly upstreams: readonly Upstream[];
  readonly certificates: readonly Certificate[];
  /** `namespace/name` of every Ingress served, oldest first */
  readonly served: readonly string[];
  readonly warnings: readonly Warning[];
}

interface Candidate {
  readonly location: Location;
  readonly rank: number;
  readonly order: number;
}

interface HostDraft {
  readonly candidates: Map<string, Candidate>;
  /** the first Ingress with a rule for the host: its defaultBackend answers what no path matches */
  fallback?: { ingress: Ingress; target: Target };
  certificate?: Certificate;
}

export function buildLoadBalancer(state: ClusterState, o: ModelOptions): LoadBalancer {
  const served = servedIngresses(state.ingresses, state.ingressClasses, o.controller);
  const cluster = indexServices(state.services, state.endpointSlices);
  const secrets = new Map(state.secrets.map((s) => [keyOf(s), s]));
  const hosts = new Map<string, HostDraft>([['', { candidates: new Map() }]]);
  const warnings: Warning[] = [];
  const warn = (ing: Ingress, message: string) => warnings.push({ ingress: keyOf(ing), reason: 'BadConfig', message });
  let catchAll: HostDraft['fallback'];
  let order = 0;

  for (const ing of served) {
    const ns = ing.metadata.namespace ?? 'default';
    const rules = ing.spec?.rules ?? [];
    if (rules.length === 0 && ing.spec?.defaultBackend && !catchAll) catchAll = { ingress: ing, target: resolveBackend(ns, ing.spec.defaultBackend, cluster) };
    for (const rule of rules) {
      const host = rule.host ?? '';
      if (host && !isValidHost(host)) {
        warn(ing, `host ${JSON.stringify(host)} is not a valid DNS name; rule skipped`);
        continue;
      }
      let draft = hosts.get(host);
      if (!draft) hosts.set(host, (draft = { candidates: new Map() }));
      if (host && !draft.fallback) draft.fallback = { ingress: ing, target: ing.spec?.defaultBackend ? resolveBackend(ns, ing.spec.defaultBackend, cluster) : NOT_FOUND };
      if (host && !draft.certificate) draft.certificate = certificateFor(ing, host, secrets, (m) => warn(ing, m));
      for (const p of rule.http?.paths ?? []) {
        const locations = locationsFor(p.pathType, p.path);
        if (locations.length === 0) warn(ing, `path ${JSON.stringify(p.path)} cannot be served (absolute, printable, without spaces); path skipped`);
        const target = resolveBackend(ns, p.backend, cluster);
        const rank = PATH_TYPE_RANK[p.pathType ?? 'ImplementationSpecific'];
        for (const l of locations) {
          const key = `${l.match} ${l.path}`;
          const have = draft.candidates.get(key);
          if (have && (have.rank < rank || (have.rank === rank && have.order <= order))) continue;
          draft.candidates.set(key, { rank, order, location: { ...l, ingress: keyOf(ing), target, sslRedirect: false, proxyReadTimeout: readTimeoutOf(ing), snippet: snippetOf(ing, o) } });
        }
        order++;
      }
    }
  }

  const ingressByKey = new Map(served.map((i) => [keyOf(i), i]));
  const toServer = (host: string, draft: HostDraft): Server => {
    const redirect = (ingress: string | undefined) => !!draft.certificate && ingressByKey.get(ingress ?? '')?.metadata.annotations?.[SSL_REDIRECT_ANNOTATION] !== 'false';
    const locations = [...draft.candidates.values()].map((c) => ({ ...c.location, sslRedirect: redirect(c.location.ingress) }));
    const fallback = host ? draft.fallback : catchAll;
    if (!draft.candidates.has('prefix /')) {
      const from = fallback && fallback.target !== NOT_FOUND ? fallback.ingress : undefined;
      const key = from ? keyOf(from) : undefined;
      const annotated = from ? { proxyReadTimeout: readTimeoutOf(from), snippet: snippetOf(from, o) } : {};
      locations.push({ match: 'prefix', path: '/', ingress: key, target: fallback?.target ?? NOT_FOUND, sslRedirect: redirect(key), ...annotated });
    }
    return { host, certificate: draft.certificate, locations: withoutSlashRedirects(locations).sort(byLocation) };
  };
  const servers = [...hosts].filter(([h]) => h !== '').sort(([a], [b]) => (a < b ? -1 : 1)).map(([h, d]) => toServer(h, d));
  const defaultServer = toServer('', hosts.get('')!);
  const all = [defaultServer, ...servers];
  return {
    defaultServer,
    servers,
    upstreams: uniqueBy(all.flatMap((s) => s.locations.flatMap((l) => (l.target.kind === 'upstream' ? [l.target.upstream] : []))), (u) => u.name).sort((a, b) => (a.name < b.name ? -1 : 1)),
    certificates: uniqueBy(servers.flatMap((s) => (s.certificate ? [s.certificate] : [])), (c) => c.file),
    served: served.map(keyOf),
    warnings: uniqueBy(warnings, (w) => `${w.ingress} ${w.message}`),
  };
}

/** Whether this controller serves the Ingress (for status and events). */
export function serves(ing: Ingress, classes: readonly IngressClass[], controller: string): boolean {
  return isServed(ing, ourClasses(classes, controller));
}

function certificateFor(ing: Ingress, host: string, secrets: ReadonlyMap<string, Secret>, warn: (m: string) => void): Certificate | undefined {
  for (const tls of ing.spec?.tls ?? []) {
    const hosts = tls.hosts ?? [];
    if (!tls.secretName || (hosts.length > 0 && !hosts.some((h) => tlsHostCovers(h, host)))) continue;
    const key = `${ing.metadata.namespace ?? 'default'}/${tls.secretName}`;
    const result = certificateFrom(secrets.get(key), key);
    if (!result.ok) warn(`${result.reason}; ${host} is served without TLS`);
    else if (!certificateCovers(result.certificate, host)) warn(`secret ${key}: the certificate does not name ${host}; ${host} is served without TLS`);
    else return result.certificate;
  }
  return undefined;
}

/** Secrets the served Ingresses name in `tls`, as `namespace/name`: what the shell must fetch. */
export function referencedSecrets(state: Pick<ClusterState, 'ingresses' | 'ingressClasses'>, controller: string): string[] {
  const served = servedIngresses(state.ingresses, state.ingressClasses, controller);
  return [...new Set(served.flatMap((i) => (i.spec?.tls ?? []).flatMap((t) => (t.secretName ? [`${i.metadata.namespace ?? 'default'}/${t.secretName}`] : []))))].sort();
}

/**
 * nginx answers `/foo` with a 301 to `/foo/` when a location `/foo/` proxies (its
 * `auto_redirect`), even an exact one. For an Exact `/foo/` that is wrong — `/foo` is simply
 * another path, matched as if `/foo/` were not there — so `/foo` gets an exact location of its
 * own with what it would otherwise match: the longest prefix location it starts with.
 */
function withoutSlashRedirects(locations: Location[]): Location[] {
  const has = (match: LocationMatch, path: string) => locations.some((l) => l.match === match && l.path === path);
  const added: Location[] = [];
  for (const l of locations) {
    if (l.match !== 'exact' || !l.path.endsWith('/') || l.path === '/') continue;
    const bare = l.path.slice(0, -1);
    if (has('exact', bare) || has('prefix', bare) || added.some((a) => a.path === bare)) continue;
    const longest = locations.filter((p) => p.match === 'prefix' && bare.startsWith(p.path)).sort((a, b) => b.path.length - a.path.length)[0];
    if (longest) added.push({ ...longest, match: 'exact', path: bare });
  }
  return [...locations, ...added];
}

/** ingress-nginx's proxy-read-timeout annotation: whole seconds; anything else is ignored, as ingress-nginx ignores it. */
function readTimeoutOf(ing: Ingress): number | undefined {
  const v = ing.metadata.annotations?.[PROXY_READ_TIMEOUT_ANNOTATION];
  return v !== undefined && /^\d+$/.test(v) && Number(v) > 0 ? Number(v) : undefined;
}

function snippetOf(ing: Ingress, o: ModelOptions): string | undefined {
  return o.allowSnippets ? ing.metadata.annotations?.[CONFIGURATION_SNIPPET_ANNOTATION] : undefined;
}

function byLocation(a: Location, b: Location): number {
  if (a.path !== b.path) return a.path < b.path ? -1 : 1;
  return a.match === b.match ? 0 : a.match === 'exact' ? -1 : 1;
}

function uniqueBy<T>(items: readonly T[], key: (t: T) => string): T[] {
  const seen = new Map<string, T>();
  for (const i of items) if (!seen.has(key(i))) seen.set(key(i), i);
  return [...seen.values()];
}
