// pods/log, pods/exec, pods/attach and pods/portforward: answered by the node agent that runs
// the pod, reached as kube-apiserver reaches a kubelet — the Node's InternalIP and its
// `status.daemonEndpoints.kubeletEndpoint.Port`. Logs are an ordinary proxied GET; the others
// are upgrades (SPDY/3.1 or WebSocket), forwarded as bytes once the request line and headers
// are rewritten for the agent, like kube-apiserver's UpgradeAwareHandler.
import { request as httpRequest, STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import { connect } from 'node:net';
import type { Duplex } from 'node:stream';
import { Errors, StatusError, type KubeObject, type Status } from '@keelson/apimachinery';
import { findByPlural } from '@keelson/resources';
import { resolveRequest, type ResourceRequest } from '../request-info';
import type { ObjectStore } from '../store';

export const NODE_SUBRESOURCES: ReadonlySet<string> = new Set(['log', 'exec', 'attach', 'portforward']);

const PODS = findByPlural('', 'v1', 'pods')!;
const NODES = findByPlural('', 'v1', 'nodes')!;

interface PodShape {
  spec?: { nodeName?: string; containers?: { name: string }[]; initContainers?: { name: string }[]; ephemeralContainers?: { name: string }[] };
  status?: { phase?: string };
}
export interface NodeShape {
  metadata?: { annotations?: Record<string, string> };
  status?: { addresses?: { type: string; address: string }[]; daemonEndpoints?: { kubeletEndpoint?: { Port?: number } } };
}

export interface AgentLocation {
  readonly host: string;
  readonly port: number;
  /** The agent's path and query, e.g. /exec/default/web/nginx?command=ls&stdout=true */
  readonly path: string;
}

export function isNodeSubresource(rr: ResourceRequest): boolean {
  return rr.resource.group === '' && rr.resource.plural === 'pods' && !!rr.subresource && NODE_SUBRESOURCES.has(rr.subresource);
}

/** The container a request means: the one named, or the only one; Kubernetes' words when neither. */
export function containerFor(podName: string, pod: PodShape, asked: string | null): string {
  const spec = pod.spec ?? {};
  const names = (spec.containers ?? []).map((c) => c.name);
  const init = (spec.initContainers ?? []).map((c) => c.name);
  const all = [...names, ...init, ...(spec.ephemeralContainers ?? []).map((c) => c.name)];
  if (!asked) {
    if (names.length === 1) return names[0];
    throw Errors.badRequest(`a container name must be specified for pod ${podName}, choose one of: [${names.join(' ')}]${init.length ? ` or one of the init containers: [${init.join(' ')}]` : ''}`);
  }
  if (!all.includes(asked)) throw Errors.badRequest(`container ${asked} is not valid for pod ${podName}`);
  return asked;
}

/** Where the pod's agent serves this request. */
export async function locateAgent(store: ObjectStore, rr: ResourceRequest, query: URLSearchParams): Promise<AgentLocation> {
  const name = rr.name!;
  const namespace = rr.namespace ?? 'default';
  const pod = (await store.current(PODS, namespace, name)).object as (KubeObject & PodShape) | null;
  if (!pod) throw Errors.notFound('pods', '', name);
  const forwarded = new URLSearchParams(query);
  forwarded.delete('container');
  let path: string;
  const phase = pod.status?.phase;
  const completed = phase === 'Succeeded' || phase === 'Failed';
  if (rr.subresource === 'portforward') {
    path = `/portForward/${enc(namespace)}/${enc(name)}`;
  } else {
    const container = containerFor(name, pod, query.get('container'));
    if (rr.subresource === 'exec' && completed) throw Errors.badRequest(`cannot exec into a container in a completed pod; current phase is ${phase}`);
    if (rr.subresource === 'attach' && completed) throw Errors.badRequest(`cannot attach to a container in a completed pod; current phase is ${phase}`);
    const kind = rr.subresource === 'log' ? 'containerLogs' : rr.subresource!;
    path = `/${kind}/${enc(namespace)}/${enc(name)}/${enc(container)}`;
  }
  const nodeName = pod.spec?.nodeName;
  if (!nodeName) throw Errors.badRequest(`pod ${name} does not have a host assigned`);
  const node = (await store.current(NODES, undefined, nodeName)).object as (KubeObject & NodeShape) | null;
  if (!node) throw Errors.notFound('nodes', '', nodeName);
  const { host, port } = kubeletAddress(node);
  if (!host || !port) throw Errors.badRequest(`node ${nodeName} has no address or kubelet endpoint to reach it by`);
  const search = forwarded.toString();
  return { host, port, path: search ? `${path}?${search}` : path };
}

/** Where a node's kubelet port is reached. */
export function kubeletAddress(node: NodeShape): { host?: string; port?: number } {
  const addresses = node.status?.addresses ?? [];
  // An agent may say where its kubelet port is reachable (keelson.io/kubelet-host); otherwise the InternalIP, as Kubernetes does.
  const host = node.metadata?.annotations?.['keelson.io/kubelet-host'] ?? (addresses.find((a) => a.type === 'InternalIP') ?? addresses.find((a) => a.type === 'Hostname') ?? addresses[0])?.address;
  return { host, port: node.status?.daemonEndpoints?.kubeletEndpoint?.Port };
}

/** pods/log (and a plain request on the upgrade-only subresources). */
export async function proxyPodRequest(store: ObjectStore, rr: ResourceRequest, query: URLSearchParams, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (rr.subresource !== 'log') throw Errors.badRequest('Upgrade request required');
  const target = await locateAgent(store, rr, query);
  await new Promise<void>((resolve, reject) => {
    // agent: false — a pooled socket could be handed to the next request while this one's
    // 'close' handler still destroys it.
    const upstream = httpRequest({ host: target.host, port: target.port, path: target.path, method: 'GET', agent: false, headers: { accept: req.headers.accept ?? '*/*' } }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, { 'Content-Type': answer.headers['content-type'] ?? 'text/plain', 'Cache-Control': 'no-cache, private' });
      res.flushHeaders();
      answer.pipe(res);
      answer.on('end', resolve);
      answer.on('error', resolve);
    });
    upstream.on('error', (e) => reject(dialError(e)));
    // A follower that goes away ends the agent's follow too.
    res.on('close', () => upstream.destroy());
    upstream.end();
  });
}

