import { reconcileJob } from './reconcile';
import { ago, job, jobPod, NOW, showAll, statusOf } from './testing';
import { JOB_CONTROLLER_UID } from './types';

describe('Job controller: parallelism and completions', () => {
  it('given a Job whose pods and status already agree, when it is reconciled, then there is nothing to do', () => {
    const pods = [jobPod('a'), jobPod('b')];
    const j = job('pi', { completions: 5, parallelism: 2 }, { startTime: ago(60), active: 2, ready: 2, terminating: 0 });
    expect(reconcileJob(j, { pods }, NOW)).toEqual([]);
  });

  it('given a finished Job, when it is reconciled, then nothing is done whatever its pods', () => {
    const j = job('pi', { completions: 1 }, { succeeded: 1, conditions: [{ type: 'Complete', status: 'True' }] });
    expect(reconcileJob(j, { pods: [] }, NOW)).toEqual([]);
  });

  it.each`
    case                                          | completions  | parallelism | succeeded | running | creates | deletes
    ${'a new Job starts parallelism pods'}        | ${5}         | ${2}        | ${0}      | ${0}    | ${2}    | ${0}
    ${'a success frees a slot'}                   | ${5}         | ${2}        | ${1}      | ${1}    | ${1}    | ${0}
    ${'never more pods than completions missing'} | ${5}         | ${2}        | ${4}      | ${1}    | ${0}    | ${0}
    ${'the last two run side by side'}            | ${5}         | ${2}        | ${3}      | ${0}    | ${2}    | ${0}
    ${'parallelism lowered: the excess goes'}     | ${5}         | ${1}        | ${0}      | ${3}    | ${0}    | ${2}
    ${'parallelism 0 pauses the Job'}             | ${5}         | ${0}        | ${0}      | ${2}    | ${0}    | ${2}
    ${'work queue starts parallelism pods'}       | ${undefined} | ${3}        | ${0}      | ${0}    | ${3}    | ${0}
    ${'work queue: after a success, no new pods'} | ${undefined} | ${3}        | ${1}      | ${1}    | ${0}    | ${0}
  `('given $case (completions $completions, parallelism $parallelism, $succeeded succeeded, $running running), when reconciled, then $creates created and $deletes deleted', ({ completions, parallelism, succeeded, running, creates, deletes }) => {
    const pods = [
      ...Array.from({ length: succeeded }, (_, i) => jobPod(`done-${i}`, { phase: 'Succeeded', finished: 30 })),
      ...Array.from({ length: running }, (_, i) => jobPod(`run-${i}`)),
    ];
    const actions = showAll(reconcileJob(job('pi', { completions, parallelism }, { startTime: ago(60) }), { pods }, NOW));
    expect(actions.filter((a) => a.startsWith('createPod'))).toHaveLength(creates);
    expect(actions.filter((a) => a.startsWith('deletePod'))).toHaveLength(deletes);
  });

  it('given completions 5 and parallelism 2 (the seed countdown), when pods succeed one by one, then never more than 2 run and the Job completes after 5', () => {
    let pods = [] as ReturnType<typeof jobPod>[];
    let j = job('pi', { completions: 5, parallelism: 2 });
    let maxActive = 0;
    let created = 0;
    for (let round = 0; round < 20 && !j.status?.conditions?.some((c) => c.type === 'Complete'); round++) {
      const actions = reconcileJob(j, { pods }, NOW);
      for (const a of actions) {
        if (a.type === 'createPod') pods.push(jobPod(`p${created++}`));
        if (a.type === 'updateStatus' && a.kind === 'Job') j = { ...j, status: a.status };
      }
      const running = pods.filter((p) => p.status?.phase === 'Running');
      maxActive = Math.max(maxActive, running.length);
      // The oldest running pod succeeds before the next sync.
      if (running[0]) pods = pods.map((p) => (p === running[0] ? jobPod(p.metadata.name as string, { phase: 'Succeeded', finished: 1 }) : p));
    }
    expect(maxActive).toBe(2);
    expect(created).toBe(5);
    expect(j.status).toMatchObject({ succeeded: 5, completionTime: '2025-01-01T12:00:00Z' });
    expect(j.status?.conditions?.map((c) => c.type)).toEqual(['SuccessCriteriaMet', 'Complete']);
  });

  it('given the last completion, when reconciled, then SuccessCriteriaMet and Complete are set with completionTime and a Completed event', () => {
    const pods = [jobPod('a', { phase: 'Succeeded', finished: 5 }), jobPod('b', { phase: 'Succeeded', finished: 1 })];
    const actions = reconcileJob(job('pi', { completions: 2, parallelism: 2 }, { startTime: ago(60), active: 1 }), { pods }, NOW);
    expect(showAll(actions)).toEqual(['updateStatus Job pi', 'event Normal Completed']);
    expect(statusOf(actions)).toEqual({
      startTime: ago(60),
      succeeded: 2,
      ready: 0,
      terminating: 0,
      completionTime: '2025-01-01T12:00:00Z',
      conditions: [
        { type: 'SuccessCriteriaMet', status: 'True', reason: 'CompletionsReached', message: 'Reached expected number of succeeded pods', lastProbeTime: ago(0), lastTransitionTime: ago(0) },
        { type: 'Complete', status: 'True', reason: 'CompletionsReached', message: 'Reached expected number of succeeded pods', lastProbeTime: ago(0), lastTransitionTime: ago(0) },
      ],
    });
  });

  it('given succeeded pods already counted, when re-synced or when a finished pod is removed by hand, then succeeded is not counted twice nor forgotten', () => {
    const three = [0, 1, 2].map((i) => jobPod(`d${i}`, { phase: 'Succeeded', finished: 30 }));
    const j = job('pi', { completions: 5, parallelism: 2 }, { startTime: ago(60), succeeded: 3, active: 2, ready: 2, terminating: 0 });
    const running = [jobPod('r0'), jobPod('r1')];
    expect(reconcileJob(j, { pods: [...three, ...running] }, NOW)).toEqual([]);
    expect(reconcileJob(j, { pods: [three[0], ...running] }, NOW)).toEqual([]);
  });

  it('given a Job without a startTime, when it is first reconciled, then startTime is now and status shows the new pods as active', () => {
    const actions = reconcileJob(job('pi', { completions: 3, parallelism: 3 }), { pods: [] }, NOW);
    expect(showAll(actions)).toEqual(['createPod pi- batch=0', 'createPod pi- batch=1', 'createPod pi- batch=1', 'updateStatus Job pi']);
    expect(statusOf(actions)).toEqual({ startTime: '2025-01-01T12:00:00Z', active: 3, ready: 0, terminating: 0 });
  });

  it('given a new pod, when it is created, then it carries the Job labels, controller ownerReference and generateName <job>-', () => {
    const [create] = reconcileJob(job('pi', {}), { pods: [] }, NOW);
    expect(create).toMatchObject({
      type: 'createPod',
      namespace: 'default',
      pod: {
        metadata: {
          generateName: 'pi-',
          namespace: 'default',
          labels: { [JOB_CONTROLLER_UID]: 'uid-pi', 'batch.kubernetes.io/job-name': 'pi', 'controller-uid': 'uid-pi', 'job-name': 'pi' },
          ownerReferences: [{ apiVersion: 'batch/v1', kind: 'Job', name: 'pi', uid: 'uid-pi', controller: true, blockOwnerDeletion: true }],
        },
        spec: { restartPolicy: 'Never' },
      },
    });
  });

  it.each`
    case                                               | pod                                                              | expected
    ${'an orphan matching the selector is adopted'}    | ${{ ...jobPod('o', { owner: null }), metadata: { ...jobPod('o', { owner: null }).metadata, labels: { [JOB_CONTROLLER_UID]: 'uid-pi' } } }} | ${'patchPod o adopt'}
    ${"another controller's pod is left alone"}        | ${jobPod('x', { owner: 'other' })}                               | ${undefined}
  `('given $case, when reconciled, then it is claimed accordingly', ({ pod, expected }) => {
    const actions = showAll(reconcileJob(job('pi', { completions: 1 }, { startTime: ago(60) }), { pods: [pod] }, NOW));
    expect(actions.find((a) => a.startsWith('patchPod'))).toBe(expected);
  });
});

describe('Job controller: expectations', () => {
  it('given pod creates not yet seen by the informer, when reconciled, then no pod is created from the stale view', () => {
    const actions = reconcileJob(job('pi', { completions: 5, parallelism: 2 }, { startTime: ago(60) }), { pods: [], expectationsSatisfied: false }, NOW);
    expect(showAll(actions)).toEqual(['updateStatus Job pi']);
  });
});
