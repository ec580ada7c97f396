import { Pod, podPrinter } from './pods';

const now = new Date('2025-01-10T12:00:00Z');
const created = '2025-01-10T11:00:00Z'; // 60m before now

const pod = (spec: Pod['spec'], status: Pod['status'], meta: Partial<Pod['metadata']> = {}): Pod => ({
  metadata: { name: 'web', namespace: 'default', creationTimestamp: created, ...meta },
  spec: { containers: [{ name: 'app', image: 'nginx' }], ...spec },
  status,
});
const running = { running: { startedAt: created } };
const ready = (name: string, extra: object = {}) => ({ name, ready: true, restartCount: 0, state: running, ...extra });

describe('pod printer', () => {
  it('has the kubectl columns, the wide ones at priority 1', () => {
    expect(podPrinter.columns.map((c) => [c.name, c.priority])).toEqual([
      ['Name', 0], ['Ready', 0], ['Status', 0], ['Restarts', 0], ['Age', 0], ['IP', 1], ['Node', 1], ['Nominated Node', 1], ['Readiness Gates', 1],
    ]);
  });

  it.each<[string, Pod, string, string, string]>([
    ['pending, not yet scheduled', pod({}, { phase: 'Pending' }), '0/1', 'Pending', '0'],
    ['running and ready', pod({}, { phase: 'Running', containerStatuses: [ready('app')] }), '1/1', 'Running', '0'],
    ['pulling its image', pod({}, { phase: 'Pending', containerStatuses: [{ name: 'app', state: { waiting: { reason: 'ContainerCreating' } } }] }), '0/1', 'ContainerCreating', '0'],
    [
      'crash looping, restarted 3 times, last 2m ago',
      pod({}, { phase: 'Running', containerStatuses: [{ name: 'app', restartCount: 3, state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { exitCode: 1, reason: 'Error', finishedAt: '2025-01-10T11:58:00Z' } } }] }),
      '0/1', 'CrashLoopBackOff', '3 (2m ago)',
    ],
    ['completed', pod({}, { phase: 'Succeeded', containerStatuses: [{ name: 'app', state: { terminated: { exitCode: 0, reason: 'Completed' } } }] }), '0/1', 'Completed', '0'],
    ['terminated without a reason, by signal', pod({}, { phase: 'Failed', containerStatuses: [{ name: 'app', state: { terminated: { exitCode: 137, signal: 9 } } }] }), '0/1', 'Signal:9', '0'],
    ['terminated without a reason, by exit code', pod({}, { phase: 'Failed', containerStatuses: [{ name: 'app', state: { terminated: { exitCode: 2 } } }] }), '0/1', 'ExitCode:2', '0'],
    [
      'one container completed while another still runs and the pod is ready',
      pod({ containers: [{ name: 'a' }, { name: 'b' }] }, { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }], containerStatuses: [{ name: 'a', state: { terminated: { exitCode: 0, reason: 'Completed' } } }, ready('b')] }),
      '1/2', 'Running', '0',
    ],
    [
      'one container completed while another still runs, pod not ready',
      pod({ containers: [{ name: 'a' }, { name: 'b' }] }, { phase: 'Running', containerStatuses: [{ name: 'a', state: { terminated: { exitCode: 0, reason: 'Completed' } } }, ready('b')] }),
      '1/2', 'NotReady', '0',
    ],
    [
      'second of two init containers running',
      pod({ initContainers: [{ name: 'i1' }, { name: 'i2' }] }, { phase: 'Pending', initContainerStatuses: [{ name: 'i1', state: { terminated: { exitCode: 0, reason: 'Completed' } } }, { name: 'i2', state: running }] }),
      '0/1', 'Init:1/2', '0',
    ],
    [
      'init container crash looping',
      pod({ initContainers: [{ name: 'i1' }] }, { phase: 'Pending', initContainerStatuses: [{ name: 'i1', restartCount: 4, state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { exitCode: 1, finishedAt: '2025-01-10T11:59:30Z' } } }] }),
      '0/1', 'Init:CrashLoopBackOff', '4 (30s ago)',
    ],
    ['init container failed', pod({ initContainers: [{ name: 'i1' }] }, { phase: 'Failed', initContainerStatuses: [{ name: 'i1', state: { terminated: { exitCode: 3, reason: 'Error' } } }] }), '0/1', 'Init:Error', '0'],
    ['init container failed without reason', pod({ initContainers: [{ name: 'i1' }] }, { phase: 'Pending', initContainerStatuses: [{ name: 'i1', state: { terminated: { exitCode: 3 } } }] }), '0/1', 'Init:ExitCode:3', '0'],
    [
      'a started sidecar counts towards READY',
      pod({ initContainers: [{ name: 'proxy', restartPolicy: 'Always' }] }, { phase: 'Running', initContainerStatuses: [{ name: 'proxy', started: true, ready: true, state: running }], containerStatuses: [ready('app')] }),
      '2/2', 'Running', '0',
    ],
    ['being deleted', pod({}, { phase: 'Running', containerStatuses: [ready('app')] }, { deletionTimestamp: '2025-01-10T11:59:00Z' }), '1/1', 'Terminating', '0'],
    ['deleted on a lost node', pod({}, { phase: 'Running', reason: 'NodeLost' }, { deletionTimestamp: '2025-01-10T11:59:00Z' }), '0/1', 'Unknown', '0'],
    ['deleted after it succeeded', pod({}, { phase: 'Succeeded' }, { deletionTimestamp: '2025-01-10T11:59:00Z' }), '0/1', 'Succeeded', '0'],
    ['evicted', pod({}, { phase: 'Failed', reason: 'Evicted' }), '0/1', 'Evicted', '0'],
    ['scheduling gated', pod({}, { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'SchedulingGated' }] }), '0/1', 'SchedulingGated', '0'],
  ])('given a pod %s, then READY %s, STATUS %s, RESTARTS %s', (_what, p, readyCell, statusCell, restartsCell) => {
    const { cells } = podPrinter.print(p, now);
    expect(cells.slice(0, 5)).toEqual(['web', readyCell, statusCell, restartsCell, '60m']);
  });

  it('given a scheduled pod with IPs and gates, then the wide cells show IP, node, nominated node and gates', () => {
    const p = pod(
      { nodeName: 'node-a', readinessGates: [{ conditionType: 'example.com/lb' }, { conditionType: 'example.com/dns' }] },
      { phase: 'Running', podIPs: [{ ip: '10.1.0.5' }, { ip: 'fd00::5' }], conditions: [{ type: 'example.com/lb', status: 'True' }] },
    );
    expect(podPrinter.print(p, now).cells.slice(5)).toEqual(['10.1.0.5', 'node-a', '<none>', '1/2']);
    expect(podPrinter.print(pod({}, { phase: 'Pending' }), now).cells.slice(5)).toEqual(['<none>', '<none>', '<none>', '<none>']);
  });

  it('given a finished pod, then the row carries the Completed condition', () => {
    expect(podPrinter.print(pod({}, { phase: 'Succeeded' }), now).conditions).toEqual([
      { type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' },
    ]);
    expect(podPrinter.print(pod({}, { phase: 'Running' }), now).conditions).toBeUndefined();
  });
});
