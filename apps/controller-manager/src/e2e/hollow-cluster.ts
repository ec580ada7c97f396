import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubeObject } from '@keelson/apimachinery';
import { apiServerConfig, startApiServer, type RunningApiServer } from '@keelson/apiserver-app';
import { EventLog, type LogEntry } from '@keelson/eventlog';
import { ApiClient, Informer, objectPath } from '@keelson/informer';
import { freePort, startNats, writeKubeconfig, type RunningSubstrate } from '@keelson/local';
import { schedulerAppConfig, startScheduler, type RunningScheduler } from '@keelson/scheduler-app';
import { freshSchema, pgUrl } from '@keelson/testing';
import { dropSchemaIfExists } from '@keelson/testing/schemas';
import { controllerManagerConfig, startControllerManager, type RunningControllerManager } from '../index';

// A control plane with hollow nodes for the controller-manager's end-to-end story: a private
// nats-server (the internal API subject is shared by every apiserver on a NATS), the apiserver,
// the real scheduler and the controller-manager, Node objects made Ready with kubectl, and a
// fake kubelet: bound pods become Running and Ready (Job pods Succeeded), terminating pods are
// finished off. The fake kubelet writes with `cause` like a real agent would.

export interface Result { code: number; stdout: string; stderr: string }

export class HollowCluster {
  dir = mkdtempSync(join(tmpdir(), 'keelson-cm-e2e-'));
  nats!: RunningSubstrate;
  api!: RunningApiServer;
  schema!: string;
  scheduler!: RunningScheduler;
  cm!: RunningControllerManager;
  log!: EventLog;
  kubelet!: ApiClient;
  pods!: Informer;
  kubeconfig = join(this.dir, 'kubeconfig');
  private leaseTimer?: NodeJS.Timeout;
  /** pod names the fake kubelet leaves un-ready */
  readonly hold = new Set<string>();
  /** the most Job pods seen active at once, per job name */
  readonly maxActive = new Map<string, number>();

