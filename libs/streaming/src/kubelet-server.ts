// The node agent's streaming endpoints, on the kubelet's paths so that the apiserver proxies
// pods/log, pods/exec and pods/portforward to them as kube-apiserver does to a kubelet:
//   GET  /containerLogs/{namespace}/{pod}/{container}?follow&tailLines&sinceSeconds&…
//   POST /exec/{namespace}/{pod}/{container}?command=…&stdin&stdout&stderr&tty  (upgrade)
//   POST /portForward/{namespace}/{pod}                                         (upgrade)
// Upgrades are SPDY/3.1 (every kubectl) or WebSocket (kubectl ≥ 1.30 tries it first).
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { Errors, StatusError, type Status } from '@keelson/apimachinery';
import type { ContainerRuntime } from '@keelson/runtime';
import { createWebSocketStream, WebSocketServer } from 'ws';
import { serveExecOverSpdy, SPDY_EXEC_PROTOCOLS } from './exec-spdy';
import { serveExecOverWebSocket, WEBSOCKET_EXEC_PROTOCOLS } from './exec-websocket';
import { LogQueryError, parseLogQuery, pickInstance, runtimeLogOptions } from './logs';
import { netnsDialer } from './pod-dialer';
import { PORT_FORWARD_PROTOCOL, PORT_FORWARD_TUNNEL_PROTOCOL, servePortForward, type PortDialer } from './portforward';
import { parseExecQuery, runExec } from './remotecommand';
import { SpdyConnection } from './spdy/connection';
import { rejectUpgrade, sendStatus, streamText } from './http-util';

export interface PodRef {
  readonly uid: string;
  readonly name: string;
  readonly namespace: string;
}

/** Finds a pod this node runs; undefined when it has none by that name. */
export type PodLookup = (namespace: string, name: string) => Promise<PodRef | undefined>;

export interface KubeletHandlerOptions {
  /** How port-forward reaches a pod's port; default: a relay in the sandbox's network namespace. */
  readonly dialer?: (pod: PodRef, runtime: ContainerRuntime) => Promise<PortDialer>;
  readonly now?: () => Date;
}

export interface KubeletHandlers {
  /** Answers a streaming path and returns true, or returns false for another path. */
  request(req: IncomingMessage, res: ServerResponse): boolean;
  /** The HTTP server's 'upgrade' event; answers 404 for paths that are not ours. */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
}

type ContainerRoute = { kind: 'containerLogs' | 'exec' | 'attach'; namespace: string; pod: string; container: string };
type Route = ContainerRoute | { kind: 'portForward'; namespace: string; pod: string };

export function parseRoute(pathname: string): Route | undefined {
  const parts = pathname.split('/').filter(Boolean).map(decodeURIComponent);
  const [kind, namespace, pod, container] = parts;
  if ((kind === 'containerLogs' || kind === 'exec' || kind === 'attach') && parts.length === 4) return { kind, namespace, pod, container };
  if (kind === 'portForward' && parts.length === 3) return { kind, namespace, pod };
  return undefined;
}

/** Pods by their sandboxes' labels: the newest ready sandbox of that namespace/name. */
export function lookupBySandbox(runtime: ContainerRuntime): PodLookup {
  return async (namespace, name) => {
    const sandboxes = (await runtime.listPodSandboxes({ state: 'ready' })).filter((s) => s.namespace === namespace && s.name === name);
    const newest = sandboxes.sort((a, b) => b.attempt - a.attempt)[0];
    return newest && { uid: newest.uid, name, namespace };
  };
}

