import { evictedStatus, evictionCandidates, evictionMessage, parseEvictionHard, thresholdBytes } from './eviction';
import { container, makePod } from './testing';
import type { Pod, PodStatus } from './types';

const Mi = 2 ** 20;

describe('parseEvictionHard', () => {
  it.each([
    ['memory.available<100Mi', [{ signal: 'memory.available', operator: 'LessThan', quantity: '100Mi' }]],
    ['memory.available<100Mi, nodefs.available<10%', [{ signal: 'memory.available', operator: 'LessThan', quantity: '100Mi' }, { signal: 'nodefs.available', operator: 'LessThan', percentage: 10 }]],
    ['', []],
  ])('%j', (spec, expected) => expect(parseEvictionHard(spec)).toEqual(expected));

  it.each(['memory.available>100Mi', 'memory.available<lots', 'memory.available<150%'])('rejects %j', (spec) => {
    expect(() => parseEvictionHard(spec)).toThrow();
  });

  it('turns a percentage into bytes of capacity', () => {
    expect(thresholdBytes({ signal: 'memory.available', operator: 'LessThan', percentage: 10 }, 1000 * Mi)).toBe(100 * Mi);
  });
});

describe('evictionCandidates', () => {
  const pod = (name: string, resources: object, priority = 0): Pod => makePod({ priority, containers: [container('app', { resources })] }, { name });
  const a = { pod: pod('best-effort', {}), memoryUsage: 50 * Mi };
  const b = { pod: pod('over-request', { requests: { memory: '100Mi' } }), memoryUsage: 300 * Mi };
  const c = { pod: pod('under-request', { requests: { memory: '1Gi' } }), memoryUsage: 200 * Mi };
  const d = { pod: pod('guaranteed', { limits: { cpu: '1', memory: '1Gi' } }, 1000), memoryUsage: 900 * Mi };
  const names = (list: { pod: Pod }[]) => list.map((p) => p.pod.metadata?.name);

  it('evicts nothing while memory is above the threshold', () => {
    expect(evictionCandidates([a, b, c, d], 200 * Mi, 100 * Mi)).toEqual([]);
  });

  it('ranks BestEffort, then pods over their requests, then by priority and usage', () => {
    expect(names(evictionCandidates([d, c, b, a], 80 * Mi, 100 * Mi))).toEqual(['best-effort', 'over-request', 'under-request', 'guaranteed']);
  });

  it('orders pods over their requests by how far over they are', () => {
    const far = { pod: pod('far', { requests: { memory: '10Mi' } }), memoryUsage: 500 * Mi };
    expect(names(evictionCandidates([b, far], 0, 1))).toEqual(['far', 'over-request']);
  });
});

describe('evictionMessage', () => {
  it("says what ran low and which containers used more than they asked for, in the kubelet's words", () => {
    const p = makePod({ containers: [container('greedy', { resources: { requests: { memory: '10Mi' } } }), container('modest', { resources: { requests: { memory: '1Gi' } } }), container('none')] });
    expect(evictionMessage(p, '100Mi', 80 * Mi, { greedy: 120 * Mi, modest: 20 * Mi, none: 1024 })).toBe(
      'The node was low on resource: memory. Threshold quantity: 100Mi, available: 80Mi. Container greedy was using 120Mi, request is 10Mi, has larger consumption of memory. Container none was using 1Ki, request is 0, has larger consumption of memory. ',
    );
  });
});

describe('evictedStatus', () => {
  const T = Date.parse('2024-05-01T10:00:00Z');
  it('fails the pod with reason Evicted, a DisruptionTarget condition, not ready, its containers killed', () => {
    const running: PodStatus = {
      phase: 'Running',
      conditions: [{ type: 'Ready', status: 'True' }, { type: 'PodScheduled', status: 'True' }],
      containerStatuses: [{ name: 'c', image: 'busybox', imageID: 'sha256:1', containerID: 'docker://abc', ready: true, started: true, restartCount: 0, state: { running: { startedAt: '2024-05-01T09:00:00Z' } } }],
    };
    expect(evictedStatus(running, 'The node was low on resource: memory. ', T)).toEqual({
      phase: 'Failed',
      reason: 'Evicted',
      message: 'The node was low on resource: memory. ',
      conditions: [
        { type: 'Ready', status: 'False', lastTransitionTime: '2024-05-01T10:00:00Z' },
        { type: 'PodScheduled', status: 'True' },
        { type: 'DisruptionTarget', status: 'True', lastTransitionTime: '2024-05-01T10:00:00Z', reason: 'TerminationByKubelet', message: 'The node was low on resource: memory. ' },
      ],
      containerStatuses: [{ name: 'c', image: 'busybox', imageID: 'sha256:1', containerID: 'docker://abc', ready: false, started: false, restartCount: 0, state: { terminated: { exitCode: 137, reason: 'Error', startedAt: '2024-05-01T09:00:00Z', finishedAt: '2024-05-01T10:00:00Z', containerID: 'docker://abc' } } }],
    });
  });
});
