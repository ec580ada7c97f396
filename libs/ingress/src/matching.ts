// An Ingress path or host in nginx's terms, keeping the Ingress spec's matching rules:
//
// * Exact `/foo` matches the path `/foo` only (case-sensitive, so not `/FOO`, not `/foo/`):
//   `location = /foo`.
// * Prefix `/foo` matches element-wise: `/foo`, `/foo/`, `/foo/bar`, but not `/foobar`; a
//   trailing slash in the rule is ignored (`/foo/` is `/foo`). nginx's prefix locations compare
//   characters, so it takes two: `location = /foo` for the path itself and `location /foo/` for
//   everything under it (ingress-nginx does the same). Prefix `/` is `location /`.
// * ImplementationSpecific is what ingress-nginx makes of it: a plain nginx prefix location.
//
// nginx then picks an exact location first and else the longest prefix, which is the spec's
// "longest matching path wins". Where two paths produce the same location (Exact `/foo` and
// Prefix `/foo` both want `= /foo`), the caller settles it: Exact before Prefix before
// ImplementationSpecific, then the older Ingress.
//
// Hosts: `foo.bar.com` matches exactly (nginx compares case-insensitively, as DNS does);
// `*.foo.com` matches one DNS label before `.foo.com` — `bar.foo.com`, not `baz.bar.foo.com` and
// not `foo.com`. nginx's own `*.foo.com` would take any number of labels, so the wildcard
// becomes a regular expression. An exact name wins over a wildcard, as nginx checks exact
// names before regular expressions.
import type { PathType } from './types';

export type LocationMatch = 'exact' | 'prefix';

export interface NginxLocation {
  readonly match: LocationMatch;
  readonly path: string;
}

/** The nginx locations for one Ingress path; none for a path nginx could not be given safely. */
export function locationsFor(pathType: PathType | undefined, path: string | undefined): NginxLocation[] {
  const p = path || '/';
  if (!isSafePath(p)) return [];
  switch (pathType ?? 'ImplementationSpecific') {
    case 'Exact':
      return [{ match: 'exact', path: p }];
    case 'Prefix': {
      const trimmed = p.replace(/\/+$/, '');
      if (trimmed === '') return [{ match: 'prefix', path: '/' }];
      return [{ match: 'exact', path: trimmed }, { match: 'prefix', path: `${trimmed}/` }];
    }
    case 'ImplementationSpecific':
      return [{ match: 'prefix', path: p }];
  }
}

/** Rank for settling two paths that produce one location: lower wins. */
export const PATH_TYPE_RANK: Record<PathType, number> = { Exact: 0, Prefix: 1, ImplementationSpecific: 2 };

/** Absolute, printable, no whitespace: anything else is refused rather than escaped into the config. */
export function isSafePath(p: string): boolean {
  return p.startsWith('/') && /^[\x21-\x7e]*$/.test(p);
}

/** A rule host as nginx's server_name: exact names as they are, `*.foo.com` as a one-label regex. */
export function serverName(host: string): string {
  if (!host.startsWith('*.')) return host;
  return `~^[^.]+${host.slice(1).replace(/\./g, '\\.')}$`;
}

/** Whether `host` is a name or wildcard the API would accept (a DNS-1123 subdomain, perhaps after `*.`). */
export function isValidHost(host: string): boolean {
  const name = host.startsWith('*.') ? host.slice(2) : host;
  return name.length <= 253 && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(name);
}

/**
 * Whether a TLS entry's host covers a rule's host: the same name, or a wildcard whose one label
 * covers it (`*.foo.com` covers `bar.foo.com` and the rule host `*.foo.com` itself).
 */
export function tlsHostCovers(tlsHost: string, ruleHost: string): boolean {
  if (tlsHost === ruleHost) return true;
  if (!tlsHost.startsWith('*.') || ruleHost.startsWith('*.')) return false;
  const dot = ruleHost.indexOf('.');
  return dot > 0 && ruleHost.slice(dot) === tlsHost.slice(1);
}
