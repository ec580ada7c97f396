// The scheduler's own cost, in-process and without IO: the real Scheduler (queue, cache,
// plugins, assume/bind protocol) fed the benchmark's Nodes and Pods as its informers would be,
// binding through a client that answers at once, each bind confirmed by the pod's Bound entry
// 200 pods later (what the log does while binds are in flight). CPU per pod here is what the
// scheduling cycle costs; tools/bench/scheduler.ts adds the log, the apiserver and the network.
//
//   node --enable-source-maps -r @swc-node/register tools/bench/scheduler-cycle.ts [--nodes=5000] [--pods=10000]
//        [--workloads=SchedulingBasic,…] [--cpu-prof=<file>]   (then: tools/bench/profile-summary.ts <file>)
import { parseArgs } from 'node:util';
import { Session } from 'node:inspector';
import { writeFileSync } from 'node:fs';
import type { KubeObject } from '@keelson/apimachinery';
import { loadSchedulerConfiguration, Scheduler, type SchedulerClient } from '@keelson/scheduler';
import { fmt } from './load';
import { toOriginal } from './profile-hook';
import { benchNode, benchPod, WORKLOADS, type Workload } from './scheduler-objects';

const { values: flags } = parseArgs({
  options: {
    nodes: { type: 'string', default: '5000' },
    pods: { type: 'string', default: '10000' },
    workloads: { type: 'string', default: WORKLOADS.join(',') },
    'cpu-prof': { type: 'string' },
  },
});
const NODES = Number(flags.nodes);
const PODS = Number(flags.pods);
const CONFIRM_LAG = 200;

/** Records binds; the benchmark confirms them as the log would. */
class InstantClient implements SchedulerClient {
  readonly bound: { key: string; node: string }[] = [];
  /** the Scheduled Events written */
  events = 0;
  async create(path: string, body: unknown): Promise<KubeObject> {
    if (!path.endsWith('/binding')) {
      this.events++;
      return body as KubeObject;
    }
    const [, , , , ns, , name] = path.split('/');
    this.bound.push({ key: `${ns}/${name}`, node: (body as { target: { name: string } }).target.name });
    return body as KubeObject;
  }
  async patch(): Promise<KubeObject> {
    return {} as KubeObject;
  }
  async delete(): Promise<KubeObject> {
    return {} as KubeObject;
  }
}

let seq = 0;
const stored = (o: { metadata: Record<string, unknown> } & Record<string, unknown>, namespace?: string): KubeObject =>
  ({ ...o, metadata: { ...o.metadata, ...(namespace ? { namespace } : {}), uid: `uid-${++seq}`, creationTimestamp: new Date().toISOString(), resourceVersion: String(seq) } }) as unknown as KubeObject;

async function run(scheduler: Scheduler, client: InstantClient, workload: Workload): Promise<{ cpuMs: number; wallMs: number; bound: number }> {
  const ns = workload.toLowerCase();
  const pods = new Map<string, KubeObject>();
  for (let i = 0; i < PODS; i++) {
    const pod = stored(benchPod(workload, `pod-${i}`, i), ns);
    pods.set(`${ns}/pod-${i}`, pod);
    scheduler.informers.onPod({ type: 'add', key: `${ns}/pod-${i}`, object: pod, seq, entryType: 'Created' });
  }
  let confirmed = client.bound.length;
  const confirm = (upTo: number) => {
    for (; confirmed < upTo; confirmed++) {
      const { key, node } = client.bound[confirmed];
      const pod = pods.get(key)!;
      const object = { ...pod, spec: { ...(pod.spec as object), nodeName: node } } as KubeObject;
      scheduler.informers.onPod({ type: 'update', key, object, seq: ++seq, entryType: 'Bound' });
    }
  };
  const start = client.bound.length;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let qp = scheduler.queue.pop(), n = 0; qp; qp = scheduler.queue.pop(), n++) {
    scheduler.scheduleOne(qp);
    if (n % 50 === 49) {
      await new Promise((r) => setImmediate(r)); // bind promises settle, as between real cycles
      confirm(client.bound.length - CONFIRM_LAG);
    }
  }
  await scheduler.drain();
  confirm(client.bound.length);
  const cpu = process.cpuUsage(cpu0);
  return { cpuMs: (cpu.user + cpu.system) / 1000, wallMs: performance.now() - t0, bound: client.bound.length - start };
}

async function main(): Promise<void> {
  const client = new InstantClient();
  const scheduler = new Scheduler({ profiles: loadSchedulerConfiguration(undefined).profiles, client, warn: () => undefined });
  for (const ns of ['default', ...WORKLOADS.map((w) => w.toLowerCase())]) {
    scheduler.informers.onNamespace({ type: 'add', key: ns, object: stored({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } }), seq });
  }
  for (let i = 0; i < NODES; i++) {
    const n = benchNode(i);
    scheduler.informers.onNode({ type: 'add', key: n.name, object: stored({ ...n.object, status: n.status }), seq });
  }
  const session = flags['cpu-prof'] ? new Session() : undefined;
  if (session) {
    session.connect();
    await new Promise<void>((r) => session.post('Profiler.enable', () => session.post('Profiler.start', () => r())));
  }
  console.log(`| workload | bound | CPU ms/pod | pods per CPU-second | wall s |`);
  console.log('|---|--:|--:|--:|--:|');
  for (const w of flags.workloads!.split(',') as Workload[]) {
    const r = await run(scheduler, client, w);
    console.log(`| ${w} | ${r.bound} | ${fmt(r.cpuMs / r.bound, 3)} | ${fmt((1000 * r.bound) / r.cpuMs, 0)} | ${fmt(r.wallMs / 1000, 1)} |`);
  }
  (globalThis as { gc?: () => void }).gc?.(); // with --expose-gc: heap used counts live objects only
  const mem = process.memoryUsage();
  console.log(`RSS ${fmt(mem.rss / 2 ** 20, 0)} MB, heap used ${fmt(mem.heapUsed / 2 ** 20, 0)} MB (${NODES} nodes, ${scheduler.cache.podCount} pods in the cache)`);
  if (session) {
    await new Promise<void>((r) =>
      session.post('Profiler.stop', (err, res) => {
        for (const node of res.profile.nodes) toOriginal(node.callFrame);
        writeFileSync(flags['cpu-prof']!, JSON.stringify(res.profile));
        r();
      }),
    );
  }
}

void main();