  async start(nodes: readonly string[], schemaOf: string): Promise<void> {
    this.nats = await startNats({ dataDir: join(this.dir, 'nats'), port: await freePort() });
    this.schema = await freshSchema(schemaOf);
    this.api = await startApiServer(apiServerConfig({ natsUrl: this.nats.url, pgUrl: pgUrl(), port: await freePort(), schema: this.schema, secretKeyFile: join(this.dir, 'key'), internalApi: true }, {}));
    writeKubeconfig(this.kubeconfig, this.api.url);
    this.scheduler = await startScheduler(schedulerAppConfig({ natsUrl: this.nats.url, identity: 'e2e', leaseMs: 3000, renewMs: 500 }, {}));
    this.cm = await startControllerManager(controllerManagerConfig({ natsUrl: this.nats.url, identity: 'e2e', leaseMs: 3000, renewMs: 500 }, {}));
    this.log = await EventLog.connect({ servers: this.nats.url });
    this.kubelet = await ApiClient.connect(this.nats.url, 'node:hollow');
    for (const name of nodes) {
      await this.ok(['create', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'Node', metadata: { name, labels: { 'kubernetes.io/hostname': name } } }));
      const resources = { cpu: '8', memory: '16Gi', pods: '50' };
      const status = { capacity: resources, allocatable: resources, conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'hollow node', lastHeartbeatTime: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z') }] };
      await this.ok(['patch', 'node', name, '--subresource=status', '--type=merge', '-p', JSON.stringify({ status })]);
    }
    // Node Leases, renewed as a kubelet does, so the node lifecycle controller sees them alive.
    await this.kubectl(['create', 'namespace', 'kube-node-lease']);
    const leasePath = (name?: string) => objectPath('coordination.k8s.io', 'v1', 'leases', 'kube-node-lease', name);
    const renewTime = () => new Date().toISOString().replace('Z', '000Z');
    for (const name of nodes) {
      await this.kubelet.create(leasePath(), { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name }, spec: { holderIdentity: name, leaseDurationSeconds: 40, renewTime: renewTime() } });
    }
    this.leaseTimer = setInterval(() => {
      for (const name of nodes) void this.kubelet.patch(leasePath(name), { spec: { renewTime: renewTime() } }).catch(() => undefined);
    }, 5000);
    this.pods = new Informer(this.log, '', 'pods').on((e) => {
      if (e.type !== 'delete') void this.onPod(e.object, e.seq).catch(() => undefined);
      this.countActive();
    });
    await this.pods.start();
  }

  async stop(): Promise<void> {
    if (this.leaseTimer) clearInterval(this.leaseTimer);
    await this.pods?.stop();
    await this.cm?.close();
    await this.scheduler?.close();
    await this.kubelet?.close();
    await this.log?.close();
    await this.api?.close();
    await this.nats?.stop();
    if (this.schema) await dropSchemaIfExists(this.schema);
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** Marks a held pod Ready now. */
  release(name: string): void {
    this.hold.delete(name);
    const pod = this.pods.get(`default/${name}`);
    if (pod) void this.onPod(pod, Number(pod.metadata.resourceVersion));
  }

  private async onPod(pod: KubeObject, seq: number): Promise<void> {
    const m = pod.metadata;
    const path = (sub?: string) => objectPath('', 'v1', 'pods', m.namespace, m.name, sub);
    const spec = pod.spec as { nodeName?: string };
    const status = (pod.status ?? {}) as { phase?: string; conditions?: { type: string; status: string }[] };
    if (m.deletionTimestamp) return void (await this.kubelet.delete(path(), { gracePeriodSeconds: 0 }, { cause: seq }));
    if (!spec.nodeName || this.hold.has(m.name!)) return;
    const isJob = (m.ownerReferences ?? []).some((r) => r.kind === 'Job');
    const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    if (isJob) {
      if (status.phase !== 'Running' && status.phase !== 'Succeeded') {
        await this.kubelet.patch(path('status'), { status: { phase: 'Running', startTime: now } }, { cause: seq, patchType: 'merge' });
      } else if (status.phase === 'Running') {
        // Let the job controller see it running for a moment, as a real container takes a while.
        await new Promise((r) => setTimeout(r, 300));
        const containerStatuses = [{ name: 'c', ready: false, restartCount: 0, state: { terminated: { exitCode: 0, reason: 'Completed' } } }];
        await this.kubelet.patch(path('status'), { status: { phase: 'Succeeded', containerStatuses } }, { cause: seq, patchType: 'merge' });
      }
      return;
    }
    if (status.phase === 'Running' && status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')) return;
    const conditions = ['PodScheduled', 'Initialized', 'ContainersReady', 'Ready'].map((type) => ({ type, status: 'True', lastTransitionTime: now }));
    await this.kubelet.patch(path('status'), { status: { phase: 'Running', startTime: now, conditions } }, { cause: seq, patchType: 'merge' });
  }

  private countActive(): void {
    const active = new Map<string, number>();
    for (const p of this.pods.list()) {
      const job = (p.metadata.ownerReferences ?? []).find((r) => r.kind === 'Job')?.name;
      const phase = (p.status as { phase?: string } | undefined)?.phase;
      if (job && phase !== 'Succeeded' && phase !== 'Failed' && !p.metadata.deletionTimestamp) active.set(job, (active.get(job) ?? 0) + 1);
    }
    for (const [job, n] of active) this.maxActive.set(job, Math.max(n, this.maxActive.get(job) ?? 0));
  }

  kubectl(args: string[], input = ''): Promise<Result> {
    return new Promise<Result>((resolve) => {
      const child = execFile('kubectl', ['--cache-dir', join(this.dir, 'cache'), ...args], { env: { ...process.env, KUBECONFIG: this.kubeconfig }, timeout: 60_000 }, (err, stdout, stderr) =>
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr }),
      );
      child.stdin!.end(input);
    });
  }

  async ok(args: string[], input = ''): Promise<string> {
    const r = await this.kubectl(args, input);
    if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
    return r.stdout;
  }

  /** The log entries that led to `seq`, following `cause` back to the first (newest first). */
  async causeChain(seq: number): Promise<LogEntry[]> {
    const chain: LogEntry[] = [];
    for (let s: number | undefined = seq; s !== undefined; ) {
      const e = await this.log.entryAt(s);
      if (!e) break;
      chain.push(e);
      s = e.cause;
    }
    return chain;
  }
}

export async function eventually<T>(probe: () => Promise<T>, accept: (v: T) => boolean, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (accept(v) || Date.now() > end) return v;
    await new Promise((r) => setTimeout(r, 250));
  }
}
