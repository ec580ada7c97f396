import { podEvents, podRef } from './pod-events';
import { container, makePod } from './testing';

const pod = makePod({ initContainers: [container('setup')], containers: [container('app')] }, { resourceVersion: '42' });

describe('podRef: what a kubelet Event is about', () => {
  it.each([
    ['the pod itself', undefined, undefined],
    ['an app container', 'app', 'spec.containers{app}'],
    ['an init container', 'setup', 'spec.initContainers{setup}'],
  ])('%s', (_what, name, fieldPath) => {
    expect(podRef(pod, name)).toEqual({ apiVersion: 'v1', kind: 'Pod', namespace: 'default', name: 'web-0', uid: 'uid-1', resourceVersion: '42', ...(fieldPath ? { fieldPath } : {}) });
  });
});

describe('podEvents: reasons and messages as the kubelet writes them', () => {
  it.each([
    [podEvents.imagePresent('app', 'busybox'), 'Normal', 'Pulled', 'Container image "busybox" already present on machine'],
    [podEvents.pullFailed('app', 'none:1', 'denied'), 'Warning', 'Failed', 'Failed to pull image "none:1": denied'],
    [podEvents.failed('app', 'ErrImagePull'), 'Warning', 'Failed', 'Error: ErrImagePull'],
    [podEvents.pullBackOff('app', 'none:1'), 'Normal', 'BackOff', 'Back-off pulling image "none:1"'],
    [podEvents.pulled('app', 'nginx', 1234), 'Normal', 'Pulled', 'Successfully pulled image "nginx" in 1.234s (1.234s including waiting)'],
    [podEvents.created('app'), 'Normal', 'Created', 'Created container: app'],
    [podEvents.started('app'), 'Normal', 'Started', 'Started container app'],
    [podEvents.killing('app'), 'Normal', 'Killing', 'Stopping container app'],
    [podEvents.killing('app', 'Container app failed liveness probe, will be restarted'), 'Normal', 'Killing', 'Container app failed liveness probe, will be restarted'],
    [podEvents.crashLoopBackOff(pod, 'app'), 'Warning', 'BackOff', 'Back-off restarting failed container app in pod web-0_default(uid-1)'],
    [podEvents.unhealthy('app', 'readiness', "cat: can't open '/tmp/ready'\n"), 'Warning', 'Unhealthy', "Readiness probe failed: cat: can't open '/tmp/ready'"],
    [podEvents.unhealthy('app', 'liveness', 'HTTP probe failed with statuscode: 500'), 'Warning', 'Unhealthy', 'Liveness probe failed: HTTP probe failed with statuscode: 500'],
    [podEvents.unhealthy('app', 'startup', 'timeout'), 'Warning', 'Unhealthy', 'Startup probe failed: timeout'],
    [podEvents.sandboxFailed('plugin type="bridge" failed'), 'Warning', 'FailedCreatePodSandBox', 'Failed to create pod sandbox: plugin type="bridge" failed'],
    [podEvents.killPodFailed('no such container'), 'Warning', 'FailedKillPod', 'error killing pod: no such container'],
  ])('%j', (event, type, reason, message) => {
    expect(event).toMatchObject({ type, reason, message });
  });
});
