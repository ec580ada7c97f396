import { showAll } from '../job/testing';
import { ago, NOW } from '../job/testing';
import { BatchAction } from '../job/actions';
import { reconcileCronJob } from './reconcile';
import { activeRef, cronJob, ownedJob } from './testing';

const statusOf = (actions: readonly BatchAction[]) => actions.flatMap((a) => (a.type === 'updateStatus' && a.kind === 'CronJob' ? [a.status] : []))[0];
const lastMinute = ago(0); // NOW is 12:00:00, a minute boundary

describe('CronJob controller', () => {
  it('given the Job for the latest minute exists and is in status, when reconciled, then there is nothing to do but wait for the next minute', () => {
    const j = ownedJob({ scheduled: 0 });
    const cj = cronJob({}, { active: [activeRef(j)], lastScheduleTime: lastMinute });
    expect(showAll(reconcileCronJob(cj, { jobs: [j] }, NOW))).toEqual(['requeueAfter 60.1']);
  });

  it('given the seed CronJob (*/1), when each minute comes, then it makes one Job per minute named for that minute', () => {
    let cj = cronJob({}, undefined, { created: 90 });
    const names: string[] = [];
    for (let minute = 0; minute < 3; minute++) {
      const now = new Date(NOW.getTime() + minute * 60_000 + 100);
      const actions = reconcileCronJob(cj, { jobs: [] }, now);
      for (const a of actions) if (a.type === 'createJob') names.push(a.job.metadata.name as string);
      cj = { ...cj, status: statusOf(actions) ?? cj.status };
      // A second look within the same minute starts nothing more.
      expect(reconcileCronJob(cj, { jobs: [] }, new Date(now.getTime() + 5000)).filter((a) => a.type === 'createJob')).toEqual([]);
    }
    expect(names).toEqual(['hello-28928880', 'hello-28928881', 'hello-28928882']);
  });

  it('given a due time, when the Job is created, then it is the template with owner, scheduled-timestamp annotation and lastScheduleTime recorded', () => {
    const cj = cronJob({ jobTemplate: { metadata: { labels: { app: 'hello' } }, spec: { backoffLimit: 2, template: {} } } }, { lastScheduleTime: ago(60) });
    const actions = reconcileCronJob(cj, { jobs: [] }, NOW);
    expect(showAll(actions)).toEqual(['createJob hello-28928880', 'event Normal SuccessfulCreate', 'updateStatus CronJob hello', 'requeueAfter 60.1']);
    expect(actions[0]).toMatchObject({
      namespace: 'default',
      job: {
        metadata: {
          labels: { app: 'hello' },
          annotations: { 'batch.kubernetes.io/cronjob-scheduled-timestamp': '2025-01-01T12:00:00Z' },
          ownerReferences: [{ apiVersion: 'batch/v1', kind: 'CronJob', name: 'hello', uid: 'uid-hello', controller: true, blockOwnerDeletion: true }],
        },
        spec: { backoffLimit: 2 },
      },
    });
    expect(statusOf(actions)).toEqual({ lastScheduleTime: '2025-01-01T12:00:00Z' });
  });

  it.each`
    policy       | expected
    ${'Allow'}   | ${['createJob hello-28928880', 'event Normal SuccessfulCreate', 'updateStatus CronJob hello', 'requeueAfter 60.1']}
    ${'Forbid'}  | ${['event Normal JobAlreadyActive', 'requeueAfter 60.1']}
    ${'Replace'} | ${['deleteJob hello-28928879 Background', 'event Normal SuccessfulDelete', 'createJob hello-28928880', 'event Normal SuccessfulCreate', 'updateStatus CronJob hello', 'requeueAfter 60.1']}
  `('given the previous Job still running and concurrencyPolicy $policy, when the next minute comes, then $expected', ({ policy, expected }) => {
    const running = ownedJob({ scheduled: 60 });
    const cj = cronJob({ concurrencyPolicy: policy }, { active: [activeRef(running)], lastScheduleTime: ago(60) });
    expect(showAll(reconcileCronJob(cj, { jobs: [running] }, NOW))).toEqual(expected);
  });

  it('given a suspended CronJob, when a time is due, then no Job is created and no requeue is asked', () => {
    expect(reconcileCronJob(cronJob({ suspend: true }, { lastScheduleTime: ago(60) }), { jobs: [] }, NOW)).toEqual([]);
  });

  it.each`
    case                                               | deadline     | lastRun  | expected
    ${'restart after 3 h: one catch-up run only'}       | ${undefined} | ${10800} | ${['createJob hello-28928880', 'event Normal SuccessfulCreate', 'updateStatus CronJob hello', 'requeueAfter 60.1']}
    ${'restart after 3 h: more than 100 missed warned'} | ${undefined} | ${10800} | ${['event Warning TooManyMissedTimes']}
    ${'startingDeadlineSeconds 200 still allows it'}    | ${200}       | ${10800} | ${['createJob hello-28928880', 'event Normal SuccessfulCreate', 'updateStatus CronJob hello', 'requeueAfter 60.1']}
  `('given $case, when reconciled at a minute boundary, then $expected', ({ case: c, deadline, lastRun, expected }) => {
    const actions = showAll(reconcileCronJob(cronJob({ startingDeadlineSeconds: deadline }, { lastScheduleTime: ago(lastRun) }), { jobs: [] }, NOW));
    if (String(c).includes('warned')) expect(actions).toEqual(expect.arrayContaining(expected));
    else expect(actions.filter((a) => !a.includes('TooManyMissedTimes'))).toEqual(expected);
  });

  it('given startingDeadlineSeconds 10 and a due time 30 s ago, when reconciled, then the run is skipped', () => {
    const now = new Date(NOW.getTime() + 30_000);
    const actions = showAll(reconcileCronJob(cronJob({ startingDeadlineSeconds: 10 }, { lastScheduleTime: ago(60) }), { jobs: [] }, now));
    expect(actions).toEqual(['requeueAfter 30.1']);
  });

  it('given active Jobs that finished or vanished, when reconciled, then they leave status.active and lastSuccessfulTime follows the newest completion', () => {
    const done = ownedJob({ scheduled: 120, finished: 'Complete' });
    const gone = ownedJob({ scheduled: 60 });
    const cj = cronJob({}, { active: [activeRef(done), activeRef(gone)], lastScheduleTime: lastMinute });
    const actions = reconcileCronJob(cj, { jobs: [done] }, NOW);
    expect(showAll(actions)).toEqual(['event Normal SawCompletedJob', 'event Normal MissingJob', 'updateStatus CronJob hello', 'requeueAfter 60.1']);
    expect(statusOf(actions)).toEqual({ lastScheduleTime: lastMinute, lastSuccessfulTime: ago(110) });
  });

  it('given the Job just created is seen before status.active lists it, when reconciled, then it joins status.active without an UnexpectedJob warning', () => {
    const j = ownedJob({ scheduled: 0 });
    const actions = reconcileCronJob(cronJob({}, { lastScheduleTime: ago(60) }), { jobs: [j] }, NOW);
    expect(showAll(actions)).toEqual(['updateStatus CronJob hello', 'requeueAfter 60.1']);
    expect(statusOf(actions)).toMatchObject({ active: [activeRef(j)], lastScheduleTime: lastMinute });
  });

  it.each`
    limits                                                        | finished                                       | deleted
    ${{ successfulJobsHistoryLimit: 3, failedJobsHistoryLimit: 1 }} | ${['Complete', 'Complete', 'Complete', 'Complete', 'Complete']} | ${['hello-28928875', 'hello-28928876']}
    ${{}}                                                          | ${['Failed', 'Failed', 'Complete']}            | ${['hello-28928875']}
    ${{ successfulJobsHistoryLimit: 0, failedJobsHistoryLimit: 5 }} | ${['Failed', 'Complete']}                      | ${['hello-28928876']}
  `('given finished Jobs $finished and limits $limits, when reconciled, then the oldest over the limit are deleted: $deleted', ({ limits, finished, deleted }) => {
    const jobs = (finished as ('Complete' | 'Failed')[]).map((f, i) => ownedJob({ scheduled: 300 - 60 * i, finished: f }));
    const actions = reconcileCronJob(cronJob(limits, { lastScheduleTime: lastMinute }), { jobs }, NOW);
    expect(actions.flatMap((a) => (a.type === 'deleteJob' ? [a.key.name] : []))).toEqual(deleted);
  });

  it.each`
    case                       | spec                                   | reason
    ${'a CRON_TZ prefix'}      | ${{ schedule: 'CRON_TZ=UTC * * * * *' }} | ${'UnsupportedSchedule'}
    ${'a bad schedule'}        | ${{ schedule: 'every minute' }}        | ${'UnparseableSchedule'}
    ${'an unknown timeZone'}   | ${{ timeZone: 'Mars/Olympus' }}        | ${'UnknownTimeZone'}
  `('given $case, when reconciled, then a $reason warning and no Job', ({ spec, reason }) => {
    expect(showAll(reconcileCronJob(cronJob(spec, { lastScheduleTime: ago(60) }), { jobs: [] }, NOW))).toEqual([`event Warning ${reason}`]);
  });

  it('given a CronJob being deleted, when reconciled, then only status is kept in line', () => {
    const done = ownedJob({ scheduled: 60, finished: 'Failed' });
    const actions = reconcileCronJob(cronJob({}, { active: [activeRef(done)], lastScheduleTime: ago(60) }, { deleting: true }), { jobs: [done] }, NOW);
    expect(showAll(actions)).toEqual(['event Normal SawCompletedJob', 'updateStatus CronJob hello']);
  });

  it("given a Job owned by another CronJob, when reconciled, then it is not ours to list", () => {
    const other = ownedJob({ scheduled: 0, owner: 'other' });
    expect(showAll(reconcileCronJob(cronJob({}, { lastScheduleTime: lastMinute }), { jobs: [other] }, NOW))).toEqual(['requeueAfter 60.1']);
  });
});
