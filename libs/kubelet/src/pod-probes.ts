// The probers of one pod's running containers, one ContainerProber per container instance
// (a restarted container gets fresh ones, as in the kubelet), run when due.
import { ContainerProber, probeOf, type ProbeType } from './probes';
import { probeAction } from './probe-actions';
import type { ProbeRunner } from './probe-runner';
import type { ProbeStatuses } from './container-statuses';
import type { ProbeVerdicts } from './changes';
import type { Container, ObservedPod, Pod } from './types';

export class PodProbes {
  private readonly probers = new Map<string, ContainerProber>();

  constructor(
    private readonly runner: ProbeRunner,
    /** Every failed probe run, for the kubelet's Unhealthy event (reported each time, not only at the threshold). */
    private readonly onFailure?: (pod: Pod, container: Container, type: ProbeType, output: string) => void,
  ) {}

  /** Runs every probe that is due; returns when the next one is due, if any. */
  async run(pod: Pod, observed: ObservedPod, now: number): Promise<number | undefined> {
    const specs: Container[] = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])];
    const running = observed.containers.filter((c) => c.state === 'running');
    for (const id of [...this.probers.keys()]) if (!running.some((c) => c.id === id)) this.probers.delete(id);
    const podIP = observed.sandbox?.ip ?? '';
    let next: number | undefined;
    await Promise.all(
      running.map(async (c) => {
        const spec = specs.find((s) => s.name === c.name);
        if (!spec || !(spec.livenessProbe || spec.readinessProbe || spec.startupProbe)) return;
        let prober = this.probers.get(c.id) ?? ContainerProber.start(spec, c.startedAt ?? now);
        for (const type of prober.dueAt(now)) {
          const outcome = await this.runner.run(probeAction(probeOf(spec, type)!, spec, podIP), c.id);
          if (outcome.result === 'failure') this.onFailure?.(pod, spec, type, outcome.output ?? '');
          prober = prober.record(type, outcome.result, now).prober;
        }
        this.probers.set(c.id, prober);
        const due = prober.nextProbeDue();
        if (due !== undefined) next = next === undefined ? due : Math.min(next, due);
      }),
    );
    return next;
  }

  verdicts(): ProbeVerdicts {
    return Object.fromEntries([...this.probers].map(([id, p]) => [id, { ...(p.failed ? { failed: p.failed as 'liveness' | 'startup' } : {}), started: p.started }]));
  }

  statuses(observed: ObservedPod): ProbeStatuses {
    return Object.fromEntries(observed.containers.filter((c) => this.probers.has(c.id)).map((c) => [c.id, { started: this.probers.get(c.id)!.started, ready: this.probers.get(c.id)!.ready }]));
  }

  /** A liveness or startup failure took effect: sync again now so the container is restarted. */
  restartWanted(observed: ObservedPod): boolean {
    return observed.containers.some((c) => c.state === 'running' && this.probers.get(c.id)?.failed !== undefined);
  }
}
