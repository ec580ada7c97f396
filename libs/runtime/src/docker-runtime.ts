// ContainerRuntime on the Docker Engine (dockerode), the way dockershim/cri-dockerd map CRI
// onto Docker: a sandbox is a pause container with its own network (none, for CNI to wire) and
// a shareable IPC namespace; app containers join both with `container:<sandbox id>`.
import { PassThrough, Readable } from 'node:stream';
import Docker from 'dockerode';
import { PAUSE_IMAGE } from './image-recipes';
import { KernelOomLog, type OomKillLog } from './oom-log';
import { dockerResources } from './resources';
import {
  ANNOTATION_LABEL_PREFIX, ImagePullError, LABEL_ATTEMPT, LABEL_CONTAINER_NAME, LABEL_NAMESPACE, LABEL_NODE, LABEL_POD_NAME, LABEL_POD_UID, LABEL_RESTART_COUNT, LABEL_SANDBOX_ID, LABEL_TYPE,
  type ContainerConfig, type ContainerFilter, type ContainerInfo, type ContainerRuntime, type ContainerState, type ContainerStatus, type ExecOptions, type ExecResult,
  type ExecSession, type ImageStatus, type LogOptions, type PodSandbox, type PodSandboxConfig, type PodSandboxStatus, type SandboxFilter,
} from './runtime';

export interface DockerRuntimeOptions {
  readonly pauseImage?: string;
  /** Where OOM kills Docker missed are found (default: the kernel log). */
  readonly oomLog?: OomKillLog;
}

export class DockerRuntime implements ContainerRuntime {
  private readonly pauseImage: string;
  private readonly oomLog: OomKillLog;
  /** Sandboxes this runtime started, so creating their containers needs no inspect of the sandbox first. */
  private readonly sandboxes = new Map<string, PodSandbox>();

  constructor(private readonly docker: Docker, options: DockerRuntimeOptions = {}) {
    this.pauseImage = options.pauseImage ?? PAUSE_IMAGE;
    this.oomLog = options.oomLog ?? new KernelOomLog();
  }

  async runPodSandbox(config: PodSandboxConfig): Promise<string> {
    const attempt = config.attempt ?? 0;
    const container = await this.docker.createContainer({
      name: `k8s_POD_${config.name}_${config.namespace}_${config.uid}_${attempt}`,
      Image: this.pauseImage,
      Hostname: config.hostname,
      Labels: {
        ...config.labels,
        [LABEL_TYPE]: 'sandbox',
        [LABEL_POD_UID]: config.uid,
        [LABEL_POD_NAME]: config.name,
        [LABEL_NAMESPACE]: config.namespace,
        [LABEL_NODE]: config.node,
        [LABEL_ATTEMPT]: String(attempt),
      },
      HostConfig: {
        NetworkMode: 'none',
        IpcMode: 'shareable',
        Dns: [...(config.dns?.servers ?? [])],
        DnsSearch: [...(config.dns?.searches ?? [])],
        DnsOptions: [...(config.dns?.options ?? [])],
        // The pause container needs almost nothing; Kubernetes gives it the minimum shares.
        CpuShares: 2,
      },
    });
    try {
      await container.start();
    } catch (err) {
      await container.remove({ force: true }).catch(() => undefined);
      throw err;
    }
    this.sandboxes.set(container.id, sandboxFrom(container.id, { [LABEL_POD_UID]: config.uid, [LABEL_POD_NAME]: config.name, [LABEL_NAMESPACE]: config.namespace, [LABEL_NODE]: config.node, [LABEL_ATTEMPT]: String(attempt) }, true, Date.now()));
    return container.id;
  }

  async stopPodSandbox(id: string): Promise<void> {
    await ignore([304, 404], () => this.docker.getContainer(id).stop({ t: 10 }));
  }

  async removePodSandbox(id: string): Promise<void> {
    // CRI removes the pod's containers with its sandbox.
    for (const c of await this.listContainers({ sandboxId: id })) await this.removeContainer(c.id);
    await this.removeContainer(id);
    this.sandboxes.delete(id);
  }

