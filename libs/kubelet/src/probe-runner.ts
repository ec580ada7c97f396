// Runs what probe-actions.ts resolved: exec inside the container through the runtime;
// httpGet and tcpSocket against the pod IP from the node's network namespace, since the pod
// network (cni0) is only reachable there when the node lives in `keelson-node-N`. There the
// agent starts a short-lived client with `ip netns exec`: busybox wget for HTTP (bounded by
// `timeout`: busybox wget's own -T crashes) and bash's /dev/tcp for a TCP connect. On a node
// that is the host itself, it uses Node's own fetch and sockets.
import { execFile } from 'node:child_process';
import { connect } from 'node:net';
import type { ProbeAction } from './probe-actions';
import { isHttpProbeSuccess } from './probe-actions';
import type { ProbeResult } from './probes';

export interface ExecRuntime {
  execSync(id: string, cmd: readonly string[], timeoutSeconds?: number): Promise<{ exitCode: number; stdout: string; stderr: string }>;
}

export interface ProbeOutcome {
  readonly result: ProbeResult;
  readonly output?: string;
}

export class ProbeRunner {
  constructor(
    private readonly runtime: ExecRuntime,
    /** The node's network namespace; undefined when the node is the host. */
    private readonly nodeNamespace?: string,
  ) {}

  async run(action: ProbeAction, containerId: string): Promise<ProbeOutcome> {
    switch (action.kind) {
      case 'exec':
        try {
          const r = await this.runtime.execSync(containerId, action.command, action.timeoutSeconds);
          return { result: r.exitCode === 0 ? 'success' : 'failure', output: (r.stdout + r.stderr).slice(0, 1024) };
        } catch (e) {
          return { result: 'failure', output: (e as Error).message };
        }
      case 'httpGet':
        return this.nodeNamespace ? this.inNamespace(action.timeoutSeconds, wgetArgs(action.url, action.headers)) : httpProbe(action.url, action.headers, action.timeoutSeconds);
      case 'tcpSocket':
        return this.nodeNamespace
          ? this.inNamespace(action.timeoutSeconds, ['bash', '-c', 'exec 3<>"/dev/tcp/$0/$1"', action.host, String(action.port)])
          : tcpProbe(action.host, action.port, action.timeoutSeconds);
      case 'grpc':
        return { result: 'failure', output: 'grpc probes are not supported by this node agent' };
      case 'invalid':
        return { result: 'failure', output: action.message };
      default:
        return action satisfies never;
    }
  }

  private inNamespace(timeoutSeconds: number, cmd: string[]): Promise<ProbeOutcome> {
    return new Promise((resolve) => {
      execFile('ip', ['netns', 'exec', this.nodeNamespace!, 'timeout', String(Math.max(1, timeoutSeconds)), ...cmd], { timeout: (timeoutSeconds + 5) * 1000 }, (err, stdout, stderr) => {
        resolve({ result: err ? 'failure' : 'success', output: `${stdout}${stderr}`.slice(0, 1024) });
      });
    });
  }
}

function wgetArgs(url: string, headers: readonly { name: string; value: string }[]): string[] {
  const ua = headers.find((h) => h.name.toLowerCase() === 'user-agent');
  const rest = headers.filter((h) => h !== ua).flatMap((h) => ['--header', `${h.name}: ${h.value}`]);
  return ['busybox', 'wget', '-q', '-O', '/dev/null', ...(ua ? ['-U', ua.value] : []), ...rest, url];
}

async function httpProbe(url: string, headers: readonly { name: string; value: string }[], timeoutSeconds: number): Promise<ProbeOutcome> {
  try {
    const res = await fetch(url, { headers: headers.map((h) => [h.name, h.value] as [string, string]), redirect: 'manual', signal: AbortSignal.timeout(timeoutSeconds * 1000) });
    await res.body?.cancel();
    return { result: isHttpProbeSuccess(res.status) ? 'success' : 'failure', output: `HTTP probe failed with statuscode: ${res.status}` };
  } catch (e) {
    return { result: 'failure', output: (e as Error).message };
  }
}

function tcpProbe(host: string, port: number, timeoutSeconds: number): Promise<ProbeOutcome> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: timeoutSeconds * 1000 });
    const done = (result: ProbeResult, output?: string) => (socket.destroy(), resolve({ result, output }));
    socket.once('connect', () => done('success'));
    socket.once('timeout', () => done('failure', 'timeout'));
    socket.once('error', (e) => done('failure', e.message));
  });
}
