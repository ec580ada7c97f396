// What a probe spec asks the agent to run, resolved against the container and the pod IP
// (pkg/kubelet/prober/prober.go): the agent executes the descriptor with `timeoutSeconds`
// and feeds the outcome back into `ContainerProber.record` (a timeout is a failure).
import type { Container, Probe } from './types';
import { PROBE_DEFAULTS } from './probes';

export interface HttpHeader {
  readonly name: string;
  readonly value: string;
}

export type ProbeAction =
  | { readonly kind: 'exec'; readonly command: readonly string[]; readonly timeoutSeconds: number }
  | { readonly kind: 'httpGet'; readonly url: string; readonly headers: readonly HttpHeader[]; readonly timeoutSeconds: number }
  | { readonly kind: 'tcpSocket'; readonly host: string; readonly port: number; readonly timeoutSeconds: number }
  | { readonly kind: 'grpc'; readonly host: string; readonly port: number; readonly service?: string; readonly timeoutSeconds: number }
  /** The spec cannot be run (unknown named port, no handler): the agent records a failure. */
  | { readonly kind: 'invalid'; readonly message: string };

/** The kubelet's probe user agent is kube-probe/<major>.<minor>; we claim the API we serve. */
export const PROBE_USER_AGENT = 'kube-probe/1.32';

/** HTTP probes succeed on 200–399, like the kubelet's (redirects to other hosts are not followed). */
export const isHttpProbeSuccess = (status: number): boolean => status >= 200 && status < 400;

export function probeAction(probe: Probe, container: Container, podIP: string): ProbeAction {
  const timeoutSeconds = probe.timeoutSeconds ?? PROBE_DEFAULTS.timeoutSeconds;
  if (probe.exec) return { kind: 'exec', command: probe.exec.command ?? [], timeoutSeconds };
  if (probe.httpGet) {
    const port = resolvePort(probe.httpGet.port, container);
    if (typeof port === 'string') return { kind: 'invalid', message: port };
    const host = probe.httpGet.host || podIP;
    const scheme = (probe.httpGet.scheme ?? 'HTTP').toLowerCase();
    const path = probe.httpGet.path ?? '';
    const url = `${scheme}://${hostPort(host, port)}${path.startsWith('/') ? path : `/${path}`}`;
    return { kind: 'httpGet', url, headers: probeHeaders(probe.httpGet.httpHeaders ?? []), timeoutSeconds };
  }
  if (probe.tcpSocket) {
    const port = resolvePort(probe.tcpSocket.port, container);
    if (typeof port === 'string') return { kind: 'invalid', message: port };
    return { kind: 'tcpSocket', host: probe.tcpSocket.host || podIP, port, timeoutSeconds };
  }
  if (probe.grpc) return { kind: 'grpc', host: podIP, port: probe.grpc.port, service: probe.grpc.service, timeoutSeconds };
  return { kind: 'invalid', message: 'missing probe handler' };
}

/** A port by number, numeric string, or the name of one of the container's ports. Returns an error message otherwise. */
export function resolvePort(port: number | string, container: Container): number | string {
  if (typeof port === 'number') return port;
  if (/^\d+$/.test(port)) return Number(port);
  const named = (container.ports ?? []).find((p) => p.name === port);
  return named ? named.containerPort : `couldn't find port: ${port} in ${JSON.stringify(container.ports ?? [])}`;
}

const hostPort = (host: string, port: number) => (host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`);

// User headers win; the kubelet adds User-Agent and Accept only when the user did not set them.
function probeHeaders(user: readonly HttpHeader[]): HttpHeader[] {
  const has = (name: string) => user.some((h) => h.name.toLowerCase() === name.toLowerCase());
  const defaults: HttpHeader[] = [];
  if (!has('User-Agent')) defaults.push({ name: 'User-Agent', value: PROBE_USER_AGENT });
  if (!has('Accept')) defaults.push({ name: 'Accept', value: '*/*' });
  return [...user, ...defaults];
}
