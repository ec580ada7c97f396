// One pod's sync, the kubelet's SyncPod with its IO: read what the runtime has for the pod
// (by labels, so a restarted agent resumes), decide with computePodActions, carry the
// actions out (sandbox → CNI → volumes → init containers → app containers), hand the running
// containers to the prober manager (probes run on their own timers, not in this sync), collect
// dead instances, and write the status only when it changed. A pod
// being deleted is stopped (preStop, SIGTERM, SIGKILL after its grace period), unwired and
// removed, and then deleted for good with gracePeriodSeconds=0.
// The shell (pod-workers.ts) calls `sync(uid)` serially per pod and requeues it as told.
import type { ContainerConfig, ContainerRuntime, ContainerStatus as RuntimeContainerStatus, PodSandbox, PortMapping } from '@keelson/runtime';
import { Backoff } from './backoff';
import type { BackoffView } from './backoff';
import { allocatePod, EMPTY_ASSIGNMENTS, releasePod, type CpuAssignments } from './cpu-manager';
import { resolveEnv } from './env';
import { containerHash } from './hash';
import { LABEL_CONTAINER_HASH, LABEL_CONTAINER_KIND, nextRestartCount, nextSandboxAttempt, observePod } from './observe';
import { computePodActions, imagePullKey, type PodAction } from './pod-actions';
import type { PodApi, PodNetworkPlugin, PodSources, StepTimings } from './pod-sync-ports';
import { gatherSources } from './pod-sync-ports';
import { ProberManager } from './prober-manager';
import { containerGarbage } from './container-gc';
import { podEvents, podRef, type PodEvent, type PodEventRecorder } from './pod-events';
import type { ProbeRunner } from './probe-runner';
import { containerResources } from './resources';
import { generatePodStatus, statusChanged } from './status';
import { deletionGracePeriod } from './changes';
import { DEFAULT_CLUSTER_DNS, nodeResolvConf, podDnsConfig, type ClusterDnsSettings } from './dns-config';
import { evictedStatus } from './eviction';
import type { Container, ObservedPod, Pod, PodStatus, StartFailure } from './types';
import { containerMounts, planVolumes, type VolumePlan } from './volumes';
import type { VolumeHost } from './volume-host';
import type { ContainerDeviceOptions } from './devices/allocation';
import type { ContainerDevices } from './devices/manager';

export const RESYNC_MS = 10_000;
/** After a failed pull, look again a little later so the status moves on from ErrImagePull to ImagePullBackOff. */
const PULL_RETRY_STATUS_MS = 5_000;
/** The kubelet gives a container at least this long after its preStop hook. */
const MIN_GRACE_AFTER_HOOK_SECONDS = 2;

export interface PodSyncerOptions {
  readonly nodeName: string;
  readonly hostIP: string;
  readonly runtime: ContainerRuntime;
  readonly network: PodNetworkPlugin;
  readonly volumes: VolumeHost;
  readonly prober: ProbeRunner;
  readonly api: PodApi;
  /** The current pod object by uid (the informer's view), undefined once it is gone. */
  readonly podByUid: (uid: string) => Pod | undefined;
  readonly nodeCpus: readonly number[];
  readonly nodeAllocatable?: { readonly cpu?: string; readonly memory?: string };
  /** --cluster-dns, --cluster-domain and the node's resolv.conf; default 10.96.0.10, cluster.local, /etc/resolv.conf */
  readonly dns?: ClusterDnsSettings;
  /** Device plugin resources (example.com/gpu): allocated when a container that asks for them starts. */
  readonly devices?: ContainerDevices;
  readonly clock?: () => number;
  readonly onTimings?: (pod: Pod, timings: StepTimings) => void;
  /** Where the pod's Events go (Started, BackOff, Unhealthy…); queued, so a sync never waits on them. */
  readonly events?: PodEventRecorder;
  readonly log?: (line: string) => void;
  /** Asks the pod workers to sync a pod now: a liveness or startup probe failure restarts a container. */
  readonly resync?: (uid: string) => void;
}

