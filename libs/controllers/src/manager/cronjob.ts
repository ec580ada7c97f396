import type { KubeObject } from '@keelson/apimachinery';
import { reconcileCronJob } from '../cronjob/reconcile';
import type { CronJob, Job } from '../job/types';
import { keyOfObject, splitKey } from './client';
import type { SyncResult } from './controller';
import { executeControllerActions } from './execute';
import type { IndexedInformer } from './informers';
import { onDependent } from './owned-pods';
import { causeOf, ControllerShell, type ShellContext } from './shell';

// The CronJob shell: queued when the CronJob or one of its Jobs changes. The timer for the
// next scheduled time is the reconcile's requeueAfter, kept by the work queue.

export class CronJobController extends ControllerShell {
  readonly name = 'cronjob';
  private readonly cronJobs: IndexedInformer;
  private readonly jobs: IndexedInformer;

  constructor(ctx: ShellContext) {
    super(ctx);
    this.cronJobs = ctx.informers.for('batch', 'cronjobs');
    this.jobs = ctx.informers.for('batch', 'jobs');
    this.cronJobs.on((e) => this.enqueue(e.key, e.seq));
    this.jobs.on(onDependent('CronJob', this.enqueue));
  }

  keys(): string[] {
    return this.cronJobs.list().map(keyOfObject);
  }

  async sync(key: string, queuedCause: number | undefined): Promise<SyncResult | void> {
    const cronJob = this.cronJobs.get(key) as CronJob | undefined;
    if (!cronJob) return;
    const actions = reconcileCronJob(cronJob, { jobs: this.jobs.inNamespace(splitKey(key).namespace) as Job[] }, this.now);
    return executeControllerActions(actions, { write: this.writes(causeOf(queuedCause, cronJob)), current: { CronJob: cronJob as KubeObject } });
  }
}