/** The HTTP server's 'upgrade' event: exec, attach and portforward to the pod's agent. */
export function createUpgradeHandler(store: ObjectStore) {
  return (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    socket.on('error', () => socket.destroy());
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const rr = resolveRequest(req.method ?? 'GET', url.pathname, url.searchParams);
      if (!rr || !isNodeSubresource(rr) || rr.subresource === 'log') throw Errors.badRequest(`upgrade is not supported on ${url.pathname}`);
      const target = await locateAgent(store, rr, url.searchParams);
      const upstream = connect(target.port, target.host);
      await new Promise<void>((resolve, reject) => {
        upstream.once('connect', resolve);
        upstream.once('error', (e) => reject(dialError(e)));
      });
      upstream.write(requestHead(req, target));
      if (head.length) upstream.write(head);
      upstream.pipe(socket);
      socket.pipe(upstream);
      upstream.on('error', () => socket.destroy());
      socket.on('close', () => upstream.destroy());
      upstream.on('close', () => socket.destroy());
    })().catch((e) => rejectUpgrade(socket, e instanceof StatusError ? e.toStatus() : Errors.internal((e as Error).message).toStatus()));
  };
}

/** The client's request for the agent: its path, the client's headers (each repeat kept) but Host and credentials. */
function requestHead(req: IncomingMessage, target: AgentLocation): string {
  const lines = [`${req.method ?? 'GET'} ${target.path} HTTP/1.1`, `Host: ${target.host}:${target.port}`];
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i];
    if (/^(host|authorization|proxy-authorization)$/i.test(name)) continue;
    lines.push(`${name}: ${req.rawHeaders[i + 1]}`);
  }
  return `${lines.join('\r\n')}\r\n\r\n`;
}

function rejectUpgrade(socket: Duplex, status: Status): void {
  if (socket.destroyed) return;
  const body = JSON.stringify(status);
  socket.end(`HTTP/1.1 ${status.code} ${STATUS_CODES[status.code] ?? 'Error'}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}

function dialError(e: Error): StatusError {
  return new StatusError(500, 'InternalError', `error dialing backend: ${e.message}`);
}

const enc = encodeURIComponent;
