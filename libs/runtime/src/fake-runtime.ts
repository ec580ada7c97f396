// An in-memory ContainerRuntime for the node agent's pure tests: the same contract as
// DockerRuntime, with hooks to play the parts a real runtime plays by itself (a container
// exits, is OOMKilled) and a call log to assert on, as Kubernetes' FakeRuntimeService does.
import { PassThrough, Readable } from 'node:stream';
import { normalizeImageName } from './image-recipes';
import {
  ImagePullError, LABEL_CONTAINER_NAME, LABEL_NAMESPACE, LABEL_NODE, LABEL_POD_NAME, LABEL_POD_UID, LABEL_RESTART_COUNT, LABEL_SANDBOX_ID,
  type ContainerConfig, type ContainerFilter, type ContainerInfo, type ContainerRuntime, type ContainerStatus, type ExecOptions, type ExecResult,
  type ExecSession, type ImageStatus, type LogOptions, type PodSandbox, type PodSandboxConfig, type PodSandboxStatus, type SandboxFilter,
} from './runtime';

interface FakeSandbox extends PodSandboxStatus {
  readonly config: PodSandboxConfig;
}

interface FakeContainer {
  status: ContainerStatus;
  readonly config: ContainerConfig;
  logs: string;
}

export interface FakeCall {
  readonly method: keyof ContainerRuntime;
  readonly args: readonly unknown[];
}

export class FakeRuntime implements ContainerRuntime {
  readonly calls: FakeCall[] = [];
  readonly sandboxes = new Map<string, FakeSandbox>();
  readonly containers = new Map<string, FakeContainer>();
  readonly images = new Set<string>();
  /** What execSync answers; default: exit 0, no output. */
  execHandler: (id: string, cmd: readonly string[]) => ExecResult = () => ({ stdout: '', stderr: '', exitCode: 0 });
  private nextId = 1;

  constructor(private readonly clock: () => number = Date.now, images: readonly string[] = ['busybox', 'nginx:1.7.9', 'nginx:1.8', 'hostnames', 'registry.k8s.io/pause:3.9']) {
    for (const i of images) this.images.add(normalizeImageName(i));
  }

  async runPodSandbox(config: PodSandboxConfig): Promise<string> {
    this.record('runPodSandbox', config);
    const id = this.newId('sandbox');
    const labels = { ...config.labels, [LABEL_POD_UID]: config.uid, [LABEL_POD_NAME]: config.name, [LABEL_NAMESPACE]: config.namespace, [LABEL_NODE]: config.node };
    const { uid, name, namespace, node, hostname } = config;
    this.sandboxes.set(id, { id, uid, name, namespace, node, hostname, attempt: config.attempt ?? 0, state: 'ready', createdAt: this.clock(), labels, pid: this.nextId, config });
    return id;
  }

  async stopPodSandbox(id: string): Promise<void> {
    this.record('stopPodSandbox', id);
    const s = this.sandboxes.get(id);
    if (!s) return;
    for (const c of this.containers.values()) if (c.status.sandboxId === id && c.status.state === 'running') this.exit(c.status.id, 137);
    this.sandboxes.set(id, { ...s, state: 'notready', pid: undefined });
  }

  async removePodSandbox(id: string): Promise<void> {
    this.record('removePodSandbox', id);
    for (const [cid, c] of this.containers) if (c.status.sandboxId === id) this.containers.delete(cid);
    this.sandboxes.delete(id);
  }

  async podSandboxStatus(id: string): Promise<PodSandboxStatus | undefined> {
    const s = this.sandboxes.get(id);
    if (!s) return undefined;
    const { config: _config, ...status } = s;
    return status;
  }

  async listPodSandboxes(filter: SandboxFilter = {}): Promise<PodSandbox[]> {
    return [...this.sandboxes.values()]
      .filter((s) => (!filter.id || s.id === filter.id) && (!filter.uid || s.uid === filter.uid) && (!filter.node || s.node === filter.node) && (!filter.state || s.state === filter.state))
      .map(({ config: _c, pid: _p, hostname: _h, ...s }) => s);
  }

