import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { connect, StringCodec } from 'nats';
import { Client } from 'pg';
import { freePort, startNats, startPostgres, usesHugePages, writeKubeconfig, type RunningSubstrate } from './index';

// jest.config.js sets testTimeout per project, which Jest ignores there (it is a global option).
jest.setTimeout(60_000);

const sc = StringCodec();
let root: string;
const running: RunningSubstrate[] = [];

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'keelson-local-'));
  chmodSync(root, 0o711); // the postgres user must be able to enter it
});
afterAll(async () => {
  await Promise.all(running.map((s) => s.stop()));
  rmSync(root, { recursive: true, force: true });
});

async function track(s: Promise<RunningSubstrate>): Promise<RunningSubstrate> {
  const started = await s;
  running.push(started);
  return started;
}

/** Gone, or a zombie waiting for init to reap it (it holds no ports, files or memory). */
function gone(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '').startsWith('Z');
  } catch {
    return true;
  }
}

async function appendToStream(url: string, stream: string, body: string): Promise<void> {
  const nc = await connect({ servers: url });
  const jsm = await nc.jetstreamManager();
  await jsm.streams.add({ name: stream, subjects: [`${stream}.>`] }).catch(() => undefined);
  await nc.jetstream().publish(`${stream}.a`, sc.encode(body));
  await nc.close();
}

async function lastInStream(url: string, stream: string): Promise<string> {
  const nc = await connect({ servers: url });
  const msg = await (await nc.jetstreamManager()).streams.getMessage(stream, { last_by_subj: `${stream}.a` });
  await nc.close();
  return sc.decode(msg.data);
}

async function sql<T = Record<string, unknown>>(url: string, text: string): Promise<T[]> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(text)).rows as T[];
  } finally {
    await c.end();
  }
}

describe('nats-server', () => {
  it('given a fresh data dir, when started, stopped and started again, then an acknowledged message is still there', async () => {
    const dataDir = join(root, 'nats-restart');
    const first = await track(startNats({ dataDir, port: await freePort() }));
    await appendToStream(first.url, 'KEPT', 'hello');

    await first.stop();
    expect(gone(first.pid)).toBe(true);

    const second = await track(startNats({ dataDir, port: await freePort() }));
    expect(await lastInStream(second.url, 'KEPT')).toBe('hello');
    await second.stop();
    expect(gone(second.pid)).toBe(true);
  });

  it('accepts a 2 MB message (Kubernetes objects reach ~1.5 MB)', async () => {
    const nats = await track(startNats({ dataDir: join(root, 'nats-big'), port: await freePort() }));
    const big = 'x'.repeat(2 * 1024 * 1024);
    await appendToStream(nats.url, 'BIG', big);
    expect((await lastInStream(nats.url, 'BIG')).length).toBe(big.length);
    await nats.stop();
  });
});

describe('postgres', () => {
  it('given a fresh data dir, when started, stopped and started again, then committed rows are still there and no backend is left', async () => {
    const dataDir = join(root, 'pg-restart');
    const first = await track(startPostgres({ dataDir, port: await freePort() }));
    expect(first.url).toMatch(/\/keelson$/);
    await sql(first.url, 'CREATE TABLE kept (v text); INSERT INTO kept VALUES ($$hello$$)');
    const processes = (await sql<{ pid: number }>(first.url, 'SELECT pid FROM pg_stat_activity')).map((r) => r.pid);
    expect(processes.length).toBeGreaterThan(1);

    await first.stop();
    expect([first.pid, ...processes].filter((pid) => !gone(pid))).toEqual([]);

    const second = await track(startPostgres({ dataDir, port: await freePort() }));
    expect(await sql(second.url, 'SELECT v FROM kept')).toEqual([{ v: 'hello' }]);
    await second.stop();
    expect(gone(second.pid)).toBe(true);
  });

  const asRoot = process.getuid?.() === 0 ? it : it.skip;
  asRoot('as root, maps its shared memory on 2 MB huge pages', async () => {
    const pg = await track(startPostgres({ dataDir: join(root, 'pg-huge'), port: await freePort() }));
    // the postmaster's mappings: shared memory (~145 MB) is the one on hugetlb pages
    const pageSizes = [...readFileSync(`/proc/${pg.pid}/smaps`, 'utf8').matchAll(/^KernelPageSize:\s+(\d+) kB/gm)].map((m) => Number(m[1]));
    expect(pageSizes).toContain(2048);
    expect(usesHugePages(pg.pid)).toBe(true);
    expect(usesHugePages(process.pid)).toBe(false);
    await pg.stop();
  });

  it('stops promptly even while a client is still connected', async () => {
    const pg = await track(startPostgres({ dataDir: join(root, 'pg-client'), port: await freePort() }));
    const leaked = new Client({ connectionString: pg.url });
    leaked.on('error', () => undefined);
    await leaked.connect();
    const t0 = Date.now();
    await pg.stop();
    expect(Date.now() - t0).toBeLessThan(5000);
  });
});