  async podSandboxStatus(id: string): Promise<PodSandboxStatus | undefined> {
    const info = await ignore([404], () => this.docker.getContainer(id).inspect());
    if (!info || info.Config.Labels?.[LABEL_TYPE] !== 'sandbox') return undefined;
    return {
      ...sandboxFrom(info.Id, info.Config.Labels, info.State.Running, Date.parse(info.Created)),
      pid: info.State.Running ? info.State.Pid : undefined,
      hostname: info.Config.Hostname,
    };
  }

  async listPodSandboxes(filter: SandboxFilter = {}): Promise<PodSandbox[]> {
    const labels = [`${LABEL_TYPE}=sandbox`, ...(filter.uid ? [`${LABEL_POD_UID}=${filter.uid}`] : []), ...(filter.node ? [`${LABEL_NODE}=${filter.node}`] : [])];
    const list = await this.docker.listContainers({ all: true, filters: { label: labels, ...(filter.id ? { id: [filter.id] } : {}) } });
    return list.map((c) => sandboxFrom(c.Id, c.Labels, c.State === 'running', c.Created * 1000)).filter((s) => !filter.state || s.state === filter.state);
  }

  async createContainer(sandboxId: string, config: ContainerConfig): Promise<string> {
    const sandbox = this.sandboxes.get(sandboxId) ?? (await this.podSandboxStatus(sandboxId));
    if (!sandbox) throw new Error(`pod sandbox ${sandboxId} not found`);
    const restartCount = config.restartCount ?? 0;
    const container = await this.docker.createContainer({
      name: `k8s_${config.name}_${sandbox.name}_${sandbox.namespace}_${sandbox.uid}_${restartCount}`,
      Image: config.image,
      ...(config.command ? { Entrypoint: [...config.command] } : {}),
      ...(config.args ? { Cmd: [...config.args] } : {}),
      Env: (config.env ?? []).map((e) => `${e.name}=${e.value}`),
      ...(config.workingDir ? { WorkingDir: config.workingDir } : {}),
      ...(config.user ? { User: config.user } : {}),
      Tty: config.tty ?? false,
      OpenStdin: config.stdin ?? false,
      Labels: {
        ...Object.fromEntries(Object.entries(config.annotations ?? {}).map(([k, v]) => [`${ANNOTATION_LABEL_PREFIX}${k}`, v])),
        ...config.labels,
        [LABEL_TYPE]: 'container',
        [LABEL_SANDBOX_ID]: sandboxId,
        [LABEL_POD_UID]: sandbox.uid,
        [LABEL_POD_NAME]: sandbox.name,
        [LABEL_NAMESPACE]: sandbox.namespace,
        [LABEL_NODE]: sandbox.node,
        [LABEL_CONTAINER_NAME]: config.name,
        [LABEL_RESTART_COUNT]: String(restartCount),
      },
      HostConfig: {
        NetworkMode: `container:${sandboxId}`,
        IpcMode: `container:${sandboxId}`,
        Binds: (config.mounts ?? []).map((m) => `${m.hostPath}:${m.containerPath}${m.readOnly ? ':ro' : ''}`),
        Privileged: config.privileged ?? false,
        ...(config.devices?.length ? { Devices: config.devices.map((d) => ({ PathOnHost: d.hostPath, PathInContainer: d.containerPath, CgroupPermissions: d.permissions })) } : {}),
        ...dockerResources(config.resources ?? { cpuShares: 2 }),
        // The kubelet's defaults: 10 MiB per log file; keeps a chatty container from filling the disk.
        LogConfig: { Type: 'json-file', Config: { 'max-size': '10m', 'max-file': '5' } },
      },
    });
    return container.id;
  }

  async startContainer(id: string): Promise<void> {
    await ignore([304], () => this.docker.getContainer(id).start());
  }

