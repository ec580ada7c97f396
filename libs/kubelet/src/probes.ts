// Probe bookkeeping as a pure state machine, after the kubelet's prober worker
// (pkg/kubelet/prober/worker.go): one tracker per container and probe type.
//
// Rules it keeps:
// * nothing is probed before initialDelaySeconds after the container started;
// * while a startup probe has not succeeded, liveness and readiness are not run;
//   once it succeeded the startup probe stops;
// * a result only takes effect after `successThreshold` equal results in a row
//   (`failureThreshold` for failures), e.g. failureThreshold 3: fail, fail → still the
//   old result; the third fail flips it;
// * a liveness or startup failure that takes effect asks for a restart and puts the
//   tracker on hold: it does not probe again (the next container instance gets new trackers).
import type { Container, Probe } from './types';

export type ProbeType = 'liveness' | 'readiness' | 'startup';
export type ProbeResult = 'success' | 'failure';

export const PROBE_DEFAULTS = { initialDelaySeconds: 0, periodSeconds: 10, timeoutSeconds: 1, successThreshold: 1, failureThreshold: 3 } as const;

export interface ProbeState {
  readonly type: ProbeType;
  /** What the container's status reflects: liveness starts "success", readiness "failure", startup "unknown". */
  readonly result: ProbeResult | 'unknown';
  readonly lastResult?: ProbeResult;
  /** How many times in a row `lastResult` came back. */
  readonly resultRun: number;
  readonly lastProbeAt?: number;
  readonly onHold: boolean;
}

export function initialProbeState(type: ProbeType): ProbeState {
  const result = type === 'liveness' ? 'success' : type === 'readiness' ? 'failure' : 'unknown';
  return { type, result, resultRun: 0, onHold: false };
}

const specOf = (p: Probe) => ({ ...PROBE_DEFAULTS, ...stripUndefined(p) });
function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Folds one probe outcome into the state: thresholds decide whether `result` changes. */
export function recordProbeResult(probe: Probe, state: ProbeState, result: ProbeResult, now: number): ProbeState {
  const spec = specOf(probe);
  const resultRun = state.lastResult === result ? state.resultRun + 1 : 1;
  const threshold = result === 'failure' ? spec.failureThreshold : spec.successThreshold;
  const base = { ...state, lastResult: result, resultRun, lastProbeAt: now };
  if (resultRun < threshold) return base;
  const holds = result === 'failure' && state.type !== 'readiness';
  return { ...base, result, onHold: holds, resultRun: holds ? 0 : resultRun };
}

export interface ProbeCallbacks {
  readonly ready?: boolean;
  readonly restart?: boolean;
  readonly started?: boolean;
}

/** The probes of one container instance (one container id): gating and due times together. */
export class ContainerProber {
  private constructor(
    readonly container: Container,
    /** Epoch ms the container instance started running. */
    readonly startedAt: number,
    readonly states: Readonly<Partial<Record<ProbeType, ProbeState>>>,
  ) {}

  /**
   * `known`: what the pod's status already says of this very instance (an agent that restarted
   * finds its containers running): a container reported ready stays ready until its probes say
   * otherwise, rather than flapping to not-ready until the first probe has run again.
   */
  static start(container: Container, startedAt: number, known: { readonly ready?: boolean; readonly started?: boolean } = {}): ContainerProber {
    const states: Partial<Record<ProbeType, ProbeState>> = {};
    for (const type of ['liveness', 'readiness', 'startup'] as const) if (probeOf(container, type)) states[type] = initialProbeState(type);
    if (states.startup && (known.started || known.ready)) states.startup = { ...states.startup, result: 'success' };
    if (states.readiness && known.ready) states.readiness = { ...states.readiness, result: 'success' };
    return new ContainerProber(container, startedAt, states);
  }

  /** Without a startup probe a running container counts as started. */
  get started(): boolean {
    const s = this.states.startup;
    return !s || s.result === 'success';
  }

  /** Ready needs started and a readiness result of success (or no readiness probe). */
  get ready(): boolean {
    const r = this.states.readiness;
    return this.started && (!r || r.result === 'success');
  }

  /** A liveness or startup failure has taken effect: the container should be restarted. */
  get failed(): ProbeType | undefined {
    if (this.states.startup?.result === 'failure') return 'startup';
    if (this.states.liveness?.result === 'failure') return 'liveness';
    return undefined;
  }

  /** When the given probe should run next (epoch ms), or undefined when it must not run. */
  probeDue(type: ProbeType): number | undefined {
    const state = this.states[type];
    const probe = probeOf(this.container, type);
    if (!state || !probe || state.onHold) return undefined;
    if (type === 'startup' ? this.started : !this.started) return undefined;
    const spec = specOf(probe);
    if (state.lastProbeAt === undefined) return this.startedAt + spec.initialDelaySeconds * 1000;
    return state.lastProbeAt + spec.periodSeconds * 1000;
  }

  /** The earliest time any probe of this container is due, for the agent's timer. */
  nextProbeDue(): number | undefined {
    const due = (['startup', 'liveness', 'readiness'] as const).map((t) => this.probeDue(t)).filter((t): t is number => t !== undefined);
    return due.length ? Math.min(...due) : undefined;
  }

  /** The probes to run at `now`. */
  dueAt(now: number): ProbeType[] {
    return (['startup', 'liveness', 'readiness'] as const).filter((t) => {
      const due = this.probeDue(t);
      return due !== undefined && due <= now;
    });
  }

  record(type: ProbeType, result: ProbeResult, now: number): { prober: ContainerProber } & ProbeCallbacks {
    const state = this.states[type];
    const probe = probeOf(this.container, type);
    if (!state || !probe) return { prober: this };
    const next = recordProbeResult(probe, state, result, now);
    const prober = new ContainerProber(this.container, this.startedAt, { ...this.states, [type]: next });
    switch (type) {
      case 'readiness':
        return { prober, ready: prober.ready };
      case 'liveness':
        return next.result === 'failure' ? { prober, restart: true } : { prober };
      case 'startup':
        if (next.result === 'failure') return { prober, restart: true, started: false };
        return { prober, started: prober.started, ready: prober.ready };
      default: {
        const never: never = type;
        return never;
      }
    }
  }
}

export function probeOf(container: Container, type: ProbeType): Probe | undefined {
  switch (type) {
    case 'liveness':
      return container.livenessProbe;
    case 'readiness':
      return container.readinessProbe;
    case 'startup':
      return container.startupProbe;
    default: {
      const never: never = type;
      return never;
    }
  }
}
