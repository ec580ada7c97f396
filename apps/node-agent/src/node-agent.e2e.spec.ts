// The node agent against the real thing: Docker, the CNI plugins in node namespace
// keelson-node-7, an apiserver of its own on a private nats-server (the internal API subject
// keelson.api.request is the same for every apiserver), and the real kubectl. The scheduler
// is not needed: pods are bound by setting spec.nodeName, and with no controller-manager to
// allocate podCIDRs the agent claims its own with --pod-cidr. Runs as root; everything it makes
// carries node 7's labels and is removed in afterAll.
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Docker from 'dockerode';
import { apiServerConfig, startApiServer, type RunningApiServer } from '@keelson/apiserver-app';
import { freePort, startNats, writeKubeconfig, type RunningSubstrate } from '@keelson/local';
import { ensureDocker, ensureImages, LABEL_NODE, removeNodeNamespace, removeUnderlay } from '@keelson/runtime';
import { freshSchema, pgUrl } from '@keelson/testing';
import { dropSchemaIfExists } from '@keelson/testing/schemas';
import { spawnNodeAgent, type AgentProcess } from './agents';

const run = promisify(execFile);
const NODE = 7;
const NODE_NAME = `keelson-node-${NODE}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('node agent: pods as Docker containers on a node namespace', () => {
  let dir: string;
  let nats: RunningSubstrate;
  let schema: string;
  let api: RunningApiServer;
  let kubeconfig: string;
  let agent: AgentProcess;
  let agentPort: number;
  const docker = new Docker();
  const agentLog: string[] = [];

  const kubectl = async (...args: string[]) => (await run('kubectl', ['--kubeconfig', kubeconfig, ...args], { maxBuffer: 16 << 20 })).stdout;
  const apply = (name: string, yaml: string) => {
    const file = join(dir, `${name}.yaml`);
    writeFileSync(file, yaml);
    return kubectl('apply', '-f', file);
  };
  const pod = async (name: string) => JSON.parse(await kubectl('get', 'pod', name, '-o', 'json'));
  async function until<T>(what: string, f: () => Promise<T | undefined | false>, timeoutMs = 60_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    let last: unknown;
    for (;;) {
      try {
        const v = await f();
        if (v !== undefined && v !== false) return v as T;
      } catch (e) {
        last = e;
      }
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
      await sleep(250);
    }
  }
  const condition = (p: any, type: string) => p.status?.conditions?.find((c: any) => c.type === type)?.status;
  const startAgent = async () => {
    agent = await spawnNodeAgent({ node: NODE, natsUrl: nats.url, stateDir: join(dir, 'node'), port: agentPort, log: (l) => agentLog.push(l), extraArgs: ['--pod-cidr', `10.244.${NODE}.0/24`] });
  };
  const podContainers = async (uid: string) => (await docker.listContainers({ all: true, filters: { label: [`keelson.io/pod-uid=${uid}`] } })).map((c) => ({ id: c.Id, name: c.Labels['keelson.io/container-name'], type: c.Labels['keelson.io/type'], state: c.State }));

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'keelson-node-agent-e2e-'));
    const daemon = await ensureDocker({ logFile: join(dir, 'dockerd.log') });
    await ensureImages(new Docker({ socketPath: daemon.socket }), ['busybox', 'nginx:1.7.9', 'registry.k8s.io/pause:3.9']);
    nats = await startNats({ dataDir: join(dir, 'nats'), port: await freePort() });
    schema = await freshSchema(__filename);
    api = await startApiServer(apiServerConfig({ natsUrl: nats.url, pgUrl: pgUrl(), port: await freePort(), schema, secretKeyFile: join(dir, 'key'), internalApi: true }, {}));
    kubeconfig = join(dir, 'kubeconfig');
    writeKubeconfig(kubeconfig, api.url);
    agentPort = await freePort();
    await startAgent();
  });

  afterAll(async () => {
    await kubectl('delete', 'pods', '--all', '--wait=true', '--timeout=60s').catch(() => undefined);
    await agent?.stop();
    for (const c of await docker.listContainers({ all: true, filters: { label: [`${LABEL_NODE}=${NODE_NAME}`] } })) await docker.getContainer(c.Id).remove({ force: true }).catch(() => undefined);
    await removeNodeNamespace(NODE).catch(() => undefined);
    await removeUnderlay().catch(() => undefined);
    await api?.close();
    await nats?.stop();
    if (schema) await dropSchemaIfExists(schema);
    rmSync(dir, { recursive: true, force: true });
    if (process.env.KEELSON_TEST_VERBOSE) console.log(agentLog.join('\n'));
  });

  it('registers a Ready node with capacity, addresses and the kubelet port, and renews its lease', async () => {
    const node = JSON.parse(await kubectl('get', 'node', NODE_NAME, '-o', 'json'));
    expect(node.metadata.labels).toMatchObject({ 'kubernetes.io/hostname': NODE_NAME, 'kubernetes.io/os': 'linux' });
    expect(node.status.addresses).toContainEqual({ type: 'InternalIP', address: `172.31.0.${NODE}` });
    expect(node.status.capacity).toMatchObject({ pods: '110' });
    expect(node.status.daemonEndpoints.kubeletEndpoint.Port).toBe(agentPort);
    expect(node.spec.podCIDR).toBe(`10.244.${NODE}.0/24`);
    expect(node.status.images.some((i: any) => i.names.includes('busybox:latest'))).toBe(true);
    expect(await kubectl('get', 'nodes')).toMatch(new RegExp(`${NODE_NAME}\\s+Ready`));
    const lease = JSON.parse(await kubectl('get', 'lease', '-n', 'kube-node-lease', NODE_NAME, '-o', 'json'));
    expect(lease.spec.holderIdentity).toBe(NODE_NAME);
  });

  it('runs the seed nginx pod until it is Running and Ready, serving on its pod IP', async () => {
    await apply('nginx', `apiVersion: v1\nkind: Pod\nmetadata: {name: nginx}\nspec:\n  nodeName: ${NODE_NAME}\n  containers:\n  - name: nginx\n    image: nginx:1.7.9\n    ports: [{containerPort: 80}]\n    readinessProbe: {httpGet: {path: /, port: 80}, periodSeconds: 2}\n`);
    const p = await until('nginx Ready', async () => {
      const p = await pod('nginx');
      return p.status?.phase === 'Running' && condition(p, 'Ready') === 'True' && p;
    });
    expect(p.status.podIP).toMatch(new RegExp(`^10\\.244\\.${NODE}\\.`));
    expect(p.status.hostIP).toBe(`172.31.0.${NODE}`);
    expect(p.status.qosClass).toBe('BestEffort');
    const { stdout } = await run('ip', ['netns', 'exec', NODE_NAME, 'timeout', '5', 'busybox', 'wget', '-qO-', `http://${p.status.podIP}/`]);
    expect(stdout.toLowerCase()).toContain('nginx');
  });

  it('runs the seed sidecar pod: the two containers share an emptyDir and localhost', async () => {
    const fixture = readFileSync(join(__dirname, '../../../k8s-fixtures/pod-sidecar.yaml'), 'utf8').replace('spec:\n', `spec:\n  nodeName: ${NODE_NAME}\n`);
    await apply('sidecar', fixture);
    const p = await until('sidecar Ready', async () => {
      const p = await pod('nginx-with-log-sidecar');
      return condition(p, 'Ready') === 'True' && p;
    });
    const containers = await podContainers(p.metadata.uid);
    const [nginx, forwarder] = ['nginx', 'log-forwarder'].map((n) => containers.find((c) => c.name === n && c.state === 'running')!);
    const exec = async (id: string, cmd: string[]) => {
      const e = await docker.getContainer(id).exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true });
      const stream = await e.start({ hijack: true, stdin: false });
      const out: Buffer[] = [];
      docker.modem.demuxStream(stream, { write: (b: Buffer) => out.push(b) } as never, { write: (b: Buffer) => out.push(b) } as never);
      await new Promise((r) => stream.on('end', r));
      return Buffer.concat(out).toString();
    };
    // A file written by nginx into the shared emptyDir is read by the sidecar…
    await exec(nginx.id, ['sh', '-c', 'echo written-by-nginx > /var/log/nginx/exchange']);
    expect(await exec(forwarder.id, ['cat', '/var/log/nginx/exchange'])).toContain('written-by-nginx');
    // …and the sidecar reaches nginx over the pod's shared localhost.
    expect((await exec(forwarder.id, ['wget', '-qO-', 'http://localhost/'])).toLowerCase()).toContain('nginx');
  });

  it('starts the failure cases', async () => {
    const pods = [
      ['crash', `containers:\n  - {name: c, image: busybox, command: [sh, -c, "echo boom; exit 3"]}`],
      ['oom', `restartPolicy: Never\n  containers:\n  - {name: c, image: busybox, command: [sh, -c, "head -c 200m /dev/zero | tail"], resources: {limits: {memory: 20Mi}}}`],
      ['unready', `containers:\n  - {name: c, image: busybox, command: [sleep, "3600"], readinessProbe: {exec: {command: ["false"]}, periodSeconds: 1}}`],
    ];
    for (const [name, spec] of pods) await apply(name, `apiVersion: v1\nkind: Pod\nmetadata: {name: ${name}}\nspec:\n  nodeName: ${NODE_NAME}\n  ${spec}\n`);
  });

  it('shows a missing image as ErrImagePull, then ImagePullBackOff', async () => {
    // Watched, as a user would: ErrImagePull lasts only from a failed pull to the next sync, which a poll can miss.
    const seen = new Set<string>();
    const watch = spawn('kubectl', ['--kubeconfig', kubeconfig, 'get', 'pods', '--field-selector', 'metadata.name=noimage', '-w', '-o', 'jsonpath={.status.containerStatuses[0].state.waiting.reason}{"\\n"}']);
    watch.stdout.on('data', (b: Buffer) => b.toString().split('\n').forEach((r) => r.trim() && seen.add(r.trim())));
    try {
      await sleep(1_000);
      await apply('noimage', `apiVersion: v1\nkind: Pod\nmetadata: {name: noimage}\nspec:\n  nodeName: ${NODE_NAME}\n  containers:\n  - {name: c, image: "registry.example/nothing:1"}\n`);
      await until('both pull reasons', async () => seen.has('ErrImagePull') && seen.has('ImagePullBackOff'), 60_000);
    } finally {
      watch.kill();
    }
  });

  it('reports a container over its memory limit as OOMKilled', async () => {
    const terminated = await until('OOMKilled', async () => (await pod('oom')).status?.containerStatuses?.[0]?.state?.terminated);
    expect(terminated).toMatchObject({ reason: 'OOMKilled', exitCode: 137 });
    expect((await pod('oom')).status.phase).toBe('Failed');
  });

  it('keeps a pod whose readiness probe fails Running but not Ready', async () => {
    await until('unready running', async () => (await pod('unready')).status?.phase === 'Running');
    await sleep(5_000);
    const p = await pod('unready');
    expect(condition(p, 'Ready')).toBe('False');
    expect(p.status.containerStatuses[0]).toMatchObject({ ready: false, started: true });
  });

  it('backs a crashing container off with growing delays (CrashLoopBackOff 10s, 20s, 40s …)', async () => {
    const seconds = (d: string) => [...d.matchAll(/(\d+)([hms])/g)].reduce((t, [, n, u]) => t + Number(n) * { h: 3600, m: 60, s: 1 }[u as 'h' | 'm' | 's'], 0);
    const delays: number[] = [];
    await until('two back-off delays', async () => {
      const s = (await pod('crash')).status?.containerStatuses?.[0];
      const m = s?.state?.waiting?.reason === 'CrashLoopBackOff' && /back-off (\S+)/.exec(s.state.waiting.message);
      if (m && delays.at(-1) !== seconds(m[1])) delays.push(seconds(m[1]));
      return delays.length >= 2;
    }, 120_000);
    // Each delay doubles the one before (10 s, 20 s, 40 s, … up to 5 min).
    expect(delays[1]).toBe(Math.min(delays[0] * 2, 300));
    expect(delays[0] % 10).toBe(0);
    const s = (await pod('crash')).status.containerStatuses[0];
    expect(s.restartCount).toBeGreaterThanOrEqual(2);
    expect(s.lastState.terminated).toMatchObject({ exitCode: 3, reason: 'Error' });
  });

  it('deletes a pod by running its preStop hook and honouring its grace period', async () => {
    const out = join(dir, 'prestop-out');
    await apply('prestop', `apiVersion: v1\nkind: Pod\nmetadata: {name: prestop}\nspec:\n  nodeName: ${NODE_NAME}\n  terminationGracePeriodSeconds: 4\n  volumes: [{name: out, hostPath: {path: ${out}, type: DirectoryOrCreate}}]\n  containers:\n  - name: c\n    image: busybox\n    command: [sh, -c, "trap '' TERM; while true; do sleep 1; done"]\n    volumeMounts: [{name: out, mountPath: /out}]\n    lifecycle: {preStop: {exec: {command: [sh, -c, "echo stopping > /out/prestop"]}}}\n`);
    const p = await until('prestop running', async () => {
      const p = await pod('prestop');
      return p.status?.phase === 'Running' && p;
    });
    const started = Date.now();
    await kubectl('delete', 'pod', 'prestop', '--wait=true', '--timeout=60s');
    const took = Date.now() - started;
    expect(readFileSync(join(out, 'prestop'), 'utf8').trim()).toBe('stopping');
    // The container ignores SIGTERM: only the SIGKILL at the end of the 4 s grace period stops it.
    expect(took).toBeGreaterThanOrEqual(4_000);
    expect(took).toBeLessThan(20_000);
    expect(await podContainers(p.metadata.uid)).toEqual([]);
  });

  it('leaves running containers alone when the agent is killed and started again', async () => {
    const before = await pod('nginx');
    const running = (await podContainers(before.metadata.uid)).filter((c) => c.state === 'running').map((c) => c.id).sort();
    expect(running).toHaveLength(2); // the sandbox and nginx
    await agent.kill();
    await startAgent();
    await sleep(4_000);
    const after = (await podContainers(before.metadata.uid)).filter((c) => c.state === 'running').map((c) => c.id).sort();
    expect(after).toEqual(running);
    const p = await until('nginx Ready again', async () => {
      const p = await pod('nginx');
      return condition(p, 'Ready') === 'True' && p;
    });
    expect(p.status.containerStatuses[0]).toMatchObject({ restartCount: 0, containerID: before.status.containerStatuses[0].containerID });
  });
});
