import { Backoff } from './backoff';
import { generatePodStatus, statusChanged } from './status';
import { T0, container, makePod, observed, observedOf } from './testing';
import type { ObservedPod, Pod, PodStatus } from './types';

const NOW = T0 + 60_000;
const gen = (pod: Pod, obs: ObservedPod, old?: PodStatus, backoff = new Backoff(), probes = {}) => generatePodStatus(pod, obs, probes, backoff, NOW, old, { hostIP: '192.168.1.10' });
const cond = (s: PodStatus, type: string) => s.conditions?.find((c) => c.type === type);

describe('generatePodStatus: phase', () => {
  const pod = (restartPolicy: 'Always' | 'OnFailure' | 'Never' = 'Always', initContainers: ReturnType<typeof container>[] = []) => makePod({ restartPolicy, initContainers });
  it.each([
    ['Pending before anything was created', pod(), [], 'Pending'],
    ['Running with a running container', pod(), [['app', 'running', 0]], 'Running'],
    ['Succeeded when all exited 0 under OnFailure', pod('OnFailure'), [['app', 'exited', 0]], 'Succeeded'],
    ['Failed when one exited non-zero under Never', pod('Never'), [['app', 'exited', 2]], 'Failed'],
    ['Running under Always while containers restart', pod('Always'), [['app', 'exited', 0]], 'Running'],
    ['Pending while an init container runs', pod('Always', [container('init')]), [['init', 'running', 0]], 'Pending'],
    ['Failed when an init container failed under Never', pod('Never', [container('init')]), [['init', 'exited', 1]], 'Failed'],
  ] as const)('%s', (_name, p, cs, expected) => {
    const obs = observed(cs.map(([n, st, exitCode]) => observedOf(p, n, st, st === 'exited' ? { exitCode } : {})));
    expect(gen(p, obs).phase).toBe(expected);
  });

  it('never leaves a terminal phase', () => {
    const p = pod();
    expect(gen(p, observed([observedOf(p, 'app', 'running')]), { phase: 'Succeeded' }).phase).toBe('Succeeded');
  });
});

describe('generatePodStatus: container statuses', () => {
  const pod = makePod();

  it('shows a running container with ids, image and started/ready flags', () => {
    const obs = observed([observedOf(pod, 'app', 'running', { imageRef: 'nginx@sha256:abc', restartCount: 2 })]);
    expect(gen(pod, obs).containerStatuses).toEqual([
      { name: 'app', image: 'nginx:1.25', imageID: 'docker-pullable://nginx@sha256:abc', containerID: 'docker://app-id', ready: true, started: true, restartCount: 2, state: { running: { startedAt: '2024-05-01T10:00:00Z' } }, lastState: {} },
    ]);
  });

  it.each([
    ['a clean exit', { exitCode: 0 }, 'Completed'],
    ['a failure', { exitCode: 1 }, 'Error'],
    ['an OOM kill', { exitCode: 137, oomKilled: true }, 'OOMKilled'],
  ])('names the termination reason of %s', (_name, extra, reason) => {
    const p = makePod({ restartPolicy: 'Never' });
    const s = gen(p, observed([observedOf(p, 'app', 'exited', extra)])).containerStatuses![0];
    expect(s.state?.terminated).toMatchObject({ reason, exitCode: extra.exitCode, containerID: 'docker://app-id', finishedAt: '2024-05-01T10:00:05Z' });
  });

  it('shows CrashLoopBackOff with the last run as lastState while backing off', () => {
    const backoff = new Backoff();
    backoff.next('uid-1/app', T0 + 55_000);
    const obs = observed([observedOf(pod, 'app', 'exited', { exitCode: 1, finishedAt: T0 + 55_000, restartCount: 1 })]);
    const s = gen(pod, obs, undefined, backoff).containerStatuses![0];
    expect(s.state).toEqual({ waiting: { reason: 'CrashLoopBackOff', message: 'back-off 10s restarting failed container=app pod=web-0_default(uid-1)' } });
    expect(s.lastState?.terminated).toMatchObject({ exitCode: 1, reason: 'Error' });
  });

  it.each([
    ['ContainerCreating without init containers', makePod(), {}, 'ContainerCreating'],
    ['PodInitializing while init containers exist', makePod({ initContainers: [container('init')] }), {}, 'PodInitializing'],
    ['the start failure reason', makePod(), { app: { reason: 'ErrImagePull', message: 'not found' } }, 'ErrImagePull'],
  ] as const)('waits with %s before the first start', (_name, p, startFailures, reason) => {
    const s = gen(p, { ...observed([]), startFailures }).containerStatuses![0];
    expect(s.state?.waiting?.reason).toBe(reason);
  });

  it('keeps the previous run as lastState when a new instance replaced it', () => {
    const first = gen(pod, observed([observedOf(pod, 'app', 'exited', { id: 'one', exitCode: 1 })]));
    const second = gen(pod, observed([observedOf(pod, 'app', 'running', { id: 'two', restartCount: 1 })]), first);
    expect(second.containerStatuses![0].lastState?.terminated).toMatchObject({ exitCode: 1, containerID: 'docker://one' });
    const third = gen(pod, observed([observedOf(pod, 'app', 'running', { id: 'two', restartCount: 1 })]), second);
    expect(third.containerStatuses![0].lastState).toEqual(second.containerStatuses![0].lastState);
  });

  it('reports a container not ready until its readiness probe succeeds', () => {
    const p = makePod({ containers: [container('app', { readinessProbe: { exec: { command: ['x'] } } })] });
    const obs = observed([observedOf(p, 'app', 'running')]);
    expect(gen(p, obs).containerStatuses![0].ready).toBe(false);
    expect(gen(p, obs, undefined, new Backoff(), { 'app-id': { ready: true, started: true } }).containerStatuses![0].ready).toBe(true);
  });
});

