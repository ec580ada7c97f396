// The agent's own HTTP server on the kubelet port (Node.status.daemonEndpoints.kubeletEndpoint),
// where the apiserver reaches a node for logs, exec, attach and port-forward. Others register
// their handlers here: `handle` for plain requests, `upgrade` for the WebSocket/SPDY upgrades
// exec and port-forward use. The agent itself serves /healthz, /pods and /debug/timings.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';

export type AgentHandler = (req: IncomingMessage, res: ServerResponse, url: URL) => void | Promise<void>;
export type AgentUpgradeHandler = (req: IncomingMessage, socket: Duplex, head: Buffer, url: URL) => void | Promise<void>;

interface Route<H> {
  readonly method: string;
  readonly prefix: string;
  readonly handler: H;
}

export class AgentHttpServer {
  private readonly routes: Route<AgentHandler>[] = [];
  private readonly upgrades: Route<AgentUpgradeHandler>[] = [];
  private server?: Server;

  /** Serves `method` requests whose path starts with `prefix` (the longest prefix wins). */
  handle(method: string, prefix: string, handler: AgentHandler): this {
    this.routes.push({ method: method.toUpperCase(), prefix, handler });
    return this;
  }

  /** Serves connection upgrades (WebSocket, SPDY) whose path starts with `prefix`. */
  upgrade(prefix: string, handler: AgentUpgradeHandler): this {
    this.upgrades.push({ method: 'GET', prefix, handler });
    return this;
  }

  json(prefix: string, body: () => unknown): this {
    return this.handle('GET', prefix, (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(body()));
    });
  }

  async listen(port: number, host = '0.0.0.0'): Promise<number> {
    const server = createServer((req, res) => void this.dispatch(req, res));
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      const url = new URL(req.url ?? '/', 'http://node');
      const route = pick(this.upgrades, 'GET', url.pathname);
      if (!route) return void socket.end('HTTP/1.1 404 Not Found\r\n\r\n');
      Promise.resolve(route.handler(req, socket, head, url)).catch(() => socket.destroy());
    });
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, host, () => resolve()));
    this.server = server;
    return (server.address() as AddressInfo).port;
  }

  private async dispatch(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://node');
    const route = pick(this.routes, req.method ?? 'GET', url.pathname);
    if (!route) return void res.writeHead(404, { 'Content-Type': 'text/plain' }).end('404 page not found\n');
    try {
      await route.handler(req, res, url);
    } catch (e) {
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain' });
      res.end(`${(e as Error).message}\n`);
    }
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections?.();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

function pick<H>(routes: readonly Route<H>[], method: string, path: string): Route<H> | undefined {
  return routes.filter((r) => r.method === method.toUpperCase() && path.startsWith(r.prefix)).sort((a, b) => b.prefix.length - a.prefix.length)[0];
}