interface PodState {
  startFailures: Record<string, StartFailure>;
  /** What the last sync saw, for a status write after a probe result without a sync. */
  observed?: ObservedPod;
  lastStatus?: PodStatus;
  evicted?: PodStatus;
  timings?: StepTimings;
  timingsReported?: boolean;
}

export interface SyncResult {
  /** Sync again after this long (the worker also resyncs on runtime events). */
  readonly requeueAfterMs?: number;
  /** The pod is gone from this node: forget it. */
  readonly done?: boolean;
}

export class PodSyncer {
  readonly backoff = new Backoff();
  private readonly pods = new Map<string, PodState>();
  private readonly inFlight = new Map<string, Promise<void>>();
  private cpus: CpuAssignments = EMPTY_ASSIGNMENTS;
  private readonly clock: () => number;
  private readonly dns: ClusterDnsSettings;
  readonly probes: ProberManager;

  constructor(private readonly o: PodSyncerOptions) {
    this.clock = o.clock ?? Date.now;
    this.dns = o.dns ?? { ...DEFAULT_CLUSTER_DNS, host: nodeResolvConf() };
    this.probes = new ProberManager({
      runner: o.prober,
      onChange: (uid, restart) => (restart ? o.resync?.(uid) : void this.probeResultChanged(uid).catch((e) => o.log?.(`status of pod ${uid} after a probe: ${(e as Error).message}`))),
      onFailure: (p, c, type, output) => this.event(p, podEvents.unhealthy(c.name, type, output)),
      clock: this.clock,
    });
  }

  /** Stops the probes' timers (the containers keep running, as with a kubelet restart). */
  stop(): void {
    this.probes.stop();
  }

  get known(): string[] {
    return [...this.pods.keys()];
  }

  /** Syncs one pod; never at the same time as an eviction of that pod. */
  sync(uid: string): Promise<SyncResult> {
    return this.serially(uid, () => this.syncOnce(uid));
  }

  /**
   * A probe changed a container's ready or started: the status is written again from the pod's
   * last observation, without a sync and its Docker round trips (the kubelet's status manager,
   * SetContainerReadiness). A container that died meanwhile has its own sync coming (PLEG).
   */
  probeResultChanged(uid: string): Promise<void> {
    return this.serially(uid, async () => {
      const pod = this.o.podByUid(uid);
      const st = this.pods.get(uid);
      if (!pod || !st?.observed || st.evicted || pod.metadata?.deletionTimestamp) return;
      await this.writeStatus(pod, st, st.observed, new Set());
    });
  }

  /** Stops a pod under memory pressure and marks it Failed/Evicted; it is not started again. */
  evict(uid: string, message: string): Promise<void> {
    return this.serially(uid, () => this.evictOnce(uid, message));
  }

  // The workers never overlap two syncs of a pod, but the eviction manager and the garbage
  // collector act outside them: a sync that observed the pod before its eviction would write its
  // old phase back over Failed.
  serially<T>(uid: string, fn: () => Promise<T>): Promise<T> {
    const next = (this.inFlight.get(uid) ?? Promise.resolve()).then(fn, fn);
    const settled = next.then(
      () => undefined,
      () => undefined,
    );
    this.inFlight.set(uid, settled);
    void settled.then(() => this.inFlight.get(uid) === settled && this.inFlight.delete(uid));
    return next;
  }