export function createKubeletHandlers(runtime: ContainerRuntime, lookup: PodLookup = lookupBySandbox(runtime), options: KubeletHandlerOptions = {}): KubeletHandlers {
  const now = options.now ?? (() => new Date());
  const dialer = options.dialer ?? sandboxNetnsDialer;
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  // ws refuses "SPDY/3.1+portforward.k8s.io" as a subprotocol ('/' is no token character), so the
  // request carries a stand-in through ws and the answer gets the real name back.
  wss.on('headers', (headers, req) => {
    if (!TUNNELLED.has(req)) return;
    const at = headers.findIndex((h) => h.toLowerCase().startsWith('sec-websocket-protocol:'));
    if (at >= 0) headers[at] = `Sec-WebSocket-Protocol: ${PORT_FORWARD_TUNNEL_PROTOCOL}`;
  });

  async function findPod(namespace: string, name: string): Promise<PodRef> {
    const pod = await lookup(namespace, name);
    if (!pod) throw Errors.notFound('pods', '', name);
    return pod;
  }

  async function runningContainer(pod: PodRef, container: string): Promise<string> {
    const running = (await runtime.listContainers({ podUid: pod.uid, name: container })).filter((c) => c.state === 'running');
    const current = pickInstance(running, false);
    if (!current) throw new StatusError(404, 'NotFound', `container not found ("${container}")`);
    return current.id;
  }

  async function serveLogs(route: ContainerRoute, query: URLSearchParams, res: ServerResponse): Promise<void> {
    let request;
    try {
      request = parseLogQuery(query, now());
    } catch (e) {
      if (e instanceof LogQueryError) throw Errors.badRequest(e.message);
      throw e;
    }
    const pod = await findPod(route.namespace, route.pod);
    const instance = pickInstance(await runtime.listContainers({ podUid: pod.uid, name: route.container }), request.previous);
    if (!instance) {
      throw Errors.badRequest(
        request.previous ? `previous terminated container "${route.container}" in pod "${route.pod}" not found` : `container "${route.container}" in pod "${route.pod}" is waiting to start: ContainerCreating`,
      );
    }
    const logs = await runtime.logs(instance.id, runtimeLogOptions(request));
    streamText(logs, res, request.limitBytes);
  }

  async function upgradeAsync(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const route = parseRoute(url.pathname);
    if (!route || route.kind === 'containerLogs') throw Errors.notFound('', '', url.pathname).withMessage('the server could not find the requested resource');
    if (route.kind === 'attach') throw Errors.badRequest('attach is not supported by this node: the container runtime interface here has no attach');
    const pod = await findPod(route.namespace, route.pod);
    const upgrade = (req.headers.upgrade ?? '').toLowerCase();
    const offered = offeredProtocols(req, upgrade === 'websocket' ? 'sec-websocket-protocol' : 'x-stream-protocol-version');
    if (route.kind === 'exec') {
      const containerId = await runningContainer(pod, route.container);
      const request = parseExecQuery(url.searchParams);
      if (request.command.length === 0) throw Errors.badRequest('you must specify at least 1 command');
      const run = (streams: Parameters<typeof runExec>[3]) => runExec(runtime, containerId, request, streams);
      if (upgrade === 'websocket') {
        const protocol = negotiate(offered, WEBSOCKET_EXEC_PROTOCOLS);
        wss.handleUpgrade(req, socket, head, (ws) => serveExecOverWebSocket(ws, protocol, request, run));
      } else {
        const protocol = negotiate(offered, SPDY_EXEC_PROTOCOLS);
        serveExecOverSpdy(acceptSpdy(socket, head, protocol), protocol, request, run);
      }
      return;
    }
    const target = { podName: pod.name, uid: pod.uid, dial: await dialer(pod, runtime) };
    if (upgrade === 'websocket') {
      negotiate(offered, [PORT_FORWARD_TUNNEL_PROTOCOL]);
      req.headers['sec-websocket-protocol'] = TUNNEL_STAND_IN;
      TUNNELLED.add(req);
      // SPDY inside WebSocket binary messages: the same session over another transport.
      wss.handleUpgrade(req, socket, head, (ws) => servePortForward(new SpdyConnection(createWebSocketStream(ws)), target));
    } else {
      servePortForward(acceptSpdy(socket, head, negotiate(offered, [PORT_FORWARD_PROTOCOL])), target);
    }
  }

  return {
    request(req, res) {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const route = parseRoute(url.pathname);
      if (!route) return false;
      const answer = route.kind === 'containerLogs' ? serveLogs(route, url.searchParams, res) : Promise.reject(Errors.badRequest('Upgrade request required'));
      answer.catch((e) => sendStatus(res, statusOf(e)));
      return true;
    },
    upgrade(req, socket, head) {
      socket.on('error', () => socket.destroy());
      upgradeAsync(req, socket, head).catch((e) => rejectUpgrade(socket, statusOf(e)));
    },
  };
}

