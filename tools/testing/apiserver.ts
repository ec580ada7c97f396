// An apiserver of its own for a test file (or a benchmark): its own stream, subject prefix,
// Postgres schema and HTTP port on the shared substrates, plus a kubeconfig pointing at it.
//
// It runs as a child process (`node -r tools/compile-once.js apps/apiserver/src/main.ts`, as
// `npm run keelson` does), configured through the environment as in production: a restart is
// a real restart, and a server's connections and timers stay out of jest's worker.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort, writeKubeconfig } from '@keelson/local';
import { dropSchemaIfExists } from './schemas';
import { freshSchema, isolatedEventLog, natsUrl, pgUrl } from './index';

const ROOT = resolve(__dirname, '../..');
const MAIN = 'apps/apiserver/src/main.ts';
const START_TIMEOUT_MS = 45_000;
const STOP_TIMEOUT_MS = 10_000;
// Stops the server when its parent goes away (a jest worker that dies skips afterAll): the
// parent holds the child's stdin, whose end the child sees however the parent ended.
const BOOT = `process.stdin.on('end', () => process.kill(process.pid, 'SIGTERM')).resume(); require('./${MAIN}');`;

export interface TestApiServer {
  url: string;
  kubeconfig: string;
  stream: string;
  subjectPrefix: string;
  schema: string;
  /** holds the Secret encryption key and the kubeconfig */
  dir: string;
  process: ChildProcess;
  /** Stops the server and keeps its state (stream, schema, key) for a server started with `reuse`. */
  stop(): Promise<void>;
  /** Stops the server and removes its state. */
  close(): Promise<void>;
}

export interface TestApiServerOptions {
  internalApi?: boolean;
  /** start on the state of an earlier (stopped) server: same stream, subjects, schema and Secret key, as a restart would */
  reuse?: Pick<TestApiServer, 'stream' | 'subjectPrefix' | 'schema' | 'dir'>;
}

export async function startTestApiServer(fileName: string, opts: TestApiServerOptions = {}): Promise<TestApiServer> {
  const { stream, subjectPrefix } = opts.reuse ?? isolatedEventLog(fileName);
  const prefix = opts.reuse ? opts.reuse.subjectPrefix : `${subjectPrefix}.obj`; // the subject codec wants two prefix tokens
  const schema = opts.reuse?.schema ?? (await freshSchema(fileName));
  const dir = opts.reuse?.dir ?? mkdtempSync(join(tmpdir(), 'keelson-api-'));
  const port = await freePort();
  const env = {
    ...process.env,
    KEELSON_NATS_URL: natsUrl(),
    KEELSON_PG_URL: pgUrl(),
    KEELSON_API_HOST: '127.0.0.1',
    KEELSON_API_PORT: String(port),
    KEELSON_PG_SCHEMA: schema,
    KEELSON_STREAM: stream,
    KEELSON_SUBJECT_PREFIX: prefix,
    KEELSON_SECRET_KEY_FILE: join(dir, 'secret.key'),
    KEELSON_PROJECTOR: 'true',
    KEELSON_INTERNAL_API: String(opts.internalApi ?? false),
  };
  // Compiled once (tools/compile-once.js) rather than through swc-node: a start without the
  // TypeScript toolchain takes a fraction of the time, which matters on a loaded machine.
  const child = spawn(process.execPath, ['-r', join(ROOT, 'tools/compile-once.js'), '-e', BOOT], { cwd: ROOT, env, stdio: ['pipe', 'pipe', 'pipe'] });
  const url = await listening(child);
  const kubeconfig = join(dir, 'kubeconfig');
  writeKubeconfig(kubeconfig, url);
  const stop = () => stopProcess(child);
  return {
    url,
    kubeconfig,
    stream,
    subjectPrefix: prefix,
    schema,
    dir,
    process: child,
    stop,
    close: async () => {
      await stop();
      await dropSchemaIfExists(schema);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Resolves with the URL main.ts prints once it listens; rejects with the server's stderr if it exits or takes too long. */
function listening(child: ChildProcess): Promise<string> {
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => {
    stderr += d.toString();
    if (process.env.KEELSON_TEST_VERBOSE) process.stderr.write(d);
  });
  return new Promise((resolve, reject) => {
    let stdout = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`apiserver did not start within ${START_TIMEOUT_MS} ms:\n${stderr}`));
    }, START_TIMEOUT_MS);
    child.stdout!.on('data', (d: Buffer) => {
      stdout += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(stdout);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`apiserver exited (${code ?? signal}) before listening:\n${stderr}`));
    });
  });
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
  child.stdin?.destroy();
}

export interface KubeResponse<T = any> {
  code: number;
  headers: Headers;
  body: T;
}

/**
 * One REST call with Node's fetch, as a Kubernetes client makes it: objects go as JSON unless
 * `body` is a string (sent as it is) and `contentType` says otherwise; the answer is parsed as JSON when it is.
 */
export async function kube<T = any>(base: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<KubeResponse<T>> {
  const res = await fetch(base + path, {
    method,
    headers: { ...(body !== undefined ? { 'Content-Type': method === 'PATCH' ? 'application/merge-patch+json' : 'application/json' } : {}), ...headers },
    body: body === undefined ? undefined : typeof body === 'string' || Buffer.isBuffer(body) ? (body as string) : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: keep the text
  }
  return { code: res.status, headers: res.headers, body: parsed as T };
}

/** A client bound to one server: `const k = kubeClient(api.url); await k('GET', '/api/v1/pods')`. */
export function kubeClient(base: string) {
  return <T = any>(method: string, path: string, body?: unknown, headers?: Record<string, string>) => kube<T>(base, method, path, body, headers);
}

export interface WatchEventJson {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: any;
}

/** A watch stream read line by line: `next()` waits for the next event, `done` resolves when the server ends the stream. */
export interface WatchStream {
  code: number;
  events: WatchEventJson[];
  next(timeoutMs?: number): Promise<WatchEventJson>;
  done: Promise<void>;
  close(): void;
}

export async function openWatch(base: string, path: string): Promise<WatchStream> {
  const ac = new AbortController();
  const res = await fetch(base + path, { signal: ac.signal });
  const events: WatchEventJson[] = [];
  let read = 0;
  let wake: (() => void) | undefined;
  let ended = false;
  const done = (async () => {
    const decoder = new TextDecoder();
    let buf = '';
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        buf += decoder.decode(chunk, { stream: true });
        let nl: number;
        while ((nl = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, nl).trim();
          buf = buf.slice(nl + 1);
          if (line) events.push(JSON.parse(line) as WatchEventJson);
        }
        wake?.();
      }
    } catch (e) {
      if (!ac.signal.aborted) throw e;
    } finally {
      ended = true;
      wake?.();
    }
  })();
  done.catch(() => undefined); // a failure shows in next(); no unhandled rejection
  return {
    code: res.status,
    events,
    done,
    close: () => ac.abort(),
    async next(timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (read >= events.length) {
        if (ended) throw new Error(`watch ended after ${events.length} events`);
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`no watch event within ${timeoutMs} ms (got ${events.length})`);
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, left);
          wake = () => {
            clearTimeout(t);
            resolve();
          };
        });
      }
      return events[read++];
    },
  };
}
