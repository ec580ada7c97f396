// ProberManager with a manual clock and timer queue: probes run on their own periods, outside
// any sync, and the pod is asked for a sync only when what it shows changes.
import { ProberManager, type ProbeTimers } from './prober-manager';
import type { ProbeAction } from './probe-actions';
import type { ProbeResult } from './probes';
import { container, makePod, observed, observedOf, T0 } from './testing';
import type { Container, ObservedPod, Pod } from './types';

function setup(spec: Container) {
  let now = T0;
  type Timer = { at: number; fn: () => void; seq: number };
  const queue: Timer[] = [];
  let seq = 0;
  const timers: ProbeTimers = {
    set: (fn, ms) => {
      const t = { at: now + ms, fn, seq: seq++ };
      queue.push(t);
      return t;
    },
    clear: (h) => {
      const i = queue.indexOf(h as Timer);
      if (i >= 0) queue.splice(i, 1);
    },
  };
  const runs: string[] = [];
  let answer: (type: string) => ProbeResult = () => 'success';
  const synced: string[] = [];
  const failures: string[] = [];
  const manager = new ProberManager({
    runner: {
      run: async (action: ProbeAction) => {
        const type = action.kind === 'exec' ? action.command[0] : action.kind;
        runs.push(`${(now - T0) / 1000}s ${type}`);
        return { result: answer(type), output: `${type} said no` };
      },
    },
    onChange: (uid, restart) => void synced.push(restart ? `${uid} restart` : uid),
    onFailure: (_p, c, type, output) => void failures.push(`${c.name} ${type}: ${output}`),
    clock: () => now,
    timers,
  });
  const pod: Pod = makePod({ containers: [spec] });
  /** Moves the clock on, firing due timers in order and letting each probe finish. */
  const advance = async (ms: number) => {
    const end = now + ms;
    for (;;) {
      await new Promise((r) => setImmediate(r));
      queue.sort((a, b) => a.at - b.at || a.seq - b.seq);
      if (!queue.length || queue[0].at > end) break;
      const t = queue.shift()!;
      now = Math.max(now, t.at);
      t.fn();
    }
    now = end;
  };
  return { manager, pod, runs, synced, failures, advance, setAnswer: (f: typeof answer) => (answer = f), queue };
}

const exec = (name: string, periodSeconds: number, extra: object = {}) => ({ exec: { command: [name] }, periodSeconds, ...extra });
const running = (pod: Pod, id = 'app-id'): ObservedPod => observed([observedOf(pod, 'app', 'running', { id })]);

describe('ProberManager', () => {
  it('given a running container with a readiness probe, runs it at once and then every periodSeconds, without any sync', async () => {
    const t = setup(container('app', { readinessProbe: exec('ready', 5) }));
    t.manager.update(t.pod, running(t.pod));
    await t.advance(16_000);
    expect(t.runs).toEqual(['0s ready', '5s ready', '10s ready', '15s ready']);
  });

  it('given a readiness probe that succeeds, asks for one sync when Ready flips and none while it stays', async () => {
    const t = setup(container('app', { readinessProbe: exec('ready', 5) }));
    t.manager.update(t.pod, running(t.pod));
    expect(t.manager.statuses('uid-1', running(t.pod))).toEqual({ 'app-id': { started: true, ready: false } });
    await t.advance(20_000);
    expect(t.synced).toEqual(['uid-1']);
    expect(t.manager.statuses('uid-1', running(t.pod))).toEqual({ 'app-id': { started: true, ready: true } });
  });

  it('given a liveness probe failing failureThreshold times, reports the failure for a restart and stops probing that instance', async () => {
    const t = setup(container('app', { livenessProbe: exec('alive', 1, { failureThreshold: 3 }) }));
    t.setAnswer(() => 'failure');
    t.manager.update(t.pod, running(t.pod));
    await t.advance(10_000);
    expect(t.runs).toEqual(['0s alive', '1s alive', '2s alive']);
    expect(t.failures).toEqual(['app liveness: alive said no', 'app liveness: alive said no', 'app liveness: alive said no']);
    expect(t.synced).toEqual(['uid-1 restart']);
    expect(t.manager.verdicts('uid-1')).toEqual({ 'app-id': { failed: 'liveness', started: true } });
  });

  it('given a startup probe, runs liveness only once startup has succeeded', async () => {
    const t = setup(container('app', { startupProbe: exec('startup', 2), livenessProbe: exec('alive', 10) }));
    t.setAnswer((type) => (type === 'startup' && t.runs.length < 2 ? 'failure' : 'success'));
    t.manager.update(t.pod, running(t.pod));
    await t.advance(12_000);
    expect(t.runs).toEqual(['0s startup', '2s startup', '2s alive', '12s alive']);
  });

  it('given a container that is no longer running, stops its probes and forgets it', async () => {
    const t = setup(container('app', { readinessProbe: exec('ready', 5) }));
    t.manager.update(t.pod, running(t.pod));
    await t.advance(1_000);
    t.manager.update(t.pod, observed([observedOf(t.pod, 'app', 'exited', { id: 'app-id' })]));
    await t.advance(20_000);
    expect(t.runs).toEqual(['0s ready']);
    expect(t.manager.size).toBe(0);
    expect(t.queue).toEqual([]);
  });

  it('given a restarted container, probes the new instance from its own start with fresh state', async () => {
    const t = setup(container('app', { readinessProbe: exec('ready', 5) }));
    t.manager.update(t.pod, running(t.pod));
    await t.advance(6_000);
    t.manager.update(t.pod, observed([observedOf(t.pod, 'app', 'running', { id: 'app-2', startedAt: T0 + 8_000 })]));
    expect(t.manager.statuses('uid-1', observed([observedOf(t.pod, 'app', 'running', { id: 'app-2' })]))).toEqual({ 'app-2': { started: true, ready: false } });
    await t.advance(3_000);
    expect(t.runs).toEqual(['0s ready', '5s ready', '8s ready']);
  });

  it('given an agent that restarted and finds a container its pod status reports ready, keeps it ready while the probe confirms it', async () => {
    const t = setup(container('app', { readinessProbe: exec('ready', 5) }));
    const pod: Pod = { ...t.pod, status: { containerStatuses: [{ name: 'app', containerID: 'docker://app-id', ready: true, started: true, restartCount: 0, image: 'busybox', imageID: '' }] } as Pod['status'] };
    t.manager.update(pod, running(pod));
    expect(t.manager.statuses('uid-1', running(pod))).toEqual({ 'app-id': { started: true, ready: true } });
    await t.advance(1_000);
    expect(t.runs).toEqual(['0s ready']);
    expect(t.synced).toEqual([]);
  });

  it('given a pod without probes, arms nothing', async () => {
    const t = setup(container('app'));
    t.manager.update(t.pod, running(t.pod));
    expect(t.queue).toEqual([]);
    expect(t.manager.size).toBe(0);
  });
});
