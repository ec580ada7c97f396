// The controller-manager benchmark (issue 5): hollow nodes — Node objects with Leases renewed,
// no agents — and a fake kubelet in this process that marks bound pods Running and Ready and
// finishes terminating pods off, as hollow-cluster.ts does for the end-to-end spec.
//
//   1. a Deployment of --replicas (1,000) pods: time from its create to every pod bound, and
//      to the Deployment reporting all of them available;
//   2. a rolling update of it (maxSurge 25 %, maxUnavailable 25 %): time from the template
//      change to the Deployment's status saying it completed (updated = available = replicas,
//      old pods gone);
//   3. the controller-manager's RSS and CPU, read from /proc: it runs as a child process.
//
//   npm run bench:controllers -- [--nodes=100] [--replicas=1000] [--cpu-prof=<dir>] [--keep]
//
// The apiserver and the scheduler are children too; all write through the one log. The
// controller-manager starts through its boot.js (compiled once, no TypeScript toolchain resident),
// as a deployment would run it.
import { join, resolve } from 'node:path';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import type { KubeObject } from '@keelson/apimachinery';
import { filterFor, type EventLog, type LogEntry } from '@keelson/eventlog';
import { ApiClient as InternalClient, objectPath } from '@keelson/informer';
import { closedLoop, fmt } from './load';
import { cleanup, cpuSeconds, memoryMb, onCleanup, sleep, startApiPlane, startChild, step, waitForLog, within } from './processes';

const { values: flags } = parseArgs({
  options: { nodes: { type: 'string', default: '100' }, replicas: { type: 'string', default: '1000' }, 'cpu-prof': { type: 'string' }, keep: { type: 'boolean', default: false } },
});
const NODES = Number(flags.nodes);
const REPLICAS = Number(flags.replicas);
const NS = 'bench';
const rfc3339 = () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');

function deployment(image: string): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: NS },
    spec: {
      replicas: REPLICAS,
      selector: { matchLabels: { app: 'web' } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image, resources: { requests: { cpu: '10m', memory: '16Mi' } } }] } },
    },
  };
}

/**
 * The fake kubelet: a pod bound to a node becomes Running and Ready, a pod being deleted is
 * deleted at once (grace 0). It follows the log of the namespace's pods from `from`.
 */
function fakeKubelet(log: EventLog, kubelet: InternalClient, from: number, signal: AbortSignal, onBound: (name: string, at: number) => void, onCreated: (at: number) => void) {
  const started = new Set<string>();
  const deleting = new Set<string>();
  const path = (name: string, sub?: string) => objectPath('', 'v1', 'pods', NS, name, sub);
  const onEntry = (e: LogEntry) => {
    const pod = e.object;
    const name = pod.metadata.name!;
    if (e.type === 'Deleted') return;
    if (e.type === 'Created') onCreated(Date.parse(e.time));
    if (pod.metadata.deletionTimestamp) {
      if (deleting.has(name)) return;
      deleting.add(name);
      void kubelet.delete(path(name), { gracePeriodSeconds: 0 }, { cause: e.seq }).catch(() => undefined);
      return;
    }
    if (!(pod.spec as { nodeName?: string }).nodeName || started.has(pod.metadata.uid!)) return;
    started.add(pod.metadata.uid!);
    onBound(name, Date.parse(e.time));
    const now = rfc3339();
    const conditions = ['PodScheduled', 'Initialized', 'ContainersReady', 'Ready'].map((type) => ({ type, status: 'True', lastTransitionTime: now }));
    void kubelet.patch(path(name, 'status'), { status: { phase: 'Running', startTime: now, conditions } }, { cause: e.seq, patchType: 'merge' }).catch(() => started.delete(pod.metadata.uid!));
  };
  return log.follow(filterFor('', 'pods', NS, log.prefix), from, onEntry, signal).catch(() => undefined);
}