  private async syncOnce(uid: string): Promise<SyncResult> {
    const pod = this.o.podByUid(uid);
    const rt = this.o.runtime;
    // Sandboxes and containers are read together: two Docker round trips at once, not one after the other.
    const [sandboxes, containersAtStart] = await Promise.all([rt.listPodSandboxes({ uid }), this.containers(uid)]);
    if (!pod || pod.spec?.nodeName !== this.o.nodeName) {
      await this.tearDown(uid, sandboxes, 0, pod);
      return { done: true };
    }
    const st = this.state(uid, pod);
    if (pod.metadata?.deletionTimestamp) {
      await this.killPodOrRecord(pod, sandboxes, containersAtStart, deletionGracePeriod(pod));
      await this.tearDown(uid, await rt.listPodSandboxes({ uid }), 0, pod);
      await this.o.api.deletePod(pod, cause(pod));
      return { done: true };
    }
    if (st.evicted) return {};

    const now = this.clock();
    let wake = now + RESYNC_MS;
    const sources = await gatherSources(this.o.api, pod);
    const plans = planVolumes(pod, { podDir: this.o.volumes.podDir(uid), ...sources, hostIP: this.o.hostIP });
    const t0 = this.clock();
    const volumeErrors = (await this.o.volumes.setUp(plans, now)).errors;
    if (st.timings && st.timings.volumesMs === undefined) st.timings.volumesMs = this.clock() - t0;

    let containers = containersAtStart;
    let observed = this.observe(sandboxes, containers, st);
    const actions = volumeErrors.length ? [] : computePodActions(pod, observed, now, this.backoff, this.probes.verdicts(uid));
    if (volumeErrors.length) {
      for (const error of volumeErrors) this.event(pod, podEvents.failedMount(error));
      for (const c of pod.spec?.containers ?? []) st.startFailures[c.name] = { reason: 'CreateContainerConfigError', message: volumeErrors.join('; ') };
      wake = Math.min(wake, now + 2_000);
    }
    const justFailedPulls = new Set<string>();
    let sandboxId = observed.sandbox?.state === 'ready' ? observed.sandbox.id : undefined;
    for (const action of actions) {
      const next = await this.execute(pod, st, action, { sandboxes, containers, plans, sources, sandboxId, justFailedPulls });
      if (next.sandboxId) sandboxId = next.sandboxId;
      if (next.wakeAt !== undefined) wake = Math.min(wake, next.wakeAt);
    }
    if (actions.length > 0) {
      const [sandboxesNow, containersNow] = await Promise.all([rt.listPodSandboxes({ uid }), this.containers(uid)]);
      containers = containersNow;
      observed = this.observe(sandboxesNow, containers, st);
    }

    this.probes.update(pod, observed);
    st.observed = observed;
    // The node-wide GC (once a minute) does the same; here a crash-looping pod's dead instances go at once.
    for (const id of containerGarbage(containers, () => true)) await rt.removeContainer(id).catch(() => undefined);

    await this.writeStatus(pod, st, observed, justFailedPulls);
    return { requeueAfterMs: Math.max(0, wake - this.clock()) };
  }

  private async evictOnce(uid: string, message: string): Promise<void> {
    const pod = this.o.podByUid(uid);
    if (!pod) return;
    const st = this.state(uid, pod);
    const sandboxes = await this.o.runtime.listPodSandboxes({ uid });
    this.probes.removePod(uid);
    await this.killPod(pod, sandboxes, await this.containers(uid), 0);
    this.event(pod, podEvents.evicted(message));
    const evicted = evictedStatus(st.lastStatus ?? pod.status ?? {}, message, this.clock());
    st.evicted = evicted;
    this.o.devices?.release(uid);
    await this.patchStatus(pod, st, evicted);
  }

  private state(uid: string, pod: Pod): PodState {
    let st = this.pods.get(uid);
    if (!st) {
      st = { startFailures: {}, ...(pod.status?.containerStatuses?.length ? {} : { timings: { firstSyncAt: this.clock() } }) };
      this.pods.set(uid, st);
    }
    return st;
  }

  private observe(sandboxes: readonly PodSandbox[], containers: readonly RuntimeContainerStatus[], st: PodState): ObservedPod {
    const ready = sandboxes.filter((s) => s.state === 'ready').sort((a, b) => b.attempt - a.attempt)[0];
    return observePod(sandboxes, containers, ready ? this.o.network.podIP(ready.id) : undefined, st.startFailures);
  }

