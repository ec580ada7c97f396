import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { apiServerConfig, startApiServer, type RunningApiServer } from '@keelson/apiserver-app';
import { controllerManagerConfig, startControllerManager, type ControllerManagerAppConfig, type RunningControllerManager } from '@keelson/controller-manager';
import { dnsAppConfig, startDns, UNDERLAY_HOST, type RunningDns } from '@keelson/dns-app';
import { freePort, startNats, writeKubeconfig, type RunningSubstrate } from '@keelson/local';
import { spawnNodeAgent, type AgentProcess } from '@keelson/node-agent';
import { removeNodeNamespace } from '@keelson/runtime';
import { schedulerAppConfig, startScheduler, type RunningScheduler } from '@keelson/scheduler-app';
import { freshSchema, pgUrl } from '@keelson/testing';
import { dropSchemaIfExists } from '@keelson/testing/schemas';

// A whole cluster for end-to-end specs, made of the same parts `npm start` runs: a private
// nats-server (the internal API subject is shared by every apiserver on one NATS), the
// apiserver on the run's Postgres in a schema of its own, the scheduler, the controller-manager,
// and real node agents in their network namespaces running real Docker containers.
//
// Node numbers are global on this machine (namespace keelson-node-N, address 172.31.0.N,
// kubelet port 10250+N-1): each spec file picks numbers no other spec uses.

export interface Result { code: number; stdout: string; stderr: string }

export class RealCluster {
  readonly dir = mkdtempSync(join(tmpdir(), 'keelson-cluster-e2e-'));
  readonly kubeconfig = join(this.dir, 'kubeconfig');
  readonly agents = new Map<number, AgentProcess>();
  /** every node number started, running or not: stop() cleans up after all of them */
  private readonly nodes = new Set<number>();
  readonly agentLog: string[] = [];
  nats!: RunningSubstrate;
  api!: RunningApiServer;
  scheduler!: RunningScheduler;
  cm!: RunningControllerManager;
  /** With `start(…, { dns: true })`: the cluster DNS, on a free loopback port and on 172.31.0.254:53 for pods. */
  dns?: RunningDns;
  private schema?: string;

  /**
   * Starts the control plane and one agent per node number, in parallel. `controllerManager`
   * overrides its settings, e.g. `{ nodeMonitorGracePeriodSeconds: 10 }` for a quicker NotReady.
   */
  async start(specFile: string, nodes: readonly number[], agentArgs: readonly string[] = [], options: { dns?: boolean; controllerManager?: Partial<ControllerManagerAppConfig> } = {}): Promise<void> {
    this.nats = await startNats({ dataDir: join(this.dir, 'nats'), port: await freePort() });
    this.schema = await freshSchema(specFile);
    this.api = await startApiServer(apiServerConfig({ natsUrl: this.nats.url, pgUrl: pgUrl(), port: await freePort(), schema: this.schema, secretKeyFile: join(this.dir, 'key'), internalApi: true }, {}));
    writeKubeconfig(this.kubeconfig, this.api.url);
    this.scheduler = await startScheduler(schedulerAppConfig({ natsUrl: this.nats.url, identity: 'e2e', leaseMs: 3000, renewMs: 500 }, {}));
    this.cm = await startControllerManager(controllerManagerConfig({ natsUrl: this.nats.url, identity: 'e2e', leaseMs: 3000, renewMs: 500, ...options.controllerManager }, {}));
    await Promise.all(nodes.map((n) => this.addNode(n, agentArgs)));
    // After the agents: the underlay bridge holding 172.31.0.254 exists once a node is attached.
    // Port 53 there is one per machine, so only one running cluster can have DNS at a time.
    if (options.dns) this.dns = await startDns(dnsAppConfig({ natsUrl: this.nats.url, listen: [{ host: '127.0.0.1', port: 0 }, UNDERLAY_HOST], publish: UNDERLAY_HOST }, {}));
  }

  /** The loopback port the cluster DNS answers on (UDP and TCP). */
  get dnsPort(): number {
    const port = this.dns?.listening[0]?.port;
    if (port === undefined) throw new Error('the cluster was started without dns');
    return port;
  }

  /** Starts the agent of node `n` (again, after stopAgent/killAgent). */
  async addNode(n: number, extraArgs: readonly string[] = []): Promise<AgentProcess> {
    this.nodes.add(n);
    const agent = await spawnNodeAgent({ node: n, natsUrl: this.nats.url, stateDir: join(this.dir, 'nodes', `keelson-node-${n}`), extraArgs, log: (l) => this.agentLog.push(l) });
    this.agents.set(n, agent);
    return agent;
  }

  /** SIGTERM: the agent stops, its containers keep running (a kubelet restart). */
  async stopAgent(n: number): Promise<void> {
    await this.agents.get(n)?.stop();
    this.agents.delete(n);
  }

  /** SIGKILL: an agent crash. */
  async killAgent(n: number): Promise<void> {
    await this.agents.get(n)?.kill();
    this.agents.delete(n);
  }

  /** Stops everything and removes what the cluster made: pods' containers, node namespaces, the schema. */
  async stop(): Promise<void> {
    // Deleting every namespace's pods first lets the agents tear down containers and CNI state.
    await this.kubectl(['delete', 'pods', '--all', '--all-namespaces', '--grace-period=0', '--force', '--wait=false']).catch(() => undefined);
    const nodes = [...this.nodes];
    await this.dns?.close();
    await Promise.all([...this.agents.values()].map((a) => a.stop()));
    await removeLeftoverContainers(nodes);
    for (const n of nodes) await removeNodeNamespace(n).catch(() => undefined);
    await this.cm?.close();
    await this.scheduler?.close();
    await this.api?.close();
    await this.nats?.stop();
    if (this.schema) await dropSchemaIfExists(this.schema);
    rmSync(this.dir, { recursive: true, force: true });
  }

  kubectl(args: readonly string[], input = '', kubectlBinary = 'kubectl'): Promise<Result> {
    return new Promise<Result>((resolve) => {
      const child = execFile(kubectlBinary, ['--cache-dir', join(this.dir, 'cache'), ...args], { env: { ...process.env, KUBECONFIG: this.kubeconfig }, timeout: 60_000 }, (err, stdout, stderr) =>
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr }),
      );
      child.stdin!.end(input);
    });
  }

  async ok(args: readonly string[], input = ''): Promise<string> {
    const r = await this.kubectl(args, input);
    if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
    return r.stdout;
  }

  /** `kubectl get -o json` parsed. */
  async json<T = any>(args: readonly string[]): Promise<T> {
    return JSON.parse(await this.ok(['get', ...args, '-o', 'json'])) as T;
  }
}

/** Containers the agents of these nodes made (label keelson.io/node), removed by force. */
async function removeLeftoverContainers(nodes: readonly number[]): Promise<void> {
  const { default: Docker } = await import('dockerode');
  const docker = new Docker();
  for (const n of nodes) {
    const list = await docker.listContainers({ all: true, filters: { label: [`keelson.io/node=keelson-node-${n}`] } }).catch(() => []);
    await Promise.all(list.map((c) => docker.getContainer(c.Id).remove({ force: true }).catch(() => undefined)));
  }
}

export async function eventually<T>(probe: () => Promise<T>, accept: (v: T) => boolean, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (accept(v) || Date.now() > end) return v;
    await new Promise((r) => setTimeout(r, 500));
  }
}
