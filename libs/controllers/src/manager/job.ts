import type { KubeObject } from '@keelson/apimachinery';
import type { InformerEvent } from '@keelson/informer';
import { selects } from '../common/selectors';
import type { Pod } from '../common/types';
import { reconcileJob } from '../job/reconcile';
import { reconcileJobTTL } from '../job/ttl';
import { JOB_CONTROLLER_UID, type Job } from '../job/types';
import { keyOfObject, splitKey } from './client';
import type { SyncResult } from './controller';
import { executeControllerActions } from './execute';
import { Expectations } from './expectations';
import type { IndexedInformer } from './informers';
import { onOwnedPod, onOwner, ownerKey } from './owned-pods';
import { causeOf, ControllerShell, type ShellContext } from './shell';

// The Job shell (job_controller.go's handlers) with ttlafterfinished folded in: a Job is
// queued when it changes, when one of its pods changes, or when an orphan it selects appears.
// Pod creates/deletes are guarded by expectations; a finished Job with a TTL is deleted (its
// pods with it, by the garbage collector) once the TTL has passed.

export class JobController extends ControllerShell {
  readonly name = 'job';
  override readonly workers = 3;
  readonly expectations: Expectations;
  private readonly jobs: IndexedInformer;
  private readonly pods: IndexedInformer;

  constructor(ctx: ShellContext) {
    super(ctx);
    this.expectations = new Expectations(ctx.now);
    this.jobs = ctx.informers.for('batch', 'jobs');
    this.pods = ctx.informers.for('', 'pods');
    this.jobs.on(onOwner(this.expectations, this.enqueue));
    this.pods.on((e) => this.onPod(e));
  }

  keys(): string[] {
    return this.jobs.list().map(keyOfObject);
  }

  private onPod(e: InformerEvent): void {
    if (ownerKey(e, 'Job') || ownerKey(e, 'Job', 'old')) return onOwnedPod(e, 'Job', this.expectations, this.enqueue);
    if (e.type === 'delete' || (e.object.metadata.ownerReferences ?? []).some((r) => r.controller)) return;
    for (const job of this.jobs.inNamespace(e.object.metadata.namespace ?? '')) {
      const selector = (job as Job).spec.selector ?? { matchLabels: { [JOB_CONTROLLER_UID]: job.metadata.uid ?? '' } };
      if (selects(selector, e.object.metadata.labels)) this.enqueue(keyOfObject(job), e.seq);
    }
  }

  async sync(key: string, queuedCause: number | undefined): Promise<SyncResult | void> {
    const job = this.jobs.get(key) as Job | undefined;
    if (!job) return void this.expectations.delete(key);
    const { namespace } = splitKey(key);
    const now = this.now;
    const actions = [
      ...reconcileJob(job, { pods: this.pods.inNamespace(namespace) as Pod[], expectationsSatisfied: this.expectations.satisfied(key) }, now),
      ...reconcileJobTTL(job, now),
    ];
    this.expectations.expectPodWrites(key, actions);
    return executeControllerActions(actions, {
      write: this.writes(causeOf(queuedCause, job)),
      current: { Job: job as KubeObject },
      onNotApplied: (rest) => this.expectations.lowerPodWrites(key, rest),
      podOwner: { kind: 'Job', namespace, name: job.metadata.name ?? '', uid: job.metadata.uid },
    });
  }
}
