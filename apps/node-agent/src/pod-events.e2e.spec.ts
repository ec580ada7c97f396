// The kubelet's Events as a user reads them: a real node agent on node namespace keelson-node-73
// with Docker and CNI, an apiserver of its own on a private nats-server, and the real kubectl
// (`kubectl get events --field-selector involvedObject.name=<pod>`, `kubectl describe pod`).
// Pods are bound by spec.nodeName; the agent claims its podCIDR with --pod-cidr. Everything it
// makes carries node 73's labels and is removed in afterAll.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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
const NODE = 73;
const NODE_NAME = `keelson-node-${NODE}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Ev {
  type: string;
  reason: string;
  message: string;
  count: number;
  source: { component?: string; host?: string };
  involvedObject: { kind: string; name: string; uid?: string; fieldPath?: string };
}

describe('node agent: the kubelet Events of a pod, read with kubectl', () => {
  let dir: string;
  let nats: RunningSubstrate;
  let schema: string;
  let api: RunningApiServer;
  let kubeconfig: string;
  let agent: AgentProcess;
  const docker = new Docker();
  const agentLog: string[] = [];

  const kubectl = async (...args: string[]) => (await run('kubectl', ['--kubeconfig', kubeconfig, ...args], { maxBuffer: 16 << 20 })).stdout;
  const apply = (name: string, yaml: string) => {
    const file = join(dir, `${name}.yaml`);
    writeFileSync(file, yaml);
    return kubectl('apply', '-f', file);
  };
  const podYaml = (name: string, container: string) => `apiVersion: v1\nkind: Pod\nmetadata: {name: ${name}}\nspec:\n  nodeName: ${NODE_NAME}\n  terminationGracePeriodSeconds: 1\n  containers:\n${container}`;
  const eventsOf = async (pod: string): Promise<Ev[]> => JSON.parse(await kubectl('get', 'events', '--field-selector', `involvedObject.name=${pod}`, '-o', 'json')).items;
  async function until<T>(what: string, f: () => Promise<T | undefined | false>, timeoutMs = 90_000): Promise<T> {
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
      await sleep(500);
    }
  }
  const eventWith = (pod: string, reason: string, message: RegExp) => until(`${reason} event on ${pod}`, async () => (await eventsOf(pod)).find((e) => e.reason === reason && message.test(e.message)));

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'keelson-pod-events-e2e-'));
    const daemon = await ensureDocker({ logFile: join(dir, 'dockerd.log') });
    await ensureImages(new Docker({ socketPath: daemon.socket }), ['busybox', 'registry.k8s.io/pause:3.9']);
    nats = await startNats({ dataDir: join(dir, 'nats'), port: await freePort() });
    schema = await freshSchema(__filename);
    api = await startApiServer(apiServerConfig({ natsUrl: nats.url, pgUrl: pgUrl(), port: await freePort(), schema, secretKeyFile: join(dir, 'key'), internalApi: true }, {}));
    kubeconfig = join(dir, 'kubeconfig');
    writeKubeconfig(kubeconfig, api.url);
    agent = await spawnNodeAgent({ node: NODE, natsUrl: nats.url, stateDir: join(dir, 'node'), port: await freePort(), log: (l) => agentLog.push(l), extraArgs: ['--pod-cidr', `10.244.${NODE}.0/24`] });
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

  it('a running pod shows Pulled, Created and Started from the kubelet on its node, per container', async () => {
    await apply('running', podYaml('running', '  - {name: main, image: busybox, imagePullPolicy: IfNotPresent, command: [sleep, "3600"]}\n'));
    const started = await eventWith('running', 'Started', /^Started container main$/);
    expect(started).toMatchObject({ type: 'Normal', source: { component: 'kubelet', host: NODE_NAME }, involvedObject: { kind: 'Pod', name: 'running', fieldPath: 'spec.containers{main}' } });
    const reasons = (await eventsOf('running')).map((e) => `${e.reason}: ${e.message}`);
    expect(reasons).toEqual(expect.arrayContaining(['Pulled: Container image "busybox" already present on machine', 'Created: Created container: main']));
    // What a user coming from Kubernetes looks at first.
    const described = await kubectl('describe', 'pod', 'running');
    expect(described).toMatch(/Normal\s+Started\s+\S+\s+kubelet\s+Started container main/);
  });

  it('a crash-looping container shows BackOff, counted rather than repeated', async () => {
    await apply('crasher', podYaml('crasher', '  - {name: crash, image: busybox, command: [sh, -c, "exit 1"]}\n'));
    const uid = JSON.parse(await kubectl('get', 'pod', 'crasher', '-o', 'json')).metadata.uid;
    const backOff = await eventWith('crasher', 'BackOff', /^Back-off restarting failed container crash in pod/);
    expect(backOff).toMatchObject({ type: 'Warning', message: `Back-off restarting failed container crash in pod crasher_default(${uid})`, involvedObject: { fieldPath: 'spec.containers{crash}' } });
    // Every restart starts the container again: one Started event whose count grows.
    const started = await until('Started counted twice', async () => (await eventsOf('crasher')).find((e) => e.reason === 'Started' && e.count >= 2));
    expect((await eventsOf('crasher')).filter((e) => e.reason === 'Started')).toEqual([started].map((s) => expect.objectContaining({ message: s.message })));
    expect(await kubectl('describe', 'pod', 'crasher')).toMatch(/Warning\s+BackOff\s+.*kubelet\s+Back-off restarting failed container crash/);
  });

  it('a failing readiness probe shows Unhealthy with the probe output', async () => {
    // timeoutSeconds 10: on a loaded machine a `docker exec` can outlast the default 1 s, and a timed-out
    // probe is another failure with another message (its own Event), not the one this case counts.
    await apply('unready', podYaml('unready', '  - name: main\n    image: busybox\n    command: [sleep, "3600"]\n    readinessProbe: {exec: {command: [cat, /tmp/ready]}, periodSeconds: 2, timeoutSeconds: 10}\n'));
    const unhealthy = await eventWith('unready', 'Unhealthy', /^Readiness probe failed: /);
    expect(unhealthy).toMatchObject({ type: 'Warning', source: { component: 'kubelet' }, involvedObject: { fieldPath: 'spec.containers{main}' } });
    expect(unhealthy.message).toContain('/tmp/ready');
    await until('Unhealthy counted', async () => ((await eventsOf('unready')).find((e) => e.reason === 'Unhealthy')?.count ?? 0) >= 2);
    expect((await eventsOf('unready')).filter((e) => e.reason === 'Unhealthy')).toHaveLength(1);
  });

  it('a missing image shows the failed pull, ErrImagePull, then the pull back-off', async () => {
    await apply('missing', podYaml('missing', '  - {name: main, image: "registry.invalid/none:1"}\n'));
    await eventWith('missing', 'Failed', /^Failed to pull image "registry\.invalid\/none:1": /);
    await eventWith('missing', 'Failed', /^Error: ErrImagePull$/);
    await eventWith('missing', 'BackOff', /^Back-off pulling image "registry\.invalid\/none:1"$/);
    await eventWith('missing', 'Failed', /^Error: ImagePullBackOff$/);
    expect(await kubectl('describe', 'pod', 'missing')).toMatch(/Warning\s+Failed\s+.*kubelet\s+Error: ErrImagePull/);
  });

  it('deleting a pod shows Killing for its container', async () => {
    await kubectl('delete', 'pod', 'running', '--wait=false');
    await eventWith('running', 'Killing', /^Stopping container main$/);
  });
});
