// kubectl logs / exec / port-forward end to end: real kubectl (v1.32 and v1.27) → a real
// Keelson apiserver → these handlers on a small agent server → Docker. The pod is a sandbox
// with `--network none` (port-forward enters its namespace), holding nginx, a busybox that
// keeps printing, and a container that ran once and was restarted (for --previous).
import { execFile, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { createServer, get, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import Docker from 'dockerode';
import { freePort } from '@keelson/local';
import { DockerRuntime, ensureDocker, ensureImages, type ContainerConfig } from '@keelson/runtime';
import { startTestApiServer, type TestApiServer } from '@keelson/testing/apiserver';
import { mountKubeletHandlers } from './kubelet-server';

const kubectlDir = dirname(realpathSync(execFileSync('sh', ['-c', 'command -v kubectl']).toString().trim()));
const KUBECTLS = ['kubectl', join(kubectlDir, 'kubectl.1.27')];
const suffix = Math.random().toString(36).slice(2, 8);
const NS = `streaming-e2e-${suffix}`;
const NODE = `streaming-node-${suffix}`;

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 200));
  }
}

interface Result { code: number; stdout: string; stderr: string }

describe('kubectl logs, exec and port-forward through the apiserver to the node agent', () => {
  let api: TestApiServer;
  let runtime: DockerRuntime;
  let agent: Server;
  let dir: string;
  let sandboxId: string;
  /** What the agent was asked to upgrade, e.g. "exec websocket", "portForward spdy/3.1". */
  const upgrades: string[] = [];
  /** Terminal sizes the runtime was given. */
  const resizes: { width: number; height: number }[] = [];

  const run = (bin: string, args: string[], input = '') =>
    new Promise<Result>((resolve) => {
      const child = execFile(bin, args, { env: { ...process.env, KUBECONFIG: api.kubeconfig }, timeout: 30_000 }, (err, stdout, stderr) =>
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr }),
      );
      child.stdin!.end(input);
    });
  const kubectl = (bin: string, args: string[], input?: string) => run(bin, ['--cache-dir', join(dir, basename(bin)), ...args], input);
  const ok = async (bin: string, ...args: string[]) => {
    const r = await kubectl(bin, args);
    if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
    return r.stdout;
  };

  async function startContainer(config: ContainerConfig): Promise<string> {
    const id = await runtime.createContainer(sandboxId, config);
    await runtime.startContainer(id);
    return id;
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'keelson-streaming-e2e-'));
    const daemon = await ensureDocker({ logFile: join(dir, 'dockerd.log') });
    const docker = new Docker({ socketPath: daemon.socket });
    await ensureImages(docker, ['busybox', 'nginx:1.7.9', 'registry.k8s.io/pause:3.9']);
    runtime = new DockerRuntime(docker);
    const exec = runtime.exec.bind(runtime);
    runtime.exec = async (id, options) => {
      const session = await exec(id, options);
      return { ...session, resize: (size) => (resizes.push(size), session.resize(size)) };
    };

    sandboxId = await runtime.runPodSandbox({ uid: `web-${suffix}`, name: 'web', namespace: NS, node: NODE, hostname: 'web' });
    await startContainer({ name: 'nginx', image: 'nginx:1.7.9' });
    await startContainer({ name: 'talker', image: 'busybox', command: ['sh', '-c', 'echo started; echo to-stderr >&2; i=0; while true; do echo tick-$i; i=$((i+1)); sleep 0.3; done'] });
    // "once" ran and exited, then the agent restarted it: restart count 1 is current, 0 is --previous.
    const first = await startContainer({ name: 'once', image: 'busybox', command: ['sh', '-c', 'echo first-run'], restartCount: 0 });
    while ((await runtime.containerStatus(first))?.state !== 'exited') await new Promise((r) => setTimeout(r, 100));
    await startContainer({ name: 'once', image: 'busybox', command: ['sh', '-c', 'echo second-run; sleep 3600'], restartCount: 1 });

    agent = createServer((_req, res) => res.writeHead(404).end());
    const handlers = mountKubeletHandlers(agent, runtime);
    agent.removeListener('upgrade', handlers.upgrade);
    agent.on('upgrade', (req, socket, head) => {
      upgrades.push(`${new URL(req.url!, 'http://x').pathname.split('/')[1]} ${String(req.headers.upgrade).toLowerCase()}`);
      handlers.upgrade(req, socket, head);
    });
    const agentPort = await freePort();
    await new Promise<void>((r) => agent.listen(agentPort, '127.0.0.1', r));

    api = await startTestApiServer(__filename);
    const bin = KUBECTLS[0];
    // objects as JSON: kubectl 1.32's `create namespace` sends protobuf, which the apiserver does not read
    const namespace = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } };
    const node = { apiVersion: 'v1', kind: 'Node', metadata: { name: NODE } };
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'web', namespace: NS },
      spec: { nodeName: NODE, containers: ['nginx', 'talker', 'once'].map((name) => ({ name, image: name === 'nginx' ? 'nginx:1.7.9' : 'busybox' })) },
    };
    for (const o of [namespace, node, pod]) expect((await kubectl(bin, ['create', '-f', '-'], JSON.stringify(o))).code).toBe(0);
    const nodeStatus = { status: { addresses: [{ type: 'InternalIP', address: '127.0.0.1' }], daemonEndpoints: { kubeletEndpoint: { Port: agentPort } } } };
    await ok(bin, 'patch', 'node', NODE, '--subresource=status', '--type=merge', '-p', JSON.stringify(nodeStatus));
    await ok(bin, 'patch', 'pod', 'web', '-n', NS, '--subresource=status', '--type=merge', '-p', JSON.stringify({ status: { phase: 'Running' } }));
  });

  afterAll(async () => {
    await api?.close();
    agent?.close();
    if (sandboxId) await runtime.removePodSandbox(sandboxId).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  describe.each(KUBECTLS)('%s', (bin) => {
    it('given a running container when its logs are read then stdout and stderr come back, --tail and --since cut them', async () => {
      await waitFor(async () => (await ok(bin, 'logs', 'web', '-n', NS, '-c', 'talker')).includes('tick-3'));
      const all = await ok(bin, 'logs', 'web', '-n', NS, '-c', 'talker');
      // stdout and stderr are two pipes that Docker copies apart: each keeps its order, not their interleaving
      const lines = all.split('\n');
      expect(lines).toContain('to-stderr');
      expect(lines.filter((l) => l !== 'to-stderr').slice(0, 4)).toEqual(['started', 'tick-0', 'tick-1', 'tick-2']);
      expect(await ok(bin, 'logs', 'web', '-n', NS, '-c', 'talker', '--tail=2')).toMatch(/^tick-\d+\ntick-\d+\n$/);
      const recent = await ok(bin, 'logs', 'web', '-n', NS, '-c', 'talker', '--since=1s');
      expect(recent).not.toContain('started');
      expect(await ok(bin, 'logs', 'web', '-n', NS, '-c', 'talker', '--timestamps', '--tail=1')).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z tick-\d+\n$/);
    });

    it('given a restarted container when --previous is asked then the exited instance is read', async () => {
      expect(await ok(bin, 'logs', 'web', '-n', NS, '-c', 'once', '--previous')).toBe('first-run\n');
      expect(await ok(bin, 'logs', 'web', '-n', NS, '-c', 'once')).toBe('second-run\n');
      const none = await kubectl(bin, ['logs', 'web', '-n', NS, '-c', 'talker', '--previous']);
      expect(none.code).not.toBe(0);
      expect(none.stderr).toContain('previous terminated container "talker" in pod "web" not found');
    });

    it('given a container that is not in the pod then kubectl gets Kubernetes\' answer', async () => {
      const r = await kubectl(bin, ['logs', 'web', '-n', NS, '-c', 'nope']);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toContain('container nope is not valid for pod web');
    });

    it('given -f when the container keeps printing then new lines arrive until kubectl is stopped', async () => {
      const child = spawn(bin, ['logs', '-f', 'web', '-n', NS, '-c', 'talker', '--tail=1'], { env: { ...process.env, KUBECONFIG: api.kubeconfig } });
      let out = '';
      const lines = await new Promise<string[]>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no follow output: ${out}`)), 10_000);
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          const seen = out.split('\n').filter(Boolean);
          if (seen.length >= 4) (clearTimeout(timer), resolve(seen));
        });
      });
      child.kill();
      const numbers = lines.map((l) => Number(/tick-(\d+)/.exec(l)![1]));
      expect(numbers.slice(1)).toEqual(numbers.slice(1).map((_, i) => numbers[1] + i));
    });

    it('given a command when it is executed then its output and exit code come back', async () => {
      expect(await ok(bin, 'exec', 'web', '-n', NS, '-c', 'talker', '--', 'cat', '/etc/hostname')).toBe('web\n');
      const failed = await kubectl(bin, ['exec', 'web', '-n', NS, '-c', 'talker', '--', 'sh', '-c', 'echo out; echo err >&2; exit 3']);
      expect(failed).toMatchObject({ code: 3, stdout: 'out\n' });
      expect(failed.stderr).toContain('err\n');
      expect(failed.stderr).toContain('command terminated with exit code 3');
    });

    it('given -i when stdin is piped then the command reads it to its end', async () => {
      const r = await kubectl(bin, ['exec', '-i', 'web', '-n', NS, '-c', 'talker', '--', 'sh', '-c', 'cat; echo done'], 'hello\nworld\n');
      expect(r).toMatchObject({ code: 0, stdout: 'hello\nworld\ndone\n' });
    });

    it('given -it in a terminal then the command runs on a tty', async () => {
      // (busybox's stty cannot read the size here, even under `docker exec -it`; the resize is checked at the runtime)
      const line = `stty cols 97 rows 31; ${bin} --cache-dir ${join(dir, basename(bin))} exec -it web -n ${NS} -c talker -- sh -c 'tty; exit 5'`;
      resizes.splice(0);
      const r = await run('script', ['-qec', line, '/dev/null']);
      expect(r.stdout).toMatch(/\/dev\/pts\/\d+\r\n/);
      expect(r.code).toBe(5);
      expect(resizes).toContainEqual({ width: 97, height: 31 });
    });

    it('given port-forward to nginx when HTTP is sent to the local port then nginx answers', async () => {
      const port = await freePort();
      const child = spawn(bin, ['port-forward', '-n', NS, 'pod/web', `${port}:80`], { env: { ...process.env, KUBECONFIG: api.kubeconfig } });
      let out = '';
      try {
        await new Promise<void>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`port-forward did not start: ${out}`)), 10_000);
          child.stdout.on('data', (d: Buffer) => (out += d.toString()).includes('Forwarding from') && (clearTimeout(timer), resolve()));
          child.stderr.on('data', (d: Buffer) => (out += d.toString()));
        });
        for (let i = 0; i < 2; i++) {
          const body = await new Promise<string>((resolve, reject) => {
            get({ host: '127.0.0.1', port, path: '/', agent: false }, (res) => {
              let text = '';
              res.on('data', (d: Buffer) => (text += d.toString()));
              res.on('end', () => resolve(text));
            }).on('error', (e) => reject(new Error(`${e.message}; kubectl said: ${out}`)));
          });
          expect(body).toContain('Welcome to nginx!');
        }
      } finally {
        child.kill();
      }
    });

    it('then kubectl spoke the protocols its version speaks', () => {
      const spoken = new Set(upgrades.splice(0));
      if (basename(bin) === 'kubectl.1.27') expect([...spoken].sort()).toEqual(['exec spdy/3.1', 'portForward spdy/3.1']);
      else expect([...spoken].sort()).toEqual(['exec websocket', 'portForward websocket']);
    });
  });
});