describe('recovery', () => {
  it('given the owning process was killed with SIGKILL, when started again on the same dirs and ports, then both come up with their data', async () => {
    const dir = join(root, 'orphaned');
    const [natsPort, pgPort] = [await freePort(), await freePort()];
    const owner = spawn(process.execPath, ['-r', '@swc-node/register', join(__dirname, 'orphan.fixture.ts'), dir, String(natsPort), String(pgPort)], { stdio: ['ignore', 'pipe', 'inherit'] });
    const line = await new Promise<string>((resolve, reject) => {
      createInterface({ input: owner.stdout! }).once('line', resolve);
      owner.once('exit', (code) => reject(new Error(`fixture exited with ${code}`)));
    });
    const { natsPid, pgPid } = JSON.parse(line) as { natsPid: number; pgPid: number };
    const natsUrl = `nats://127.0.0.1:${natsPort}`;
    await appendToStream(natsUrl, 'ORPHAN', 'before');
    await sql(`postgres://keelson@127.0.0.1:${pgPort}/keelson`, 'CREATE TABLE orphan (v int); INSERT INTO orphan VALUES (1)');

    owner.kill('SIGKILL');
    await new Promise((resolve) => owner.once('exit', resolve));

    // At once, while the orphans may still be shutting down.
    const nats = await track(startNats({ dataDir: join(dir, 'nats'), port: natsPort }));
    const pg = await track(startPostgres({ dataDir: join(dir, 'postgres'), port: pgPort }));
    expect([natsPid, pgPid].filter((pid) => !gone(pid))).toEqual([]);
    expect(await lastInStream(nats.url, 'ORPHAN')).toBe('before');
    expect(await sql(pg.url, 'SELECT v FROM orphan')).toEqual([{ v: 1 }]);
    await Promise.all([nats.stop(), pg.stop()]);
  });

  it('given a substrate already running for a data dir, when another start targets it, then it fails naming the running pid', async () => {
    const dataDir = join(root, 'twice');
    const nats = await track(startNats({ dataDir, port: await freePort() }));
    await expect(startNats({ dataDir, port: await freePort() })).rejects.toThrow(new RegExp(`already running \\(pid ${nats.pid}\\)`));
    await nats.stop();
  });

  it('given the port is taken by someone else, when started, then it fails naming the port', async () => {
    const port = await freePort();
    const squatter: Server = createServer();
    await new Promise<void>((resolve) => squatter.listen(port, '127.0.0.1', resolve));
    try {
      await expect(startNats({ dataDir: join(root, 'squatted'), port })).rejects.toThrow(`port 127.0.0.1:${port} is already in use`);
      await expect(startPostgres({ dataDir: join(root, 'squatted-pg'), port })).rejects.toThrow(`port 127.0.0.1:${port} is already in use`);
    } finally {
      squatter.close();
    }
  });
});

describe('writeKubeconfig', () => {
  it('writes a kubeconfig the real kubectl selects context keelson from', () => {
    const path = join(root, 'kube', 'config');
    writeKubeconfig(path, 'http://127.0.0.1:16443', { token: 'secret' });
    const view = JSON.parse(execFileSync('kubectl', ['config', 'view', '--minify', '--raw', '-o', 'json'], { env: { ...process.env, KUBECONFIG: path } }).toString());
    expect(view['current-context']).toBe('keelson');
    expect(view.clusters[0].cluster.server).toBe('http://127.0.0.1:16443');
    expect(view.users[0]).toEqual({ name: 'admin', user: { token: 'secret' } });
  });
});