  private async containers(uid: string): Promise<RuntimeContainerStatus[]> {
    const list = await this.o.runtime.listContainers({ podUid: uid });
    const statuses = await Promise.all(list.map((c) => this.o.runtime.containerStatus(c.id)));
    return statuses.filter((s): s is RuntimeContainerStatus => s !== undefined);
  }

  private async execute(pod: Pod, st: PodState, action: PodAction, ctx: ExecContext): Promise<{ sandboxId?: string; wakeAt?: number }> {
    const now = this.clock();
    switch (action.type) {
      case 'killPod':
        if (action.reason === 'SandboxChanged') this.event(pod, podEvents.sandboxChanged());
        await this.killPodOrRecord(pod, ctx.sandboxes, ctx.containers, action.gracePeriod);
        return {};
      case 'killContainer': {
        const c = ctx.containers.find((x) => x.id === action.id);
        if (c) await this.killContainer(pod, c, action.gracePeriod, action.message);
        return {};
      }
      case 'createSandbox':
        try {
          return { sandboxId: await this.createSandbox(pod, st, ctx.sandboxes) };
        } catch (e) {
          this.event(pod, podEvents.sandboxFailed((e as Error).message));
          throw e;
        }
      case 'recordBackOff':
        this.backoff.next(action.key, action.at);
        return {};
      case 'startInit':
      case 'startContainers': {
        if (!ctx.sandboxId) return { wakeAt: now + 1_000 };
        const names = action.type === 'startInit' ? [action.name] : action.names;
        const specs = action.type === 'startInit' ? (pod.spec?.initContainers ?? []) : (pod.spec?.containers ?? []);
        const t0 = this.clock();
        const waits = await Promise.all(names.map((n) => this.startContainer(pod, st, specs.find((c) => c.name === n)!, action.type === 'startInit' ? 'init' : 'app', ctx)));
        if (action.type === 'startContainers' && st.timings && st.timings.containersMs === undefined) st.timings.containersMs = this.clock() - t0;
        const wakeAt = waits.filter((w): w is number => w !== undefined);
        return wakeAt.length ? { wakeAt: Math.min(...wakeAt) } : {};
      }
      case 'backOff':
        if (action.reason === 'CrashLoopBackOff') this.event(pod, podEvents.crashLoopBackOff(pod, action.name));
        else this.backOffPullEvents(pod, action.name);
        return { wakeAt: action.retryAt };
      default:
        return action satisfies never;
    }
  }

  private async createSandbox(pod: Pod, st: PodState, sandboxes: readonly PodSandbox[]): Promise<string> {
    const rt = this.o.runtime;
    const uid = pod.metadata!.uid!;
    // An old sandbox is unwired before a new one gets an address from the same pool.
    for (const s of sandboxes) if (s.state === 'ready') await this.stopSandbox(s.id);
    const t0 = this.clock();
    const portMappings: PortMapping[] = (pod.spec?.containers ?? []).flatMap((c) => (c.ports ?? []).filter((p) => p.hostPort).map((p) => ({ hostPort: p.hostPort!, containerPort: p.containerPort, protocol: (p.protocol ?? 'TCP') as PortMapping['protocol'], ...(p.hostIP ? { hostIP: p.hostIP } : {}) })));
    const id = await rt.runPodSandbox({
      uid,
      name: pod.metadata!.name!,
      namespace: pod.metadata!.namespace ?? 'default',
      node: this.o.nodeName,
      hostname: pod.spec?.hostname ?? pod.metadata!.name!,
      attempt: nextSandboxAttempt(sandboxes),
      portMappings,
      // The sandbox's resolv.conf; app containers joining its network namespace share it.
      dns: podDnsConfig(pod, this.dns),
    });
    const t1 = this.clock();
    const status = await rt.podSandboxStatus(id);
    try {
      await this.o.network.setUp(id, `/proc/${status?.pid}/ns/net`, portMappings);
    } catch (e) {
      await rt.stopPodSandbox(id).catch(() => undefined);
      throw e;
    }
    if (st.timings && st.timings.sandboxMs === undefined) Object.assign(st.timings, { sandboxMs: t1 - t0, cniMs: this.clock() - t1 });
    return id;
  }