describe('generatePodStatus: conditions and addresses', () => {
  const pod = makePod({ initContainers: [container('init')] });

  it('reports a running, ready pod with IPs, start time and QoS', () => {
    const s = gen(pod, observed([observedOf(pod, 'init', 'exited'), observedOf(pod, 'app', 'running')]));
    expect(s.conditions?.map((c) => [c.type, c.status])).toEqual([
      ['PodReadyToStartContainers', 'True'],
      ['Initialized', 'True'],
      ['Ready', 'True'],
      ['ContainersReady', 'True'],
      ['PodScheduled', 'True'],
    ]);
    expect(s).toMatchObject({ podIP: '10.244.0.5', podIPs: [{ ip: '10.244.0.5' }], hostIP: '192.168.1.10', hostIPs: [{ ip: '192.168.1.10' }], startTime: '2024-05-01T10:01:00Z', qosClass: 'BestEffort' });
  });

  it('explains incomplete initialization and unready containers', () => {
    const s = gen(pod, observed([observedOf(pod, 'init', 'running')]));
    expect(cond(s, 'Initialized')).toMatchObject({ status: 'False', reason: 'ContainersNotInitialized', message: 'containers with incomplete status: [init]' });
    expect(cond(s, 'Ready')).toMatchObject({ status: 'False', reason: 'ContainersNotReady', message: 'containers with unready status: [app]' });
  });

  it('moves lastTransitionTime only when a condition changes status', () => {
    const first = gen(pod, observed([observedOf(pod, 'init', 'running')]));
    const later = generatePodStatus(pod, observed([observedOf(pod, 'init', 'exited'), observedOf(pod, 'app', 'running')]), {}, new Backoff(), NOW + 30_000, first);
    expect(cond(later, 'PodScheduled')?.lastTransitionTime).toBe('2024-05-01T10:01:00Z');
    expect(cond(later, 'Ready')?.lastTransitionTime).toBe('2024-05-01T10:01:30Z');
  });

  it('keeps conditions written by others, and gates Ready on readiness gates', () => {
    const p = makePod({ readinessGates: [{ conditionType: 'example.com/lb' }] });
    const old: PodStatus = { conditions: [{ type: 'example.com/lb', status: 'False' }] };
    const s = gen(p, observed([observedOf(p, 'app', 'running')]), old);
    expect(cond(s, 'example.com/lb')?.status).toBe('False');
    expect(cond(s, 'ContainersReady')?.status).toBe('True');
    expect(cond(s, 'Ready')).toMatchObject({ status: 'False', reason: 'ReadinessGatesNotReady' });
  });
});

describe('statusChanged', () => {
  const pod = makePod();
  it('sees no change when the same observation is turned into a status again', () => {
    const obs = observed([observedOf(pod, 'app', 'running')]);
    const first = gen(pod, obs);
    expect(statusChanged(first, generatePodStatus(pod, obs, {}, new Backoff(), NOW + 10_000, first, { hostIP: '192.168.1.10' }))).toBe(false);
  });
  it.each([
    ['no old status', undefined, true],
    ['a different restart count', { restartCount: 1 }, true],
  ])('sees a change with %s', (_name, tweak, expected) => {
    const next = gen(pod, observed([observedOf(pod, 'app', 'running')]));
    const old = tweak ? { ...next, containerStatuses: [{ ...next.containerStatuses![0], ...tweak }] } : undefined;
    expect(statusChanged(old, next)).toBe(expected);
  });
});