  async stopContainer(id: string, timeoutSeconds: number): Promise<void> {
    await ignore([304, 404], () => this.docker.getContainer(id).stop({ t: Math.max(0, Math.floor(timeoutSeconds)) }));
  }

  async removeContainer(id: string): Promise<void> {
    await ignore([404], () => this.docker.getContainer(id).remove({ force: true, v: true }));
  }

  async listContainers(filter: ContainerFilter = {}): Promise<ContainerInfo[]> {
    const labels = [
      `${LABEL_TYPE}=container`,
      ...(filter.sandboxId ? [`${LABEL_SANDBOX_ID}=${filter.sandboxId}`] : []),
      ...(filter.podUid ? [`${LABEL_POD_UID}=${filter.podUid}`] : []),
      ...(filter.node ? [`${LABEL_NODE}=${filter.node}`] : []),
      ...(filter.name ? [`${LABEL_CONTAINER_NAME}=${filter.name}`] : []),
    ];
    const list = await this.docker.listContainers({ all: true, filters: { label: labels, ...(filter.id ? { id: [filter.id] } : {}) } });
    return list
      .map((c): ContainerInfo => infoFrom(c.Id, c.Labels, c.Image, stateOf(c.State), c.Created * 1000))
      .filter((c) => !filter.state || c.state === filter.state);
  }

  async containerStatus(id: string): Promise<ContainerStatus | undefined> {
    const info = await ignore([404], () => this.docker.getContainer(id).inspect());
    if (!info || info.Config.Labels?.[LABEL_TYPE] !== 'container') return undefined;
    const s = info.State;
    const state = stateOf(s.Status);
    const exited = state === 'exited';
    // SIGKILLed (137) without Docker's OOM flag: the kernel log says whether it was the memory limit.
    const oomKilled = s.OOMKilled || (exited && s.ExitCode === 137 && this.oomLog.oomKilled(info.Id));
    return {
      ...infoFrom(info.Id, info.Config.Labels, info.Config.Image, state, Date.parse(info.Created)),
      imageId: info.Image,
      oomKilled,
      ...(exited ? { exitCode: s.ExitCode, reason: oomKilled ? 'OOMKilled' : s.ExitCode === 0 ? 'Completed' : 'Error' } : {}),
      ...(s.Error ? { message: s.Error } : {}),
      ...(dockerTime(s.StartedAt) ? { startedAt: dockerTime(s.StartedAt) } : {}),
      ...(exited && dockerTime(s.FinishedAt) ? { finishedAt: dockerTime(s.FinishedAt) } : {}),
      ...(s.Running ? { pid: s.Pid } : {}),
    };
  }