  async createContainer(sandboxId: string, config: ContainerConfig): Promise<string> {
    this.record('createContainer', sandboxId, config);
    const sandbox = this.sandboxes.get(sandboxId);
    if (!sandbox) throw new Error(`pod sandbox ${sandboxId} not found`);
    const image = normalizeImageName(config.image);
    if (!this.images.has(image)) throw new Error(`No such image: ${config.image}`);
    const id = this.newId('container');
    const restartCount = config.restartCount ?? 0;
    const labels = { ...config.labels, [LABEL_SANDBOX_ID]: sandboxId, [LABEL_POD_UID]: sandbox.uid, [LABEL_CONTAINER_NAME]: config.name, [LABEL_RESTART_COUNT]: String(restartCount) };
    const status: ContainerStatus = { id, sandboxId, podUid: sandbox.uid, name: config.name, image: config.image, imageId: `sha256:${image}`, state: 'created', createdAt: this.clock(), restartCount, labels, oomKilled: false };
    this.containers.set(id, { status, config, logs: '' });
    return id;
  }

  async startContainer(id: string): Promise<void> {
    this.record('startContainer', id);
    const c = this.mustGet(id);
    if (c.status.state === 'running') return;
    c.status = { ...c.status, state: 'running', startedAt: this.clock(), pid: this.nextId++ };
  }

  async stopContainer(id: string, timeoutSeconds: number): Promise<void> {
    this.record('stopContainer', id, timeoutSeconds);
    const c = this.containers.get(id);
    if (c?.status.state === 'running') this.exit(id, 143);
  }

  async removeContainer(id: string): Promise<void> {
    this.record('removeContainer', id);
    this.containers.delete(id);
  }

  async listContainers(filter: ContainerFilter = {}): Promise<ContainerInfo[]> {
    return [...this.containers.values()]
      .map((c) => c.status)
      .filter((c) => (!filter.id || c.id === filter.id) && (!filter.sandboxId || c.sandboxId === filter.sandboxId) && (!filter.podUid || c.podUid === filter.podUid) && (!filter.node || this.sandboxes.get(c.sandboxId)?.node === filter.node) && (!filter.name || c.name === filter.name) && (!filter.state || c.state === filter.state))
      .map(({ imageId: _i, oomKilled: _o, exitCode: _e, reason: _r, message: _m, startedAt: _s, finishedAt: _f, pid: _p, ...info }) => info);
  }

  async containerStatus(id: string): Promise<ContainerStatus | undefined> {
    return this.containers.get(id)?.status;
  }

  async execSync(id: string, cmd: readonly string[]): Promise<ExecResult> {
    this.record('execSync', id, cmd);
    if (this.mustGet(id).status.state !== 'running') throw new Error(`container ${id} is not running`);
    return this.execHandler(id, cmd);
  }

  async exec(id: string, options: ExecOptions): Promise<ExecSession> {
    const result = await this.execSync(id, options.cmd);
    const stream = new PassThrough();
    stream.end(result.stdout);
    return { stream, resize: async () => undefined, exitCode: async () => result.exitCode };
  }

  async logs(id: string, options: LogOptions = {}): Promise<Readable> {
    const lines = this.mustGet(id).logs.split(/(?<=\n)/).filter(Boolean);
    return Readable.from(options.tail === undefined ? lines : lines.slice(-options.tail));
  }

  async imageStatus(name: string): Promise<ImageStatus | undefined> {
    const image = normalizeImageName(name);
    return this.images.has(image) ? { id: `sha256:${image}`, tags: [image], size: 1 } : undefined;
  }

  async pullImage(name: string): Promise<never> {
    this.record('pullImage', name);
    throw new ImagePullError(name);
  }

  /** The container's process ends by itself (or is killed by the kernel, when `oomKilled`). */
  exit(id: string, exitCode: number, options: { oomKilled?: boolean } = {}): void {
    const c = this.mustGet(id);
    const oomKilled = options.oomKilled ?? false;
    c.status = { ...c.status, state: 'exited', exitCode, oomKilled, reason: oomKilled ? 'OOMKilled' : exitCode === 0 ? 'Completed' : 'Error', finishedAt: this.clock(), pid: undefined };
  }

  /** Appends to a container's output. */
  writeLog(id: string, text: string): void {
    this.mustGet(id).logs += text;
  }

  /** The call log without reads, for "given … when one sync … then these actions" tests. */
  actions(): string[] {
    return this.calls.map((c) => c.method);
  }

  private mustGet(id: string): FakeContainer {
    const c = this.containers.get(id);
    if (!c) throw new Error(`No such container: ${id}`);
    return c;
  }

  private newId(kind: string): string {
    return `${kind}-${this.nextId++}`;
  }

  private record(method: keyof ContainerRuntime, ...args: unknown[]): void {
    this.calls.push({ method, args });
  }
}
