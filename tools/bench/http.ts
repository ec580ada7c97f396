import { Agent, request } from 'node:http';

// A minimal HTTP/1.1 client over a keep-alive agent (what kubectl and client-go do), and a
// watch stream reader that timestamps every event the moment its line arrives.

export interface Reply {
  status: number;
  body: string;
}

export class ApiClient {
  readonly agent: Agent;

  constructor(readonly base: URL, maxSockets: number) {
    this.agent = new Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets });
  }

  send(method: string, path: string, body?: unknown): Promise<Reply> {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    return new Promise((resolve, reject) => {
      const req = request(
        {
          host: this.base.hostname,
          port: this.base.port,
          method,
          path,
          agent: this.agent,
          headers: { Accept: 'application/json', ...(payload ? { 'Content-Type': 'application/json', 'Content-Length': payload.length } : {}) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  }

  /** Sends and throws unless the status is 2xx; returns the parsed body. */
  async ok<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<T> {
    const r = await this.send(method, path, body);
    if (r.status < 200 || r.status >= 300) throw new Error(`${method} ${path}: HTTP ${r.status}: ${r.body.slice(0, 200)}`);
    return JSON.parse(r.body) as T;
  }

  close(): void {
    this.agent.destroy();
  }
}

export interface WatchStream {
  /** resolves once the response headers arrived: the watch is established */
  readonly established: Promise<void>;
  close(): void;
}

/** Opens `path` (a ?watch=true URL) on its own socket and calls `onEvent` per line with its arrival time. */
export function openWatch(base: URL, path: string, onEvent: (type: string, name: string, arrivedAt: number) => void): WatchStream {
  let closed = false;
  const req = request({ host: base.hostname, port: base.port, method: 'GET', path, agent: false, headers: { Accept: 'application/json' } });
  const established = new Promise<void>((resolve, reject) => {
    req.on('error', (e) => (closed ? resolve() : reject(e)));
    req.on('response', (res) => {
      if (res.statusCode !== 200) return reject(new Error(`watch ${path}: HTTP ${res.statusCode}`));
      resolve();
      let pending = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        const arrivedAt = performance.now();
        pending += chunk;
        let nl: number;
        while ((nl = pending.indexOf('\n')) >= 0) {
          const line = pending.slice(0, nl);
          pending = pending.slice(nl + 1);
          if (!line.trim()) continue;
          const ev = JSON.parse(line) as { type: string; object: { metadata?: { name?: string } } };
          onEvent(ev.type, ev.object.metadata?.name ?? '', arrivedAt);
        }
      });
      res.on('error', () => undefined);
    });
  });
  req.end();
  return {
    established,
    close: () => {
      closed = true;
      req.destroy();
    },
  };
}