  async execSync(id: string, cmd: readonly string[], timeoutSeconds = 60): Promise<ExecResult> {
    const exec = await this.docker.getContainer(id).exec({ Cmd: [...cmd], AttachStdout: true, AttachStderr: true });
    const stream = await exec.start({ hijack: true, stdin: false });
    const stdout = new Collector();
    const stderr = new Collector();
    this.docker.modem.demuxStream(stream, stdout, stderr);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        stream.destroy();
        reject(new Error(`command ${JSON.stringify(cmd)} timed out after ${timeoutSeconds}s`));
      }, timeoutSeconds * 1000);
      stream.on('end', () => (clearTimeout(timer), resolve()));
      stream.on('close', () => (clearTimeout(timer), resolve()));
      stream.on('error', (e) => (clearTimeout(timer), reject(e)));
    });
    const { ExitCode } = await exec.inspect();
    return { stdout: stdout.text(), stderr: stderr.text(), exitCode: ExitCode ?? -1 };
  }

  async exec(id: string, options: ExecOptions): Promise<ExecSession> {
    const tty = options.tty ?? false;
    const exec = await this.docker.getContainer(id).exec({ Cmd: [...options.cmd], AttachStdin: options.stdin ?? false, AttachStdout: true, AttachStderr: true, Tty: tty });
    const stream = await exec.start({ hijack: true, stdin: options.stdin ?? false, Tty: tty });
    return {
      stream,
      resize: async ({ width, height }) => void (await exec.resize({ w: width, h: height })),
      exitCode: async () => (await exec.inspect()).ExitCode ?? undefined,
    };
  }

  async logs(id: string, options: LogOptions = {}): Promise<Readable> {
    const container = this.docker.getContainer(id);
    const tty = (await container.inspect()).Config.Tty;
    const base = { stdout: true, stderr: true, timestamps: options.timestamps ?? false, ...(options.tail !== undefined ? { tail: options.tail } : {}), ...(options.since !== undefined ? { since: options.since } : {}) };
    const raw: NodeJS.ReadableStream = options.follow ? await container.logs({ ...base, follow: true }) : Readable.from([await container.logs({ ...base, follow: false })]);
    if (tty) return Readable.from(raw as AsyncIterable<Buffer>);
    const out = new PassThrough();
    this.docker.modem.demuxStream(raw, out, out);
    raw.on('end', () => out.end());
    raw.on('error', (e) => out.destroy(e));
    // Ending the reader (a client went away) stops Docker's follow.
    out.on('close', () => (raw as Readable).destroy?.());
    return out;
  }

  async imageStatus(name: string): Promise<ImageStatus | undefined> {
    const info = await ignore([404], () => this.docker.getImage(name).inspect());
    return info && { id: info.Id, tags: info.RepoTags ?? [], size: info.Size };
  }

  async pullImage(name: string): Promise<never> {
    // No registry is reachable and no traffic may leave the machine: fail as a denied pull would.
    throw new ImagePullError(name);
  }
}

function sandboxFrom(id: string, labels: Record<string, string> | undefined, running: boolean, createdAt: number): PodSandbox {
  const l = labels ?? {};
  return {
    id,
    uid: l[LABEL_POD_UID] ?? '',
    name: l[LABEL_POD_NAME] ?? '',
    namespace: l[LABEL_NAMESPACE] ?? '',
    node: l[LABEL_NODE] ?? '',
    attempt: Number(l[LABEL_ATTEMPT] ?? 0),
    state: running ? 'ready' : 'notready',
    createdAt,
    labels: l,
  };
}

function infoFrom(id: string, labels: Record<string, string> | undefined, image: string, state: ContainerState, createdAt: number): ContainerInfo {
  const l = labels ?? {};
  return { id, sandboxId: l[LABEL_SANDBOX_ID] ?? '', podUid: l[LABEL_POD_UID] ?? '', name: l[LABEL_CONTAINER_NAME] ?? '', image, state, createdAt, restartCount: Number(l[LABEL_RESTART_COUNT] ?? 0), labels: l };
}

/** Docker's states → CRI's: "created", "running" (and "paused", "restarting"), "exited" ("dead" too). */
function stateOf(docker: string): ContainerState {
  switch (docker) {
    case 'created':
      return 'created';
    case 'running':
    case 'paused':
    case 'restarting':
      return 'running';
    case 'exited':
    case 'dead':
      return 'exited';
    default:
      return 'unknown';
  }
}

/** Docker writes "0001-01-01T00:00:00Z" for a time that has not happened. */
function dockerTime(s: string | undefined): number | undefined {
  if (!s || s.startsWith('0001-')) return undefined;
  const t = Date.parse(s);
  return Number.isNaN(t) ? undefined : t;
}

/** Runs `f`, turning the listed Docker status codes (304 not modified, 404 no such …) into undefined. */
async function ignore<T>(codes: readonly number[], f: () => Promise<T>): Promise<T | undefined> {
  try {
    return await f();
  } catch (err) {
    if (codes.includes((err as { statusCode?: number }).statusCode ?? -1)) return undefined;
    throw err;
  }
}

class Collector extends PassThrough {
  private readonly chunks: Buffer[] = [];
  constructor() {
    super();
    this.on('data', (c: Buffer) => this.chunks.push(c));
  }
  text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }
}
