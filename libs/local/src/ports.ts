import { createServer } from 'node:net';

/** Only loopback: the substrates are never reachable from outside this machine. */
export const LOOPBACK = '127.0.0.1';

/**
 * A TCP port on 127.0.0.1 that was free a moment ago. The kernel picks it (listen on port 0),
 * so two calls in a row get different ports; someone else may still take it before we do,
 * which `assertPortFree` at start-up turns into a clear error.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, LOOPBACK, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('no port assigned'))));
    });
  });
}

/** Resolves if nothing listens on 127.0.0.1:port; otherwise rejects naming the port and who wanted it. */
export function assertPortFree(port: number, wantedBy: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', (err: NodeJS.ErrnoException) => {
      const why = err.code === 'EADDRINUSE' ? 'is already in use' : `cannot be bound (${err.code ?? err.message})`;
      reject(new Error(`${wantedBy}: port ${LOOPBACK}:${port} ${why}; stop whatever listens there (ss -ltnp 'sport = :${port}') or choose another port`));
    });
    server.listen(port, LOOPBACK, () => server.close(() => resolve()));
  });
}