/** A server with prefix routes, as the node agent's AgentHttpServer has them. */
export interface StreamingHost {
  handle(method: string, prefix: string, handler: (req: IncomingMessage, res: ServerResponse) => void): unknown;
  upgrade(prefix: string, handler: (req: IncomingMessage, socket: Duplex, head: Buffer) => void): unknown;
}

const PREFIXES = ['/containerLogs/', '/exec/', '/attach/', '/portForward/'] as const;

/**
 * Serves the streaming paths on the node agent's server: either its prefix routes
 * (`mountKubeletHandlers(agentHttpServer, runtime)`) or a plain Node server, where upgrades go
 * on its 'upgrade' event and requests for our paths are answered ahead of its own listeners.
 */
export function mountKubeletHandlers(host: Server | StreamingHost, runtime: ContainerRuntime, lookup?: PodLookup, options?: KubeletHandlerOptions): KubeletHandlers {
  const handlers = createKubeletHandlers(runtime, lookup, options);
  if ('handle' in host && 'upgrade' in host && typeof host.upgrade === 'function') {
    for (const prefix of PREFIXES) {
      // a plain request on an upgrade path gets the kubelet's "Upgrade request required"
      for (const method of ['GET', 'POST']) host.handle(method, prefix, (req, res) => void handlers.request(req, res));
      if (prefix !== '/containerLogs/') host.upgrade(prefix, handlers.upgrade);
    }
    return handlers;
  }
  const server = host as Server;
  const others = server.listeners('request') as ((req: IncomingMessage, res: ServerResponse) => void)[];
  server.removeAllListeners('request');
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (!handlers.request(req, res)) for (const l of others) l.call(server, req, res);
  });
  server.on('upgrade', handlers.upgrade);
  return handlers;
}

const TUNNEL_STAND_IN = 'keelson-spdy-portforward';
const TUNNELLED = new WeakSet<IncomingMessage>();

async function sandboxNetnsDialer(pod: PodRef, runtime: ContainerRuntime): Promise<PortDialer> {
  const sandbox = (await runtime.listPodSandboxes({ uid: pod.uid, state: 'ready' })).sort((a, b) => b.attempt - a.attempt)[0];
  const status = sandbox && (await runtime.podSandboxStatus(sandbox.id));
  if (!status?.pid) throw Errors.badRequest(`pod ${pod.name} has no running sandbox`);
  return netnsDialer(`/proc/${status.pid}/ns/net`);
}

/** A header that may come several times or comma-joined (Node joins repeated ones with ", "). */
export function offeredProtocols(req: Pick<IncomingMessage, 'headers'>, header: string): string[] {
  const raw = req.headers[header];
  const values = Array.isArray(raw) ? raw : raw ? [raw] : [];
  return values.flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
}

/** The client's first choice that we serve, as apimachinery's httpstream.Handshake picks it. */
export function negotiate(offered: readonly string[], supported: readonly string[]): string {
  const chosen = offered.find((p) => supported.includes(p));
  if (!chosen) throw new StatusError(403, 'Forbidden', `unable to upgrade: unable to negotiate protocol: client supports ${JSON.stringify(offered)}, server supports ${JSON.stringify(supported)}`);
  return chosen;
}

function acceptSpdy(socket: Duplex, head: Buffer, protocol: string): SpdyConnection {
  socket.write(`HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: ${protocol}\r\n\r\n`);
  if (head.length) socket.unshift(head);
  return new SpdyConnection(socket);
}

function statusOf(e: unknown): Status {
  if (e instanceof StatusError) return e.toStatus();
  return Errors.internal((e as Error).message).toStatus();
}
