import { ContainerProber, initialProbeState, recordProbeResult } from './probes';
import { T0, container } from './testing';
import type { Probe } from './types';

const exec: Probe = { exec: { command: ['check'] } };
const s = (n: number) => T0 + n * 1000;

describe('probe thresholds', () => {
  it.each([
    ['liveness stays healthy until failureThreshold failures in a row', 'liveness', { failureThreshold: 3 }, ['failure', 'failure'], 'success'],
    ['liveness flips on the third failure', 'liveness', { failureThreshold: 3 }, ['failure', 'failure', 'failure'], 'failure'],
    ['a success in between restarts the count', 'liveness', { failureThreshold: 2 }, ['failure', 'success', 'failure'], 'success'],
    ['readiness starts as not ready', 'readiness', {}, [], 'failure'],
    ['readiness needs successThreshold successes', 'readiness', { successThreshold: 2 }, ['success'], 'failure'],
    ['readiness becomes ready on the second success', 'readiness', { successThreshold: 2 }, ['success', 'success'], 'success'],
    ['startup is unknown until it succeeds', 'startup', {}, [], 'unknown'],
  ] as const)('%s', (_name, type, spec, results, expected) => {
    let state = initialProbeState(type);
    results.forEach((r, i) => (state = recordProbeResult({ ...exec, ...spec }, state, r, s(i))));
    expect(state.result).toBe(expected);
  });
});

describe('ContainerProber', () => {
  it('has nothing to probe for a container without probes, and counts it started and ready', () => {
    const p = ContainerProber.start(container('app'), T0);
    expect([p.nextProbeDue(), p.started, p.ready]).toEqual([undefined, true, true]);
  });

  it('waits initialDelaySeconds before the first probe, then every periodSeconds', () => {
    let p = ContainerProber.start(container('app', { readinessProbe: { ...exec, initialDelaySeconds: 5, periodSeconds: 3 } }), T0);
    expect(p.nextProbeDue()).toBe(s(5));
    expect(p.dueAt(s(4))).toEqual([]);
    const out = p.record('readiness', 'success', s(5));
    p = out.prober;
    expect(out.ready).toBe(true);
    expect(p.nextProbeDue()).toBe(s(8));
  });

  it('runs only the startup probe until it succeeds, then liveness and readiness', () => {
    let p = ContainerProber.start(container('app', { startupProbe: exec, livenessProbe: exec, readinessProbe: exec }), T0);
    expect(p.dueAt(s(0))).toEqual(['startup']);
    const out = p.record('startup', 'success', s(0));
    p = out.prober;
    expect(out).toMatchObject({ started: true, ready: false });
    expect(p.dueAt(s(0))).toEqual(['liveness', 'readiness']);
  });

  it('asks for a restart when liveness fails failureThreshold times, then stops probing', () => {
    let p = ContainerProber.start(container('app', { livenessProbe: { ...exec, failureThreshold: 2 } }), T0);
    const first = p.record('liveness', 'failure', s(0));
    expect(first.restart).toBeUndefined();
    const second = first.prober.record('liveness', 'failure', s(10));
    p = second.prober;
    expect([second.restart, p.failed, p.nextProbeDue()]).toEqual([true, 'liveness', undefined]);
  });

  it('asks for a restart when the startup probe keeps failing', () => {
    let p = ContainerProber.start(container('app', { startupProbe: { ...exec, failureThreshold: 1 } }), T0);
    const out = p.record('startup', 'failure', s(0));
    p = out.prober;
    expect([out.restart, p.failed]).toEqual([true, 'startup']);
  });

  it('turns not ready again when readiness fails, without a restart', () => {
    const p = ContainerProber.start(container('app', { readinessProbe: { ...exec, failureThreshold: 1 } }), T0);
    const ok = p.record('readiness', 'success', s(0)).prober;
    const out = ok.record('readiness', 'failure', s(10));
    expect([out.ready, out.restart, out.prober.nextProbeDue()]).toEqual([false, undefined, s(20)]);
  });
});