async function main(): Promise<void> {
  const { root, client, log, nats } = await startApiPlane('controllers', 32, flags.keep);
  const kubelet = await InternalClient.connect(nats.url, 'node:hollow');
  onCleanup('internal client', () => kubelet.close());

  step(`creating ${NODES} hollow nodes with Leases`);
  await client.ok('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'kube-node-lease' } }).catch(() => undefined);
  const leasePath = (name?: string) => objectPath('coordination.k8s.io', 'v1', 'leases', 'kube-node-lease', name);
  const renewTime = () => new Date().toISOString().replace('Z', '000Z');
  const nodeNames = Array.from({ length: NODES }, (_, i) => `node-${i}`);
  const resources = { cpu: '64', memory: '256Gi', pods: '110' };
  const nodes = await closedLoop(NODES, 16, 300, async (i) => {
    const name = nodeNames[i];
    const created = await client.ok('POST', '/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name, labels: { 'kubernetes.io/hostname': name } } });
    await client.ok('PUT', `/api/v1/nodes/${name}/status`, { ...created, status: { capacity: resources, allocatable: resources, conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', lastHeartbeatTime: rfc3339() }] } });
    await kubelet.create(leasePath(), { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name }, spec: { holderIdentity: name, leaseDurationSeconds: 40, renewTime: renewTime() } });
  });
  if (nodes.errors) throw new Error(`node creates failed: ${nodes.firstError}`);
  const leases = setInterval(() => nodeNames.forEach((n) => void kubelet.patch(leasePath(n), { spec: { renewTime: renewTime() } }).catch(() => undefined)), 10_000);
  onCleanup('lease renewal', async () => clearInterval(leases));
  await client.ok('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });

  step('starting the scheduler and controller-manager children');
  const sched = startChild('apps/scheduler/src/main.ts', { KEELSON_NATS_URL: nats.url, KEELSON_SCHEDULER_ID: 'bench', KEELSON_SCHEDULER_LEASE_MS: '5000', KEELSON_SCHEDULER_RENEW_MS: '1000' }, join(root, 'scheduler.log'));
  onCleanup('scheduler', () => sched.stop());
  const prof = flags['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${resolve(flags['cpu-prof'])}`] : [];
  const cm = startChild('apps/controller-manager/src/boot.js', { KEELSON_NATS_URL: nats.url, KEELSON_CONTROLLER_MANAGER_ID: 'bench', KEELSON_CONTROLLER_MANAGER_LEASE_MS: '5000', KEELSON_CONTROLLER_MANAGER_RENEW_MS: '1000' }, join(root, 'controller-manager.log'), prof);
  onCleanup('controller-manager', () => cm.stop());
  await waitForLog(sched, join(root, 'scheduler.log'), 'leading', 'scheduler');
  await waitForLog(cm, join(root, 'controller-manager.log'), 'leading', 'controller-manager');
  await sleep(2000); // let the informers settle after their initial list
  const idle = memoryMb(cm.pid);
  const load0 = loadavg()[0];

  // Follow pods from now on: the fake kubelet, and the bind times.
  const ac = new AbortController();
  onCleanup('fake kubelet', async () => ac.abort());
  const bound: number[] = [];
  const created: number[] = [];
  let allBound!: () => void;
  const everyPodBound = new Promise<void>((r) => (allBound = r));
  const { last } = await log.bounds();
  void fakeKubelet(log, kubelet, last + 1, ac.signal, (_, at) => {
    bound.push(at);
    if (bound.length === REPLICAS) allBound();
  }, (at) => created.push(at));
  const dpath = `/apis/apps/v1/namespaces/${NS}/deployments/web`;
  // resourceVersion=0: whatever the projection has, no waiting for it to catch up with the log
  const dpathAny = `${dpath}?resourceVersion=0`;
  type Status = { replicas?: number; updatedReplicas?: number; availableReplicas?: number; readyReplicas?: number; observedGeneration?: number };
  const waitFor = async (done: (d: KubeObject & { status?: Status }) => boolean, ms: number) => {
    for (const end = Date.now() + ms; Date.now() < end; await sleep(100)) {
      const d = await client.ok<KubeObject & { status?: Status }>('GET', dpathAny);
      if (done(d)) return d;
    }
    throw new Error(`deployment did not get there within ${ms / 1000} s: ${JSON.stringify((await client.ok<KubeObject>('GET', dpathAny)).status)}`);
  };

  step(`Deployment of ${REPLICAS} replicas`);
  const cpu0 = cpuSeconds(cm.pid);
  const t0 = Date.now();
  await client.ok('POST', `/apis/apps/v1/namespaces/${NS}/deployments`, deployment('registry.example.com/web:1'));
  await within(everyPodBound, 300_000);
  const boundSeconds = (Math.max(...bound) - t0) / 1000;
  const createdSeconds = (Math.max(...created.slice(0, REPLICAS)) - t0) / 1000;
  await waitFor((d) => d.status?.availableReplicas === REPLICAS, 300_000);
  const availableSeconds = (Date.now() - t0) / 1000;
  const createCpu = cpuSeconds(cm.pid) - cpu0;
  const afterCreate = memoryMb(cm.pid);
  step(`  ${REPLICAS} pods created after ${fmt(createdSeconds, 1)} s, ${bound.length} bound after ${fmt(boundSeconds, 1)} s, all available after ${fmt(availableSeconds, 1)} s`);

  step('rolling update (maxSurge 25%, maxUnavailable 25%)');
  const cpu1 = cpuSeconds(cm.pid);
  const t1 = Date.now();
  const current = await client.ok<KubeObject>('GET', dpath);
  const next = deployment('registry.example.com/web:2');
  const updated = await client.ok<KubeObject>('PUT', dpath, { ...next, metadata: { ...next.metadata, resourceVersion: current.metadata.resourceVersion } });
  const generation = updated.metadata.generation ?? 0;
  await waitFor((d) => {
    const s = d.status ?? {};
    return (s.observedGeneration ?? 0) >= generation && s.updatedReplicas === REPLICAS && s.availableReplicas === REPLICAS && s.replicas === REPLICAS;
  }, 600_000);
  const rolloutSeconds = (Date.now() - t1) / 1000;
  const rolloutCpu = cpuSeconds(cm.pid) - cpu1;
  const end = memoryMb(cm.pid);
  const load1 = loadavg()[0];

  console.log(`\nController manager: ${NODES} hollow nodes, a Deployment of ${REPLICAS} replicas (scheduler and apiserver in their own processes)`);
  console.log('| phase | seconds | controller-manager CPU s | load avg (1 min) |');
  console.log('|---|--:|--:|--:|');
  console.log(`| create → ${REPLICAS} pods created (ReplicaSet controller) | ${fmt(createdSeconds, 1)} | | |`);
  console.log(`| create → ${REPLICAS} pods bound | ${fmt(boundSeconds, 1)} | ${fmt(createCpu, 1)} | ${fmt(load0, 1)} |`);
  console.log(`| create → ${REPLICAS} available | ${fmt(availableSeconds, 1)} | (same) | |`);
  console.log(`| rolling update, maxSurge 25 % | ${fmt(rolloutSeconds, 1)} | ${fmt(rolloutCpu, 1)} | ${fmt(load1, 1)} |`);
  console.log(`controller-manager RSS: ${fmt(idle.rss, 0)} MB idle, ${fmt(afterCreate.rss, 0)} MB after the create, ${fmt(end.rss, 0)} MB after the rollout, peak ${fmt(end.peak, 0)} MB`);
}

main()
  .catch((e) => {
    console.error(e);
    process.exitCode = 1;
  })
  .finally(() => cleanup());
