// The node's probes, after the kubelet's prober manager (pkg/kubelet/prober/prober_manager.go,
// worker.go): every probe of a running container instance runs on its own timer, every
// periodSeconds, outside the pod workers' sync slots, so 50 probes due at once never queue
// behind pod starts (nor starts behind probes). Results are kept here; only when one changes
// what the pod shows (ready, started, a liveness/startup failure that wants a restart) is the
// pod's owner told, as the kubelet's results managers tell the status manager and the sync loop.
// The bookkeeping per container (thresholds, startup gating) is the pure ContainerProber.
import type { ProbeVerdicts } from './changes';
import { containerID, type ProbeStatuses } from './container-statuses';
import { probeAction } from './probe-actions';
import type { ProbeOutcome } from './probe-runner';
import type { ProbeAction } from './probe-actions';
import { ContainerProber, probeOf, type ProbeType } from './probes';
import type { Container, ObservedPod, Pod } from './types';

const PROBE_TYPES = ['startup', 'liveness', 'readiness'] as const;

export interface ProbeExecutor {
  run(action: ProbeAction, containerId: string): Promise<ProbeOutcome>;
}

/** setTimeout/clearTimeout, replaceable in tests. Timers are unref'd: probes never keep a process alive. */
export interface ProbeTimers {
  set(fn: () => void, delayMs: number): unknown;
  clear(handle: unknown): void;
}

const realTimers: ProbeTimers = {
  set: (fn, ms) => setTimeout(fn, ms).unref(),
  clear: (h) => clearTimeout(h as NodeJS.Timeout),
};

export interface ProberManagerOptions {
  readonly runner: ProbeExecutor;
  /** A result changed what the pod shows (a key, never the result); `restart`: a liveness or startup failure took effect. */
  readonly onChange: (uid: string, restart: boolean) => void;
  /** Every failed run, for the kubelet's Unhealthy event (each time, not only at the threshold). */
  readonly onFailure?: (pod: Pod, container: Container, type: ProbeType, output: string) => void;
  readonly clock?: () => number;
  readonly timers?: ProbeTimers;
}

/** The probes of one container instance: one timer per probe type, the shared state in `prober`. */
class ContainerWorker {
  prober: ContainerProber;
  private readonly timers = new Map<ProbeType, unknown>();
  private readonly running = new Set<ProbeType>();
  private stopped = false;

  constructor(
    readonly id: string,
    readonly spec: Container,
    startedAt: number,
    public pod: Pod,
    public podIP: string,
    private readonly m: Required<ProberManagerOptions>,
  ) {
    const known = pod.status?.containerStatuses?.find((s) => s.containerID === containerID(id));
    this.prober = ContainerProber.start(spec, startedAt, { ready: known?.ready, started: known?.started });
  }

  /** Arms a timer for every probe type that may run and has none armed or running. */
  schedule(): void {
    for (const type of PROBE_TYPES) {
      if (this.stopped || this.timers.has(type) || this.running.has(type)) continue;
      const due = this.prober.probeDue(type);
      if (due === undefined) continue;
      this.timers.set(type, this.m.timers.set(() => void this.fire(type), Math.max(0, due - this.m.clock())));
    }
  }

  stop(): void {
    this.stopped = true;
    for (const h of this.timers.values()) this.m.timers.clear(h);
    this.timers.clear();
  }

  private async fire(type: ProbeType): Promise<void> {
    this.timers.delete(type);
    const startedAt = this.m.clock();
    const due = this.prober.probeDue(type);
    if (this.stopped || due === undefined || due > startedAt) return this.schedule();
    this.running.add(type);
    const outcome = await this.m.runner.run(probeAction(probeOf(this.spec, type)!, this.spec, this.podIP), this.id).catch((e: Error): ProbeOutcome => ({ result: 'failure', output: e.message }));
    this.running.delete(type);
    if (this.stopped) return;
    if (outcome.result === 'failure') this.m.onFailure(this.pod, this.spec, type, outcome.output ?? '');
    const before = shown(this.prober);
    // The period counts from the start of a run, as the kubelet's ticker does.
    this.prober = this.prober.record(type, outcome.result, startedAt).prober;
    if (shown(this.prober) !== before) this.m.onChange(this.pod.metadata!.uid!, this.prober.failed !== undefined);
    this.schedule();
  }
}

/** What a pod's status or actions read from a prober: a change of this asks for a sync. */
const shown = (p: ContainerProber) => `${p.ready}/${p.started}/${p.failed ?? ''}`;

export class ProberManager {
  /** uid → container id → worker */
  private readonly pods = new Map<string, Map<string, ContainerWorker>>();
  private readonly m: Required<ProberManagerOptions>;

  constructor(o: ProberManagerOptions) {
    this.m = { onFailure: () => undefined, clock: Date.now, timers: realTimers, ...o };
  }

  /**
   * The sync tells what it observed: running containers with probes get a worker (a restarted
   * container a fresh one, as in the kubelet), workers of containers no longer running stop.
   */
  update(pod: Pod, observed: ObservedPod): void {
    const uid = pod.metadata!.uid!;
    const specs: Container[] = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])];
    const workers = this.pods.get(uid) ?? new Map<string, ContainerWorker>();
    const running = new Set<string>();
    for (const c of observed.containers) {
      const spec = specs.find((s) => s.name === c.name);
      if (c.state !== 'running' || !spec || !(spec.livenessProbe || spec.readinessProbe || spec.startupProbe)) continue;
      running.add(c.id);
      const w = workers.get(c.id) ?? new ContainerWorker(c.id, spec, c.startedAt ?? this.m.clock(), pod, observed.sandbox?.ip ?? '', this.m);
      w.pod = pod;
      w.podIP = observed.sandbox?.ip ?? w.podIP;
      workers.set(c.id, w);
      w.schedule();
    }
    for (const [id, w] of workers) if (!running.has(id)) (w.stop(), workers.delete(id));
    if (workers.size) this.pods.set(uid, workers);
    else this.pods.delete(uid);
  }

  removePod(uid: string): void {
    for (const w of this.pods.get(uid)?.values() ?? []) w.stop();
    this.pods.delete(uid);
  }

  verdicts(uid: string): ProbeVerdicts {
    return Object.fromEntries([...(this.pods.get(uid)?.values() ?? [])].map((w) => [w.id, { ...(w.prober.failed ? { failed: w.prober.failed as 'liveness' | 'startup' } : {}), started: w.prober.started }]));
  }

  statuses(uid: string, observed: ObservedPod): ProbeStatuses {
    const workers = this.pods.get(uid);
    return Object.fromEntries(observed.containers.flatMap((c) => {
      const w = workers?.get(c.id);
      return w ? [[c.id, { started: w.prober.started, ready: w.prober.ready }]] : [];
    }));
  }

  /** How many container instances are being probed (for the agent's debug page and tests). */
  get size(): number {
    let n = 0;
    for (const workers of this.pods.values()) n += workers.size;
    return n;
  }

  stop(): void {
    for (const uid of [...this.pods.keys()]) this.removePod(uid);
  }
}
