import { reconcileJob } from './reconcile';
import { ago, job, jobPod, NOW, showAll, statusOf } from './testing';

const started = { startTime: ago(600) };

describe('Job controller: failures, backoff, deadline and suspend', () => {
  it('given more failed pods than backoffLimit, when reconciled, then running pods are deleted, FailureTarget is set and Failed waits for them to go', () => {
    const pods = [jobPod('f0', { phase: 'Failed', finished: 90 }), jobPod('f1', { phase: 'Failed', finished: 60 }), jobPod('r')];
    const actions = reconcileJob(job('pi', { completions: 3, parallelism: 1, backoffLimit: 1 }, started), { pods }, NOW);
    expect(showAll(actions)).toEqual(['deletePod r', 'updateStatus Job pi']);
    const status = statusOf(actions);
    expect(status).toMatchObject({ failed: 3, terminating: 1, ready: 0 });
    expect(status?.conditions).toEqual([expect.objectContaining({ type: 'FailureTarget', status: 'True', reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' })]);

    // The deleted pod has gone: the terminal condition follows.
    const next = reconcileJob({ ...job('pi', { completions: 3, parallelism: 1, backoffLimit: 1 }), status }, { pods: pods.slice(0, 2) }, NOW);
    expect(showAll(next)).toEqual(['updateStatus Job pi', 'event Warning BackoffLimitExceeded']);
    expect(statusOf(next)?.conditions?.map((c) => `${c.type}=${c.status} ${c.reason}`)).toEqual(['FailureTarget=True BackoffLimitExceeded', 'Failed=True BackoffLimitExceeded']);
    expect(statusOf(next)?.failed).toBe(3);
  });

  it.each`
    case                                          | restarts  | backoffLimit | fails
    ${'restarts below the limit'}                 | ${[1, 1]} | ${3}         | ${false}
    ${'restarts reaching the limit'}              | ${[2, 1]} | ${3}         | ${true}
    ${'backoffLimit 0 and a single restart'}      | ${[1, 0]} | ${0}         | ${true}
  `('given restartPolicy OnFailure and $case, when reconciled, then the Job fails: $fails', ({ restarts, backoffLimit, fails }) => {
    const pods = (restarts as number[]).map((r, i) => jobPod(`p${i}`, { restarts: r }));
    const template = { spec: { restartPolicy: 'OnFailure', containers: [{ name: 'c', image: 'busybox' }] } };
    const actions = reconcileJob(job('pi', { completions: 2, parallelism: 2, backoffLimit, template }, { ...started, active: 2, ready: 2, terminating: 0 }), { pods }, NOW);
    expect(statusOf(actions)?.conditions?.some((c) => c.type === 'FailureTarget') ?? false).toBe(fails);
  });

  it.each`
    case                                                | failedAgo          | succeededAgo | expected
    ${'one failure 4 s ago: 10 s delay'}                | ${[4]}             | ${[]}        | ${['requeueAfter 6']}
    ${'three failures, last 10 s ago: 40 s delay'}      | ${[60, 30, 10]}    | ${[]}        | ${['requeueAfter 30']}
    ${'a success after the failures resets the delay'}  | ${[20, 15]}        | ${[5]}       | ${['createPod pi- batch=0', 'updateStatus Job pi']}
    ${'the delay has passed'}                           | ${[11]}            | ${[]}        | ${['createPod pi- batch=0', 'updateStatus Job pi']}
    ${'many failures: capped at 6 minutes'}             | ${[9, 8, 7, 6, 5, 4, 3, 2, 1]} | ${[]} | ${['requeueAfter 359']}
  `('given $case, when a failed pod would be replaced, then $expected', ({ failedAgo, succeededAgo, expected }) => {
    const pods = [
      ...(failedAgo as number[]).map((s, i) => jobPod(`f${i}`, { phase: 'Failed', finished: s })),
      ...(succeededAgo as number[]).map((s, i) => jobPod(`s${i}`, { phase: 'Succeeded', finished: s })),
    ];
    const status = { ...started, failed: failedAgo.length, succeeded: succeededAgo.length, ready: 0, terminating: 0 };
    expect(showAll(reconcileJob(job('pi', { completions: 5, parallelism: 1, backoffLimit: 20 }, status), { pods }, NOW))).toEqual(expected);
  });

  it.each`
    case                              | activeDeadlineSeconds | expected
    ${'deadline passed'}              | ${600}                | ${['deletePod r', 'updateStatus Job pi']}
    ${'deadline 5 minutes from now'}  | ${900}                | ${['requeueAfter 300']}
  `('given a Job started 10 minutes ago and $case, when reconciled, then $expected', ({ activeDeadlineSeconds, expected }) => {
    const actions = reconcileJob(job('pi', { completions: 2, activeDeadlineSeconds }, { ...started, active: 1, ready: 1, terminating: 0 }), { pods: [jobPod('r')] }, NOW);
    expect(showAll(actions)).toEqual(expected);
    if (activeDeadlineSeconds === 600) expect(statusOf(actions)?.conditions?.[0]).toMatchObject({ type: 'FailureTarget', reason: 'DeadlineExceeded', message: 'Job was active longer than specified deadline' });
  });

  it('given a running Job, when it is suspended, then its active pods are deleted and Suspended=True is recorded', () => {
    const actions = reconcileJob(job('pi', { completions: 4, parallelism: 2, suspend: true }, { ...started, active: 2, ready: 2 }), { pods: [jobPod('a'), jobPod('b')] }, NOW);
    expect(showAll(actions)).toEqual(['deletePod a', 'deletePod b', 'updateStatus Job pi', 'event Normal Suspended']);
    expect(statusOf(actions)).toMatchObject({ ready: 0, terminating: 2, conditions: [{ type: 'Suspended', status: 'True', reason: 'JobSuspended' }] });
    expect(statusOf(actions)?.active).toBeUndefined();
  });

  it('given a suspended Job, when it is resumed, then Suspended=False, startTime restarts now and pods are created', () => {
    const suspended = { startTime: ago(3000), conditions: [{ type: 'Suspended', status: 'True' as const, reason: 'JobSuspended', message: 'Job suspended' }] };
    const actions = reconcileJob(job('pi', { completions: 1, suspend: false }, suspended), { pods: [] }, NOW);
    expect(showAll(actions)).toEqual(['createPod pi- batch=0', 'updateStatus Job pi', 'event Normal Resumed']);
    expect(statusOf(actions)).toMatchObject({ startTime: '2025-01-01T12:00:00Z', conditions: [{ type: 'Suspended', status: 'False', reason: 'JobResumed' }] });
  });

  it('given a Job created suspended, when reconciled, then no pod, no startTime, and Suspended=True', () => {
    const actions = reconcileJob(job('pi', { completions: 1, suspend: true }), { pods: [] }, NOW);
    expect(showAll(actions)).toEqual(['updateStatus Job pi', 'event Normal Suspended']);
    expect(statusOf(actions)?.startTime).toBeUndefined();
  });
});
