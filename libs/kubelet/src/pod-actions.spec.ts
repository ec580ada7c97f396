import { Backoff } from './backoff';
import { computePodActions } from './pod-actions';
import { T0, container, makePod, observed, observedOf } from './testing';
import type { ObservedPod, Pod } from './types';

const noBackoff = new Backoff();
const run = (pod: Pod, obs: ObservedPod, probes = {}, backoff = noBackoff) => computePodActions(pod, obs, T0 + 60_000, backoff, probes);

describe('computePodActions: app containers', () => {
  const pod = makePod();

  it('does nothing when the sandbox is ready and every container runs its current spec', () => {
    expect(run(pod, observed([observedOf(pod, 'app', 'running')]))).toEqual([]);
  });

  it('creates the sandbox and starts the containers of a new pod', () => {
    expect(run(pod, { containers: [] })).toEqual([
      { type: 'createSandbox', attempt: 0 },
      { type: 'startContainers', names: ['app'] },
    ]);
  });

  it('kills the pod and recreates the sandbox when the sandbox is no longer ready', () => {
    const obs = observed([observedOf(pod, 'app', 'running')], { id: 'sb-1', state: 'notready' });
    expect(run(pod, obs)).toEqual([
      { type: 'killPod', reason: 'SandboxChanged', gracePeriod: 30 },
      { type: 'createSandbox', attempt: 1 },
      { type: 'startContainers', names: ['app'] },
    ]);
  });

  it('replaces a ready sandbox that never got an IP (network setup interrupted), as kubelet does', () => {
    const obs = observed([observedOf(pod, 'app', 'running')], { id: 'sb-1', state: 'ready' });
    expect(run(pod, obs)).toEqual([
      { type: 'killPod', reason: 'SandboxChanged', gracePeriod: 30 },
      { type: 'createSandbox', attempt: 1 },
      { type: 'startContainers', names: ['app'] },
    ]);
  });

  it.each([
    ['Always', 0, true],
    ['Always', 1, true],
    ['OnFailure', 0, false],
    ['OnFailure', 1, true],
    ['Never', 1, false],
  ] as const)('with restartPolicy %s an exit code %i restarts the container: %s', (restartPolicy, exitCode, restarts) => {
    const p = makePod({ restartPolicy, containers: [container('app'), container('side')] });
    const obs = observed([observedOf(p, 'app', 'exited', { exitCode }), observedOf(p, 'side', 'running')]);
    const actions = run(p, obs);
    if (restarts) expect(actions).toContainEqual({ type: 'startContainers', names: ['app'] });
    else expect(actions).toEqual([]);
  });

  it('kills the pod once no container runs and none will restart', () => {
    const p = makePod({ restartPolicy: 'Never' });
    expect(run(p, observed([observedOf(p, 'app', 'exited', { exitCode: 1 })]))).toEqual([{ type: 'killPod', reason: 'Completed', gracePeriod: 30 }]);
  });

  it('does nothing for a finished Never pod whose sandbox is already stopped', () => {
    const p = makePod({ restartPolicy: 'Never' });
    expect(run(p, observed([observedOf(p, 'app', 'exited', { exitCode: 1 })], { id: 'sb-1', state: 'notready' }))).toEqual([]);
  });

  it('does nothing for an OnFailure pod whose containers all succeeded and whose sandbox stopped', () => {
    const p = makePod({ restartPolicy: 'OnFailure' });
    expect(run(p, observed([observedOf(p, 'app', 'exited', { exitCode: 0 })], { id: 'sb-1', state: 'notready' }))).toEqual([]);
  });

  it('restarts a running container whose spec hash changed, whatever the restart policy', () => {
    const p = makePod({ restartPolicy: 'Never' });
    const obs = observed([observedOf(p, 'app', 'running', { hash: 'old' })]);
    expect(run(p, obs)).toEqual([
      { type: 'killContainer', id: 'app-id', name: 'app', reason: 'SpecChanged', message: 'Container app definition changed, will be restarted', gracePeriod: 30 },
      { type: 'startContainers', names: ['app'] },
    ]);
  });

  it('restarts a container that failed its liveness probe, with the probe grace period', () => {
    const p = makePod({ containers: [container('app', { livenessProbe: { exec: { command: ['true'] }, terminationGracePeriodSeconds: 5 } })] });
    const obs = observed([observedOf(p, 'app', 'running')]);
    expect(run(p, obs, { 'app-id': { failed: 'liveness' } })).toEqual([
      { type: 'killContainer', id: 'app-id', name: 'app', reason: 'LivenessProbe', message: 'Container app failed liveness probe, will be restarted', gracePeriod: 5 },
      { type: 'startContainers', names: ['app'] },
    ]);
  });

  it('kills a container in unknown state before starting it again', () => {
    const actions = run(pod, observed([observedOf(pod, 'app', 'unknown')]));
    expect(actions.map((a) => a.type)).toEqual(['killContainer', 'startContainers']);
  });

  it.each([
    ['a deleted pod with running containers is killed with the delete grace period', { deletionTimestamp: '2024-05-01T10:00:00Z', deletionGracePeriodSeconds: 10 }, true, [{ type: 'killPod', reason: 'Deleted', gracePeriod: 10 }]],
    ['a deleted pod with nothing left running needs nothing', { deletionTimestamp: '2024-05-01T10:00:00Z' }, false, []],
  ])('%s', (_name, meta, running, expected) => {
    const p = makePod({}, meta);
    const obs = running ? observed([observedOf(p, 'app', 'running')]) : observed([observedOf(p, 'app', 'exited')], { id: 'sb', state: 'notready' });
    expect(run(p, obs)).toEqual(expected);
  });
});

describe('computePodActions: back-off', () => {
  const pod = makePod();
  const crashed = observed([observedOf(pod, 'app', 'exited', { exitCode: 1, finishedAt: T0 + 50_000 })]);

  it('records the restart of an exited container that is not backing off', () => {
    expect(run(pod, crashed)).toEqual([
      { type: 'recordBackOff', key: 'uid-1/app', at: T0 + 50_000 },
      { type: 'startContainers', names: ['app'] },
    ]);
  });

  it('holds a crash-looping container back with CrashLoopBackOff until the delay passed', () => {
    const backoff = new Backoff();
    backoff.next('uid-1/app', T0);
    backoff.next('uid-1/app', T0 + 50_000); // second crash: 20 s
    expect(run(pod, crashed, {}, backoff)).toEqual([
      { type: 'backOff', name: 'app', reason: 'CrashLoopBackOff', message: 'back-off 20s restarting failed container=app pod=web-0_default(uid-1)', retryAt: T0 + 70_000 },
    ]);
  });

  it('holds an image that failed to pull back with ImagePullBackOff', () => {
    const backoff = new Backoff();
    backoff.next('pull/uid-1/nginx:1.25', T0 + 55_000);
    const obs: ObservedPod = { ...observed([]), startFailures: { app: { reason: 'ErrImagePull' } } };
    expect(run(pod, obs, {}, backoff)).toEqual([
      { type: 'backOff', name: 'app', reason: 'ImagePullBackOff', message: 'Back-off pulling image "nginx:1.25"', retryAt: T0 + 70_000 },
    ]);
  });
});