  /** Creates and starts one container; returns when to look again if it could not. */
  private async startContainer(pod: Pod, st: PodState, spec: Container, kind: 'init' | 'app', ctx: ExecContext): Promise<number | undefined> {
    const rt = this.o.runtime;
    const now = this.clock();
    const image = spec.image ?? '';
    const fail = (reason: StartFailure['reason'], message: string, retryMs = 2_000) => {
      st.startFailures[spec.name] = { reason, message };
      // Image failures are reported by name ("Error: ErrImagePull"), the others by their message.
      this.event(pod, podEvents.failed(spec.name, IMAGE_FAILURES.has(reason) ? reason : message));
      return now + retryMs;
    };
    if (await rt.imageStatus(image)) this.event(pod, podEvents.imagePresent(spec.name, image));
    else {
      if (spec.imagePullPolicy === 'Never') {
        this.event(pod, podEvents.imageNeverPull(spec.name, image));
        return fail('ErrImageNeverPull', `Container image "${image}" is not present with pull policy of Never`);
      }
      this.event(pod, podEvents.pulling(spec.name, image));
      try {
        await rt.pullImage(image);
        this.event(pod, podEvents.pulled(spec.name, image, this.clock() - now));
      } catch (e) {
        const key = imagePullKey(pod, image);
        this.backoff.next(key, now);
        ctx.justFailedPulls.add(key);
        this.event(pod, podEvents.pullFailed(spec.name, image, (e as Error).message));
        return fail('ErrImagePull', (e as Error).message, PULL_RETRY_STATUS_MS);
      }
    }
    const env = resolveEnv(pod, spec, { ...ctx.sources, podIP: ctx.sandboxId ? this.o.network.podIP(ctx.sandboxId) : undefined, hostIP: this.o.hostIP, nodeAllocatable: this.o.nodeAllocatable });
    if (!env.ok) return fail(env.reason, env.message);
    let devices: ContainerDeviceOptions | undefined;
    try {
      devices = await this.o.devices?.allocate(pod, spec);
    } catch (e) {
      return fail('CreateContainerConfigError', `Allocate failed: ${(e as Error).message}`);
    }
    const exclusive = this.cpuset(pod, spec);
    const r = containerResources(spec, exclusive);
    const sc = spec.securityContext ?? {};
    const user = sc.runAsUser !== undefined ? `${sc.runAsUser}${sc.runAsGroup !== undefined ? `:${sc.runAsGroup}` : ''}` : undefined;
    const config: ContainerConfig = {
      name: spec.name,
      image,
      ...(spec.command ? { command: spec.command } : {}),
      ...(spec.args ? { args: spec.args } : {}),
      env: devices ? [...env.env, ...Object.entries(devices.envs).map(([name, value]) => ({ name, value }))] : env.env,
      ...(spec.workingDir ? { workingDir: spec.workingDir } : {}),
      mounts: [...containerMounts(spec, ctx.plans), ...(devices?.mounts ?? [])],
      labels: { [LABEL_CONTAINER_HASH]: containerHash(spec), [LABEL_CONTAINER_KIND]: kind },
      restartCount: nextRestartCount(ctx.containers, spec.name),
      resources: { cpuShares: r.cpuShares, ...(r.cpuQuota ? { cpuQuota: r.cpuQuota, cpuPeriod: r.cpuPeriod } : {}), ...(r.memoryLimit ? { memoryLimitBytes: r.memoryLimit } : {}), ...(r.cpusetCpus ? { cpusetCpus: r.cpusetCpus } : {}) },
      tty: spec.tty ?? false,
      stdin: spec.stdin ?? false,
      ...(user ? { user } : {}),
      ...(sc.privileged ? { privileged: true } : {}),
      ...(devices ? { devices: devices.devices, annotations: devices.annotations } : {}),
    };
    let id: string;
    try {
      id = await rt.createContainer(ctx.sandboxId!, config);
    } catch (e) {
      return fail('CreateContainerError', (e as Error).message);
    }
    this.event(pod, podEvents.created(spec.name));
    try {
      await rt.startContainer(id);
    } catch (e) {
      return fail('RunContainerError', (e as Error).message);
    }
    this.event(pod, podEvents.started(spec.name));
    delete st.startFailures[spec.name];
    const postStart = spec.lifecycle?.postStart?.exec?.command;
    if (postStart) await rt.execSync(id, postStart, 30).catch(() => undefined);
    return undefined;
  }

