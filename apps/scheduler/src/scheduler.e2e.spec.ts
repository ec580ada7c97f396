// Real kubectl against a real apiserver and the scheduler: hollow Node objects (no agents),
// pods created with kubectl, placements and messages read back with kubectl. The tests are a
// story and run in order. This file runs its own nats-server: the scheduler writes through
// the apiserver's internal NATS API, whose subject is the same for every apiserver.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { apiServerConfig, startApiServer, type RunningApiServer } from '@keelson/apiserver-app';
import { freePort, startNats, writeKubeconfig, type RunningSubstrate } from '@keelson/local';
import { freshSchema, pgUrl } from '@keelson/testing';
import { dropSchemaIfExists } from '@keelson/testing/schemas';
import { schedulerAppConfig, startScheduler, type RunningScheduler } from './index';

interface Result { code: number; stdout: string; stderr: string }

const NODES = [
  { name: 'node-a', zone: 'z1' },
  { name: 'node-b', zone: 'z2' },
  { name: 'node-c', zone: 'z3', disk: 'ssd' },
];
const TOLERATE = [{ key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' }];

function podYaml(name: string, o: { cpu?: string; labels?: Record<string, string>; extra?: Record<string, unknown> } = {}): string {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels: o.labels ?? { app: name } },
    spec: { terminationGracePeriodSeconds: 0, containers: [{ name: 'c', image: 'busybox', resources: { requests: { cpu: o.cpu ?? '100m', memory: '64Mi' } } }], ...o.extra },
  });
}

