import { Backoff } from './backoff';
import { computePodActions } from './pod-actions';
import { T0, container, makePod, observed, observedOf } from './testing';
import type { ObservedContainer, Pod } from './types';

const run = (pod: Pod, cs: ObservedContainer[], probes = {}) => computePodActions(pod, observed(cs), T0 + 60_000, new Backoff(), probes);
const twoInits = (restartPolicy: 'Always' | 'OnFailure' | 'Never' = 'Always') => makePod({ restartPolicy, initContainers: [container('init-a'), container('init-b')] });

describe('computePodActions: init containers run in order', () => {
  it('creates the sandbox and starts only the first init container of a new pod', () => {
    const pod = twoInits();
    expect(computePodActions(pod, { containers: [] }, T0, new Backoff())).toEqual([{ type: 'createSandbox', attempt: 0 }, { type: 'startInit', name: 'init-a' }]);
  });

  it('starts the next init container once the previous one completed', () => {
    const pod = twoInits();
    expect(run(pod, [observedOf(pod, 'init-a', 'exited')])).toEqual([{ type: 'startInit', name: 'init-b' }]);
  });

  it('does nothing while an init container is still running', () => {
    const pod = twoInits();
    expect(run(pod, [observedOf(pod, 'init-a', 'exited'), observedOf(pod, 'init-b', 'running')])).toEqual([]);
  });

  it('starts the app containers once the last init container completed', () => {
    const pod = twoInits();
    expect(run(pod, [observedOf(pod, 'init-a', 'exited'), observedOf(pod, 'init-b', 'exited')])).toEqual([{ type: 'startContainers', names: ['app'] }]);
  });

  it('does not rerun init containers that were garbage-collected after the app started', () => {
    const pod = twoInits();
    expect(run(pod, [observedOf(pod, 'app', 'running')])).toEqual([]);
  });

  it.each([
    ['Never', [{ type: 'killPod', reason: 'InitFailed', gracePeriod: 30 }]],
    ['OnFailure', [{ type: 'recordBackOff', key: 'uid-1/init-a', at: T0 + 5_000 }, { type: 'startInit', name: 'init-a' }]],
    ['Always', [{ type: 'recordBackOff', key: 'uid-1/init-a', at: T0 + 5_000 }, { type: 'startInit', name: 'init-a' }]],
  ] as const)('a failed init container with restartPolicy %s gives %j', (policy, expected) => {
    const pod = twoInits(policy);
    expect(run(pod, [observedOf(pod, 'init-a', 'exited', { exitCode: 1 })])).toEqual(expected);
  });

  it('treats an OOM-killed init container as failed even with exit code 0', () => {
    const pod = twoInits('Never');
    expect(run(pod, [observedOf(pod, 'init-a', 'exited', { exitCode: 0, oomKilled: true })])).toEqual([{ type: 'killPod', reason: 'InitFailed', gracePeriod: 30 }]);
  });
});

describe('computePodActions: sidecar init containers (restartPolicy Always)', () => {
  const sidecarPod = (startupProbe?: object) =>
    makePod({ initContainers: [container('proxy', { restartPolicy: 'Always', ...(startupProbe ? { startupProbe } : {}) }), container('migrate')] });

  it('starts the next init container while the sidecar keeps running', () => {
    const pod = sidecarPod();
    expect(run(pod, [observedOf(pod, 'proxy', 'running')])).toEqual([{ type: 'startInit', name: 'migrate' }]);
  });

  it('waits for the sidecar startup probe before starting the next one', () => {
    const pod = sidecarPod({ exec: { command: ['true'] } });
    expect(run(pod, [observedOf(pod, 'proxy', 'running')], { 'proxy-id': { started: false } })).toEqual([]);
    expect(run(pod, [observedOf(pod, 'proxy', 'running')], { 'proxy-id': { started: true } })).toEqual([{ type: 'startInit', name: 'migrate' }]);
  });

  it('does nothing when the sidecar runs and the app containers run', () => {
    const pod = sidecarPod();
    expect(run(pod, [observedOf(pod, 'proxy', 'running'), observedOf(pod, 'migrate', 'exited'), observedOf(pod, 'app', 'running')])).toEqual([]);
  });

  it('restarts a sidecar that exited after the pod initialized', () => {
    const pod = sidecarPod();
    const actions = run(pod, [observedOf(pod, 'proxy', 'exited', { exitCode: 137 }), observedOf(pod, 'app', 'running')]);
    expect(actions).toContainEqual({ type: 'startInit', name: 'proxy' });
  });

  it('does not keep a pod alive for its sidecar once the app containers are done', () => {
    const pod = makePod({ restartPolicy: 'Never', initContainers: [container('proxy', { restartPolicy: 'Always' })] });
    const actions = run(pod, [observedOf(pod, 'proxy', 'running'), observedOf(pod, 'app', 'exited', { exitCode: 0 })]);
    expect(actions).toEqual([{ type: 'killPod', reason: 'Completed', gracePeriod: 30 }]);
  });
});