  /** Exclusive CPUs for a Guaranteed container with whole CPUs (static CPU manager); others share. */
  private cpuset(pod: Pod, spec: Container): number[] | undefined {
    const allocation = allocatePod(this.cpus, pod, this.o.nodeCpus);
    if (!allocation.ok) return undefined;
    this.cpus = allocation.state;
    const mine = this.cpus.exclusive[`${pod.metadata?.uid}/${spec.name}`];
    return mine ? [...mine] : undefined;
  }

  /** The kubelet reports a pod it could not stop (FailedKillPod) and tries again on the next sync. */
  private async killPodOrRecord(pod: Pod, sandboxes: readonly PodSandbox[], containers: readonly RuntimeContainerStatus[], gracePeriod: number): Promise<void> {
    try {
      await this.killPod(pod, sandboxes, containers, gracePeriod);
    } catch (e) {
      this.event(pod, podEvents.killPodFailed((e as Error).message));
      throw e;
    }
  }

  private async killPod(pod: Pod, sandboxes: readonly PodSandbox[], containers: readonly RuntimeContainerStatus[], gracePeriod: number): Promise<void> {
    const live = containers.filter((c) => c.state === 'running' || c.state === 'created' || c.state === 'unknown');
    await Promise.all(live.map((c) => this.killContainer(pod, c, gracePeriod)));
    for (const s of sandboxes) if (s.state === 'ready') await this.stopSandbox(s.id);
  }

  /** preStop hook (bounded by the grace period), then SIGTERM and SIGKILL when the rest runs out. */
  private async killContainer(pod: Pod, c: RuntimeContainerStatus, gracePeriod: number, message?: string): Promise<void> {
    const spec = containerSpec(pod, c.name);
    if (spec) this.event(pod, podEvents.killing(spec.name, message));
    const preStop = spec?.lifecycle?.preStop;
    let grace = gracePeriod;
    if (preStop && c.state === 'running' && gracePeriod > 0) {
      const t0 = this.clock();
      const hook = preStop.exec?.command
        ? this.o.runtime.execSync(c.id, preStop.exec.command, gracePeriod)
        : preStop.httpGet
          ? this.o.prober.run({ kind: 'httpGet', url: `${(preStop.httpGet.scheme ?? 'HTTP').toLowerCase()}://${preStop.httpGet.host || this.o.network.podIP(c.sandboxId)}:${preStop.httpGet.port}${preStop.httpGet.path ?? '/'}`, headers: [], timeoutSeconds: gracePeriod }, c.id)
          : preStop.sleep
            ? new Promise((r) => setTimeout(r, Math.min(preStop.sleep!.seconds, gracePeriod) * 1000))
            : Promise.resolve();
      await Promise.race([hook.catch(() => undefined), new Promise((r) => setTimeout(r, gracePeriod * 1000))]);
      grace = Math.max(MIN_GRACE_AFTER_HOOK_SECONDS, gracePeriod - Math.round((this.clock() - t0) / 1000));
    }
    await this.o.runtime.stopContainer(c.id, grace);
  }

  private backOffPullEvents(pod: Pod, name: string): void {
    const image = containerSpec(pod, name)?.image ?? '';
    this.event(pod, podEvents.pullBackOff(name, image));
    this.event(pod, podEvents.failed(name, 'ImagePullBackOff'));
  }

  private event(pod: Pod, e: PodEvent): void {
    this.o.events?.record(podRef(pod, e.container), e.type, e.reason, e.message);
  }