describe('the scheduler, driven by kubectl', () => {
  let dir: string;
  let nats: RunningSubstrate;
  let api: RunningApiServer;
  let schema: string;
  let scheduler: RunningScheduler;
  let kubeconfig: string;

  const kubectl = (args: string[], input = '') =>
    new Promise<Result>((resolve) => {
      const child = execFile('kubectl', ['--cache-dir', join(dir, 'cache'), ...args], { env: { ...process.env, KUBECONFIG: kubeconfig }, timeout: 30_000 }, (err, stdout, stderr) =>
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr }),
      );
      child.stdin!.end(input);
    });
  const ok = async (args: string[], input = '') => {
    const r = await kubectl(args, input);
    if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
    return r.stdout;
  };
  const nodeOf = (pod: string) => ok(['get', 'pod', pod, '-o', 'jsonpath={.spec.nodeName}']);
  const eventually = async <T>(probe: () => Promise<T>, accept: (v: T) => boolean, ms = 20_000): Promise<T> => {
    const end = Date.now() + ms;
    for (;;) {
      const v = await probe();
      if (accept(v) || Date.now() > end) return v;
      await new Promise((r) => setTimeout(r, 200));
    }
  };
  const boundTo = (pod: string) => eventually(() => nodeOf(pod), (n) => n !== '');
  const deleteAllPods = () => ok(['delete', 'pods', '--all', '--grace-period=0', '--force', '--wait=false']);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'keelson-scheduler-e2e-'));
    nats = await startNats({ dataDir: join(dir, 'nats'), port: await freePort() });
    schema = await freshSchema(__filename);
    api = await startApiServer(apiServerConfig({ natsUrl: nats.url, pgUrl: pgUrl(), port: await freePort(), schema, secretKeyFile: join(dir, 'key'), internalApi: true }, {}));
    kubeconfig = join(dir, 'kubeconfig');
    writeKubeconfig(kubeconfig, api.url);
    scheduler = await startScheduler(schedulerAppConfig({ natsUrl: nats.url, identity: 'e2e', leaseMs: 3000, renewMs: 500 }, {}));
    for (const n of NODES) {
      const labels = { 'kubernetes.io/hostname': n.name, 'topology.kubernetes.io/zone': n.zone, ...(n.disk ? { disk: n.disk } : {}) };
      await ok(['create', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'Node', metadata: { name: n.name, labels } }));
      const resources = { cpu: '4', memory: '8Gi', pods: '20' };
      const status = { capacity: resources, allocatable: resources, conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'hollow node', lastHeartbeatTime: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z') }] };
      await ok(['patch', 'node', n.name, '--subresource=status', '--type=merge', '-p', JSON.stringify({ status })]);
    }
  });
  afterAll(async () => {
    await scheduler?.close();
    await api?.close();
    await nats?.stop();
    if (schema) await dropSchemaIfExists(schema);
    rmSync(dir, { recursive: true, force: true });
  });

  it('given three nodes, when six pods asking 1 cpu each are created, then they are bound, spread over all three, and describe and get events say where each went', async () => {
    for (let i = 0; i < 6; i++) await ok(['create', '-f', '-'], podYaml(`spread-${i}`, { cpu: '1' }));
    const nodes = await Promise.all(Array.from({ length: 6 }, (_, i) => boundTo(`spread-${i}`)));
    expect(new Set(nodes)).toEqual(new Set(NODES.map((n) => n.name)));
    expect(await ok(['get', 'pod', 'spread-0', '-o', 'jsonpath={.status.conditions[?(@.type=="PodScheduled")].status}'])).toBe('True');
    const describe = await eventually(() => ok(['describe', 'pod', 'spread-0']), (out) => out.includes('Scheduled'));
    expect(describe).toMatch(new RegExp(`Normal\\s+Scheduled\\s+.*default-scheduler\\s+Successfully assigned default/spread-0 to ${nodes[0]}`));
    const events = await eventually(() => ok(['get', 'events']), (out) => out.split('\n').filter((l) => l.includes('Scheduled')).length >= 6);
    for (let i = 0; i < 6; i++) expect(events).toMatch(new RegExp(`Normal\\s+Scheduled\\s+pod/spread-${i}\\s+Successfully assigned default/spread-${i} to ${nodes[i]}`));
  });

  it('given a pod asking more cpu than any node has, then it stays Pending and describe and get events show why, in Kubernetes’ words', async () => {
    await ok(['create', '-f', '-'], podYaml('huge', { cpu: '64' }));
    const describe = await eventually(() => ok(['describe', 'pod', 'huge']), (out) => out.includes('FailedScheduling'));
    expect(describe).toMatch(/Warning\s+FailedScheduling\s+.*default-scheduler\s+0\/3 nodes are available: 3 Insufficient cpu\./);
    expect(describe).toMatch(/Status:\s+Pending/);
    expect(await ok(['get', 'events', '--field-selector', 'involvedObject.name=huge'])).toMatch(/Warning\s+FailedScheduling\s+pod\/huge\s+0\/3 nodes are available: 3 Insufficient cpu\./);
    expect(await nodeOf('huge')).toBe('');
  });

  it('given a tainted node, then pods avoid it unless they tolerate the taint', async () => {
    await deleteAllPods();
    await ok(['taint', 'nodes', 'node-c', 'dedicated=gpu:NoSchedule']);
    for (let i = 0; i < 4; i++) await ok(['create', '-f', '-'], podYaml(`plain-${i}`));
    const plain = await Promise.all(Array.from({ length: 4 }, (_, i) => boundTo(`plain-${i}`)));
    expect(plain).not.toContain('node-c');
    await ok(['create', '-f', '-'], podYaml('tolerant', { extra: { tolerations: TOLERATE, nodeSelector: { disk: 'ssd' } } }));
    expect(await boundTo('tolerant')).toBe('node-c');
  });

  it('given required node affinity, then the pod lands in the zone it asks for', async () => {
    const affinity = { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'topology.kubernetes.io/zone', operator: 'In', values: ['z2'] }] }] } } };
    await ok(['create', '-f', '-'], podYaml('zonal', { extra: { affinity } }));
    expect(await boundTo('zonal')).toBe('node-b');
  });

  it('given pod anti-affinity per hostname, then three replicas take three nodes and a fourth stays Pending', async () => {
    const antiAffinity = { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: 'web' } }, topologyKey: 'kubernetes.io/hostname' }] } };
    for (let i = 0; i < 4; i++) await ok(['create', '-f', '-'], podYaml(`web-${i}`, { labels: { app: 'web' }, extra: { affinity: antiAffinity, tolerations: TOLERATE } }));
    const placed = await eventually(async () => Promise.all(Array.from({ length: 4 }, (_, i) => nodeOf(`web-${i}`))), (ns) => ns.filter(Boolean).length >= 3);
    await new Promise((r) => setTimeout(r, 1000));
    const final = await Promise.all(Array.from({ length: 4 }, (_, i) => nodeOf(`web-${i}`)));
    expect(final.filter(Boolean).sort()).toEqual(['node-a', 'node-b', 'node-c']);
    expect(placed.filter(Boolean)).toHaveLength(3);
    const pending = `web-${final.indexOf('')}`;
    const describe = await eventually(() => ok(['describe', 'pod', pending]), (out) => out.includes('FailedScheduling'));
    expect(describe).toContain("0/3 nodes are available: 3 node(s) didn't match pod anti-affinity rules.");
  });

  it('given full nodes, when a pod of a higher PriorityClass arrives, then it preempts a low-priority pod and is bound in its place', async () => {
    await deleteAllPods();
    await eventually(() => ok(['get', 'pods', '-o', 'name']), (out) => out.trim() === '');
    await ok(['create', '-f', '-'], JSON.stringify({ apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'high' }, value: 1000, description: 'e2e' }));
    for (let i = 0; i < 3; i++) await ok(['create', '-f', '-'], podYaml(`low-${i}`, { cpu: '3', extra: { tolerations: TOLERATE } }));
    const lowNodes = await Promise.all([0, 1, 2].map((i) => boundTo(`low-${i}`)));
    expect(new Set(lowNodes).size).toBe(3);
    await ok(['create', '-f', '-'], podYaml('important', { cpu: '3', extra: { tolerations: TOLERATE, priorityClassName: 'high' } }));
    const node = await boundTo('important');
    expect(node).not.toBe('');
    const remaining = (await ok(['get', 'pods', '-o', 'name'])).trim().split('\n').sort();
    expect(remaining).toHaveLength(3);
    expect(remaining).toContain('pod/important');
    const victim = `low-${lowNodes.indexOf(node)}`;
    expect(remaining).not.toContain(`pod/${victim}`);
    expect(await ok(['get', 'events', '--field-selector', `involvedObject.name=${victim}`])).toMatch(/Preempted\s+pod\/low-\d\s+Preempted by pod \S+ on node node-/);
  });
});
