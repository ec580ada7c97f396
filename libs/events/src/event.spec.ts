import { eventName, newEvent, type ObjectReference } from './event';

const T0 = Date.parse('2024-05-01T10:00:00Z');
const pod: ObjectReference = { apiVersion: 'v1', kind: 'Pod', namespace: 'shop', name: 'web-0', uid: 'uid-1' };

describe('newEvent: an Event as client-go makes it', () => {
  it.each([
    ['a kubelet container event', { ...pod, fieldPath: 'spec.containers{app}' }, { component: 'kubelet', host: 'node-1' }, { namespace: 'shop', reportingInstance: 'node-1', source: { component: 'kubelet', host: 'node-1' } }],
    ['a controller event without a host', pod, { component: 'replicaset-controller' }, { namespace: 'shop', reportingInstance: '', source: { component: 'replicaset-controller' } }],
    ['an event about a cluster-scoped object lives in "default"', { apiVersion: 'v1', kind: 'Node', name: 'node-1' }, { component: 'kubelet', host: 'node-1' }, { namespace: 'default', reportingInstance: 'node-1', source: { component: 'kubelet', host: 'node-1' } }],
  ])('%s', (_name, involved, source, want) => {
    const e = newEvent({ involved, type: 'Normal', reason: 'Started', message: 'Started container app', source, nowMs: T0, n: 0 });
    expect(e).toMatchObject({
      metadata: { namespace: want.namespace },
      involvedObject: involved,
      source: want.source,
      reportingComponent: source.component,
      reportingInstance: want.reportingInstance,
      count: 1,
      firstTimestamp: '2024-05-01T10:00:00Z',
      lastTimestamp: '2024-05-01T10:00:00Z',
    });
    expect(e.metadata.name).toMatch(new RegExp(`^${involved.name}\\.[0-9a-f]{16}$`));
  });

  it('names two events of one millisecond apart, in order', () => {
    const [a, b] = [eventName('web-0', T0, 0), eventName('web-0', T0, 1)];
    expect(a).not.toBe(b);
    expect(BigInt(`0x${b.split('.')[1]}`) - BigInt(`0x${a.split('.')[1]}`)).toBe(1n);
  });
});
