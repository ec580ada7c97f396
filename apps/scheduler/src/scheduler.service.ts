import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { EventLog } from '@keelson/eventlog';
import { ApiClient, Informer, LeaderElector, type InformerEvent } from '@keelson/informer';
import type { KubeObject } from '@keelson/apimachinery';
import { Scheduler, schedulerPodView } from '@keelson/scheduler';
import { readSchedulingPolicy, type SchedulerAppConfig } from './config';

// Wiring only: informers feed the Scheduler's informer path on every replica (so a new leader
// starts warm); the lease decides which replica runs the scheduling loop.

export const CONFIG = Symbol('SchedulerAppConfig');
export const LEASE_NAME = 'kube-scheduler';

/** [group, plural, handler name], in start-up order: what pods need to be judged comes first. */
const RESOURCES = [
  ['scheduling.k8s.io', 'priorityclasses', 'onPriorityClass'],
  ['', 'namespaces', 'onNamespace'],
  ['', 'nodes', 'onNode'],
  ['', 'persistentvolumes', 'onPv'],
  ['', 'persistentvolumeclaims', 'onPvc'],
  ['storage.k8s.io', 'storageclasses', 'onStorageClass'],
  ['policy', 'poddisruptionbudgets', 'onPdb'],
] as const;

@Injectable()
export class SchedulerService implements OnApplicationBootstrap, OnApplicationShutdown {
  scheduler?: Scheduler;
  private log?: EventLog;
  private client?: ApiClient;
  private elector?: LeaderElector;
  private readonly informers: Informer[] = [];
  private timer?: NodeJS.Timeout;

  constructor(@Inject(CONFIG) private readonly config: SchedulerAppConfig) {}

  get isLeader(): boolean {
    return this.elector?.isLeader ?? false;
  }

  async onApplicationBootstrap(): Promise<void> {
    const c = this.config;
    const { profiles } = readSchedulingPolicy(c);
    this.log = await EventLog.connect({ servers: c.natsUrl, stream: c.stream, prefix: c.subjectPrefix, name: `scheduler ${c.identity}` });
    // batch: a slice's binds (and Events) leave in one internal-API message
    this.client = await ApiClient.connect(c.natsUrl, 'system:kube-scheduler', { batch: true });
    const scheduler = (this.scheduler = new Scheduler({ profiles, client: this.client, reportingInstance: c.identity, maxBindsInFlight: c.maxBindsInFlight, eventsQps: c.eventsQps, eventsBurst: c.eventsBurst }));
    const path = scheduler.informers;
    const watch = async (group: string, plural: string, handler: (e: InformerEvent) => void, transform?: (o: KubeObject) => KubeObject) => {
      // the scheduler never reads managedFields, a good part of every object it keeps (client-go's TransformStripManagedFields)
      const informer = new Informer(this.log!, group, plural, undefined, { stripManagedFields: true, transform }).on(handler);
      this.informers.push(informer);
      await informer.start();
      return informer;
    };
    const others = await Promise.all(RESOURCES.map(([group, plural, handler]) => watch(group, plural, path[handler])));
    await Promise.all(others.map((i) => i.synced));
    // pods: only the fields the scheduler reads (it holds every pod of the cluster; see pod-fields.ts)
    await (await watch('', 'pods', path.onPod, schedulerPodView)).synced;
    this.timer = setInterval(() => scheduler.tick(), 1000);
    this.elector = new LeaderElector(this.log.nc, { name: LEASE_NAME, identity: c.identity, leaseMs: c.leaseMs, renewMs: c.renewMs }, {
      onStartedLeading: () => {
        console.log(`scheduler ${c.identity}: leading; scheduling for ${profiles.map((p) => p.name).join(', ')}`);
        scheduler.start();
      },
      onStoppedLeading: () => {
        console.log(`scheduler ${c.identity}: lost the lease; scheduling stops`);
        void scheduler.stop();
      },
    });
    await this.elector.start();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.elector?.stop();
    await this.scheduler?.stop();
    await this.scheduler?.drain().catch(() => undefined);
    await Promise.all(this.informers.map((i) => i.stop()));
    await this.client?.close().catch(() => undefined);
    await this.log?.close();
  }
}