  private async stopSandbox(id: string): Promise<void> {
    const status = await this.o.runtime.podSandboxStatus(id);
    await this.o.network.tearDown(id, status?.pid ? `/proc/${status.pid}/ns/net` : undefined).catch((e) => this.o.log?.(`CNI DEL for ${id} failed: ${(e as Error).message}`));
    await this.o.runtime.stopPodSandbox(id);
  }

  /** Removes everything the pod had on this node. Idempotent. */
  private async tearDown(uid: string, sandboxes: readonly PodSandbox[], gracePeriod: number, pod: Pod | undefined): Promise<void> {
    const containers = await this.containers(uid);
    if (!pod && containers.some((c) => c.state === 'running')) await Promise.all(containers.filter((c) => c.state === 'running').map((c) => this.o.runtime.stopContainer(c.id, gracePeriod)));
    for (const s of sandboxes) {
      if (s.state === 'ready') await this.stopSandbox(s.id);
      else await this.o.network.tearDown(s.id).catch(() => undefined);
      await this.o.runtime.removePodSandbox(s.id);
    }
    for (const c of await this.o.runtime.listContainers({ podUid: uid })) await this.o.runtime.removeContainer(c.id);
    await this.o.volumes.tearDown(uid);
    this.cpus = releasePod(this.cpus, uid);
    this.o.devices?.release(uid);
    this.probes.removePod(uid);
    this.pods.delete(uid);
  }

  private async writeStatus(pod: Pod, st: PodState, observed: ObservedPod, justFailedPulls: ReadonlySet<string>): Promise<void> {
    const base = st.lastStatus ?? pod.status ?? {};
    // The sync that saw a pull fail reports ErrImagePull; later ones report the back-off.
    const view: BackoffView = { shouldWait: (k, now, since) => !justFailedPulls.has(k) && this.backoff.shouldWait(k, now, since), delayMs: (k) => this.backoff.delayMs(k) };
    const next = generatePodStatus(pod, observed, this.probes.statuses(pod.metadata!.uid!, observed), view, this.clock(), base, { hostIP: this.o.hostIP });
    // A finished pod's devices go back to the pool (the kubelet frees them for inactive pods).
    if (next.phase === 'Succeeded' || next.phase === 'Failed') this.o.devices?.release(pod.metadata!.uid!);
    if (!statusChanged(base, next)) return;
    const t0 = this.clock();
    await this.patchStatus(pod, st, next);
    if (st.timings && !st.timingsReported && next.phase === 'Running') {
      st.timings.statusMs = this.clock() - t0;
      st.timings.runningAt = this.clock();
      st.timingsReported = true;
      this.o.onTimings?.(pod, st.timings);
    }
  }

  private async patchStatus(pod: Pod, st: PodState, next: PodStatus): Promise<void> {
    // A merge patch only sets what it names: fields the new status lacks are nulled.
    const patch: Record<string, unknown> = { ...next };
    for (const k of Object.keys(pod.status ?? {})) if (!(k in next)) patch[k] = null;
    try {
      await this.o.api.patchStatus(pod, patch as PodStatus, cause(pod));
      st.lastStatus = next;
    } catch (e) {
      if ((e as { code?: number }).code !== 404) throw e;
    }
  }
}

interface ExecContext {
  readonly sandboxes: readonly PodSandbox[];
  readonly containers: readonly RuntimeContainerStatus[];
  readonly plans: readonly VolumePlan[];
  readonly sources: PodSources;
  readonly sandboxId?: string;
  readonly justFailedPulls: Set<string>;
}

const containerSpec = (pod: Pod, name: string): Container | undefined => [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])].find((c) => c.name === name);

const IMAGE_FAILURES: ReadonlySet<StartFailure['reason']> = new Set(['ErrImagePull', 'ImagePullBackOff', 'ErrImageNeverPull', 'InvalidImageName']);

const cause = (pod: Pod): number | undefined => {
  const rv = Number(pod.metadata?.resourceVersion);
  return Number.isFinite(rv) && rv > 0 ? rv : undefined;
};
