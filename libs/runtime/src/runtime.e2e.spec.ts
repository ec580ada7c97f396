// The runtime layer against the real thing: Docker, the CNI plugins, a node network namespace.
// Runs as root. Everything it creates carries its own names and is removed in afterAll.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import Docker from 'dockerode';
import { Cni } from './cni';
import { ipamDataDir } from './cni-config';
import { ensureDocker, type DockerDaemon } from './docker-daemon';
import { DockerRuntime } from './docker-runtime';
import { ensureImages } from './images';
import { ensureNodeNamespace, removeNodeNamespace, removeUnderlay, UNDERLAY_BRIDGE, UNDERLAY_MAC, type NodeNamespace } from './node-netns';
import { linuxResourcesFor } from './resources';
import { ImagePullError, type PodSandboxConfig } from './runtime';

const run = promisify(execFile);
// A node number no other suite uses, so two jest workers never share a namespace.
const NODE = 9;
const NODE_NAME = `runtime-e2e-node-${NODE}`;
const POD_CIDR = '10.244.1.0/24';

describe('DockerRuntime with CNI in a node namespace', () => {
  let daemon: DockerDaemon;
  let docker: Docker;
  let runtime: DockerRuntime;
  let node: NodeNamespace;
  let cni: Cni;
  let stateDir: string;
  const sandboxes: string[] = [];
  const suffix = Math.random().toString(36).slice(2, 8);

  const sandboxConfig = (name: string): PodSandboxConfig => ({ uid: `${name}-${suffix}`, name, namespace: 'runtime-e2e', node: NODE_NAME, hostname: name });

  /** A pod: a sandbox, wired by CNI inside the node namespace. */
  async function runPod(name: string): Promise<{ sandboxId: string; ip: string }> {
    const sandboxId = await runtime.runPodSandbox(sandboxConfig(name));
    sandboxes.push(sandboxId);
    const { pid } = (await runtime.podSandboxStatus(sandboxId))!;
    const { ip } = await cni.add(sandboxId, `/proc/${pid}/ns/net`);
    return { sandboxId, ip: ip! };
  }

  async function runContainer(sandboxId: string, config: Parameters<DockerRuntime['createContainer']>[1]): Promise<string> {
    const id = await runtime.createContainer(sandboxId, config);
    await runtime.startContainer(id);
    return id;
  }

  async function waitFor<T>(what: string, f: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const v = await f().catch(() => undefined);
      if (v !== undefined) return v;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  beforeAll(async () => {
    stateDir = mkdtempSync(join(tmpdir(), 'keelson-runtime-e2e-'));
    daemon = await ensureDocker({ logFile: join(stateDir, 'dockerd.log') });
    docker = new Docker({ socketPath: daemon.socket });
    await ensureImages(docker, ['busybox', 'nginx:1.7.9', 'registry.k8s.io/pause:3.9']);
    runtime = new DockerRuntime(docker);
    node = await ensureNodeNamespace(NODE);
    cni = new Cni({ podCIDR: POD_CIDR, stateDir, nodeNamespace: node.name });
  });

  afterAll(async () => {
    for (const id of sandboxes) {
      const status = await runtime.podSandboxStatus(id);
      await cni.del(id, status?.pid ? `/proc/${status.pid}/ns/net` : undefined).catch(() => undefined);
      await runtime.stopPodSandbox(id);
      await runtime.removePodSandbox(id);
    }
    await removeNodeNamespace(NODE);
    await removeUnderlay();
    await daemon?.stop?.();
    rmSync(stateDir, { recursive: true, force: true });
  });

  it('given images were built when ensureImages runs again then it only inspects them', async () => {
    const started = Date.now();
    const { built, present } = await ensureImages(docker);
    expect(built).toEqual([]);
    expect(present).toEqual(expect.arrayContaining(['busybox:latest', 'nginx:1.7.9', 'nginx:1.8', 'hostnames:latest', 'keelson/pause:latest']));
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('given the node namespace then it has its underlay address and forwards', async () => {
    const { stdout } = await run('ip', ['netns', 'exec', node.name, 'ip', '-br', 'addr', 'show', 'dev', 'eth0']);
    expect(stdout).toContain(`172.31.0.${NODE}/24`);
    const { stdout: forward } = await run('ip', ['netns', 'exec', node.name, 'sysctl', '-n', 'net.ipv4.ip_forward']);
    expect(forward.trim()).toBe('1');
  });

  it('given the underlay bridge when a port with a lower MAC comes and goes then the bridge keeps its MAC (nodes keep reaching 172.31.0.254)', async () => {
    const bridgeMac = async () => (await run('cat', [`/sys/class/net/${UNDERLAY_BRIDGE}/address`])).stdout.trim();
    const port = `kt-mac-${suffix}`;
    expect(await bridgeMac()).toBe(UNDERLAY_MAC);
    try {
      await run('ip', ['link', 'add', port, 'address', '02:00:00:00:00:01', 'type', 'veth', 'peer', 'name', `${port}p`]);
      await run('ip', ['link', 'set', port, 'master', UNDERLAY_BRIDGE, 'up']);
      expect(await bridgeMac()).toBe(UNDERLAY_MAC);
    } finally {
      await run('ip', ['link', 'del', port]).catch(() => undefined);
    }
    expect(await bridgeMac()).toBe(UNDERLAY_MAC);
  });

  it('given nginx in a CNI-wired pod when a second pod on the node fetches its pod IP then it gets the welcome page', async () => {
    const web = await runPod('web');
    expect(web.ip).toMatch(/^10\.244\.1\.\d+$/);
    const nginx = await runContainer(web.sandboxId, { name: 'nginx', image: 'nginx:1.7.9', resources: linuxResourcesFor({ requests: { cpu: '100m' }, limits: { cpu: '500m', memory: '64Mi' } }) });

    const status = await runtime.containerStatus(nginx);
    expect(status).toMatchObject({ state: 'running', name: 'nginx', restartCount: 0, oomKilled: false, imageId: expect.stringMatching(/^sha256:/) });
    const host = (await docker.getContainer(nginx).inspect()).HostConfig;
    expect(host).toMatchObject({ NetworkMode: `container:${web.sandboxId}`, IpcMode: `container:${web.sandboxId}`, CpuShares: 102, CpuQuota: 50_000, CpuPeriod: 100_000, Memory: 64 * 2 ** 20 });

    const client = await runPod('client');
    // Not `wget -T`: Debian's busybox-static 1.35 wget segfaults with -T; `timeout` bounds it instead.
    const fetch = await runContainer(client.sandboxId, { name: 'wget', image: 'busybox', command: ['sh', '-c', `for i in 1 2 3 4 5 6 7 8 9 10; do timeout 2 wget -qO- http://${web.ip}/ && exit 0; sleep 1; done; exit 1`] });
    const done = await waitFor('wget to finish', async () => {
      const s = await runtime.containerStatus(fetch);
      return s?.state === 'exited' ? s : undefined;
    });
    const output = await readAll(await runtime.logs(fetch));
    expect({ exitCode: done.exitCode, reason: done.reason }).toEqual({ exitCode: 0, reason: 'Completed' });
    expect(output).toContain('Welcome to nginx!');
  });

  it('given a container that allocates past its memory limit then it is OOMKilled', async () => {
    const pod = await runPod('hog');
    const hog = await runContainer(pod.sandboxId, {
      name: 'hog',
      image: 'busybox',
      // busybox dd allocates its whole block: 64 MiB against a 16 MiB limit.
      command: ['dd', 'if=/dev/zero', 'of=/dev/null', 'bs=64M', 'count=1'],
      resources: linuxResourcesFor({ limits: { memory: '16Mi' } }),
    });
    const status = await waitFor('the OOM kill', async () => {
      const s = await runtime.containerStatus(hog);
      return s?.state === 'exited' ? s : undefined;
    });
    expect(status).toMatchObject({ oomKilled: true, reason: 'OOMKilled', exitCode: 137 });
  });

  it('given a running container then logs follow its output and exec runs a command in it', async () => {
    const pod = await runPod('talker');
    const id = await runContainer(pod.sandboxId, { name: 'talker', image: 'busybox', command: ['sh', '-c', 'i=0; while true; do echo line-$i; i=$((i+1)); sleep 0.2; done'], env: [{ name: 'GREETING', value: 'hello' }] });

    const stream = await runtime.logs(id, { follow: true });
    const seen = await new Promise<string>((resolve) => {
      let text = '';
      stream.on('data', (c: Buffer) => {
        text += c.toString();
        if (text.includes('line-3')) resolve(text);
      });
    });
    stream.destroy();
    expect(seen).toMatch(/^line-0\nline-1\nline-2\nline-3/);

    const tail = await readAll(await runtime.logs(id, { tail: 1 }));
    expect(tail).toMatch(/^line-\d+\n$/);

    const result = await runtime.execSync(id, ['sh', '-c', 'echo $GREETING $(hostname); echo oops >&2; exit 3']);
    expect(result).toEqual({ stdout: 'hello talker\n', stderr: 'oops\n', exitCode: 3 });

    // An interactive exec (what kubectl exec -i will ride on): stdin in, multiplexed frames out.
    const session = await runtime.exec(id, { cmd: ['sh', '-c', 'read x; echo got-$x'], stdin: true });
    const answered = new Promise<string>((resolve) => {
      let raw = '';
      session.stream.on('data', (c: Buffer) => {
        raw += c.toString('latin1');
        if (raw.includes('got-hi')) resolve(raw);
      });
    });
    session.stream.write('hi\n');
    expect(await answered).toContain('got-hi\n');
    await waitFor('the exec to end', async () => ((await session.exitCode()) === 0 ? true : undefined));
    session.stream.destroy();
  });

  it('given an image that is not present when it is pulled then the pull fails as ErrImagePull', async () => {
    await expect(runtime.imageStatus('nosuch/image:1')).resolves.toBeUndefined();
    await expect(runtime.pullImage('nosuch/image:1')).rejects.toBeInstanceOf(ImagePullError);
    expect(await runtime.imageStatus('busybox')).toMatchObject({ tags: expect.arrayContaining(['busybox:latest']) });
  });

  it('given pods when each is unwired, stopped and removed then no container, IP allocation or sandbox is left', async () => {
    const pod = await runPod('short-lived');
    await runContainer(pod.sandboxId, { name: 'sleep', image: 'busybox', command: ['sleep', '3600'] });
    expect(await runtime.listPodSandboxes({ uid: `short-lived-${suffix}`, state: 'ready' })).toHaveLength(1);
    const allocations = () => readdirSync(join(ipamDataDir(stateDir), 'keelson')).filter((f) => f.startsWith('10.'));
    expect(allocations()).toContain(pod.ip);

    const { pid } = (await runtime.podSandboxStatus(pod.sandboxId))!;
    await cni.del(pod.sandboxId, `/proc/${pid}/ns/net`);
    await cni.del(pod.sandboxId, `/proc/${pid}/ns/net`); // idempotent
    for (const c of await runtime.listContainers({ sandboxId: pod.sandboxId })) await runtime.stopContainer(c.id, 0);
    await runtime.stopPodSandbox(pod.sandboxId);
    await cni.del(pod.sandboxId); // after the netns is gone: still fine
    await runtime.removePodSandbox(pod.sandboxId);

    expect(allocations()).not.toContain(pod.ip);
    expect(await runtime.listPodSandboxes({ uid: `short-lived-${suffix}` })).toEqual([]);
    expect(await runtime.listContainers({ sandboxId: pod.sandboxId })).toEqual([]);
  });
});

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  let text = '';
  for await (const chunk of stream) text += chunk.toString();
  return text;
}
