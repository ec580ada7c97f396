import { firstPendingIndexes, formatIndexes, parseIndexes, succeededIndexes, totalIndexes, withIndexes } from './indexes';
import { generateNameWithIndex } from './pods';
import { reconcileJob } from './reconcile';
import { ago, job, jobPod, NOW, showAll, statusOf } from './testing';

describe('Indexed Jobs', () => {
  it.each`
    indexes                  | text
    ${[]}                    | ${''}
    ${[0]}                   | ${'0'}
    ${[1, 3, 4, 5]}          | ${'1,3-5'}
    ${[5, 1, 4, 3, 7, 8]}    | ${'1,3-5,7-8'}
  `('given succeeded indexes $indexes, when written to status, then completedIndexes is "$text"', ({ indexes, text }) => {
    const intervals = withIndexes([], indexes);
    expect(formatIndexes(intervals)).toBe(text);
    expect(totalIndexes(intervals)).toBe(new Set(indexes).size);
  });

  it.each`
    text            | completions | back
    ${'1,3-5'}      | ${10}       | ${'1,3-5'}
    ${'1,3-5'}      | ${4}        | ${'1,3'}
    ${'x,2,,7-6'}   | ${10}       | ${'2'}
  `('given completedIndexes "$text" and completions $completions, when read back, then "$back"', ({ text, completions, back }) => {
    expect(formatIndexes(parseIndexes(text, completions))).toBe(back);
  });

  it('given indexes 0 and 2 done and index 1 running, when 3 more are wanted, then indexes 3, 4, 5 are next', () => {
    const succeeded = succeededIndexes('0', [jobPod('s2', { phase: 'Succeeded', index: 2 })], 8);
    expect(firstPendingIndexes(succeeded, [jobPod('r1', { index: 1 })], 3, 8)).toEqual([3, 4, 5]);
  });

  it('given a long Job name, when an indexed pod name is generated, then it fits the 58 characters generateName allows', () => {
    expect(generateNameWithIndex('a'.repeat(60), 12)).toBe(`${'a'.repeat(54)}-12-`);
    expect(generateNameWithIndex('pi', 3)).toBe('pi-3-');
  });

  it('given a new Indexed Job, when reconciled, then each pod gets its index as annotation, label, hostname and JOB_COMPLETION_INDEX', () => {
    const actions = reconcileJob(job('pi', { completions: 3, parallelism: 2, completionMode: 'Indexed' }), { pods: [] }, NOW);
    expect(showAll(actions)).toEqual(['createPod pi-0- index=0 batch=0', 'createPod pi-1- index=1 batch=1', 'updateStatus Job pi']);
    const pod = actions[1].type === 'createPod' ? actions[1].pod : undefined;
    expect(pod?.metadata.labels?.['batch.kubernetes.io/job-completion-index']).toBe('1');
    expect(pod?.spec).toMatchObject({
      hostname: 'pi-1',
      containers: [{ env: [{ name: 'JOB_COMPLETION_INDEX', valueFrom: { fieldRef: { fieldPath: "metadata.annotations['batch.kubernetes.io/job-completion-index']" } } }] }],
    });
  });

  it('given indexes succeeded out of order, when reconciled, then completedIndexes is compressed and the missing index is run', () => {
    const pods = [0, 2, 3].map((i) => jobPod(`s${i}`, { phase: 'Succeeded', index: i, finished: 10 }));
    const actions = reconcileJob(job('pi', { completions: 4, parallelism: 2, completionMode: 'Indexed' }, { startTime: ago(60) }), { pods }, NOW);
    expect(showAll(actions)).toEqual(['createPod pi-1- index=1 batch=0', 'updateStatus Job pi']);
    expect(statusOf(actions)).toMatchObject({ succeeded: 3, completedIndexes: '0,2-3', active: 1 });
  });

  it('given two pods running the same index, when reconciled, then the less valuable one is deleted and nothing is created in the same sync', () => {
    const pods = [jobPod('old', { index: 0, created: 600 }), jobPod('dup', { index: 0, created: 10, ready: false })];
    const actions = reconcileJob(job('pi', { completions: 2, parallelism: 2, completionMode: 'Indexed' }, { startTime: ago(60) }), { pods }, NOW);
    expect(showAll(actions)).toEqual(['deletePod dup', 'updateStatus Job pi']);
  });

  it('given every index recorded in completedIndexes though the pods are gone, when reconciled, then the Job completes without rerunning them', () => {
    const actions = reconcileJob(job('pi', { completions: 3, completionMode: 'Indexed', parallelism: 3 }, { startTime: ago(60), completedIndexes: '0-2', succeeded: 3 }), { pods: [] }, NOW);
    expect(showAll(actions)).toEqual(['updateStatus Job pi', 'event Normal Completed']);
  });
});
