import 'reflect-metadata';
import { startAppContext } from '@keelson/local';
import type { INestApplicationContext } from '@nestjs/common';
import type { Scheduler } from '@keelson/scheduler';
import { SchedulerModule } from './app.module';
import type { SchedulerAppConfig } from './config';
import { SchedulerService } from './scheduler.service';

export interface RunningScheduler {
  app: INestApplicationContext;
  scheduler: Scheduler;
  readonly isLeader: boolean;
  close(): Promise<void>;
}

/** Starts a scheduler replica: informers synced, then campaigning for the kube-scheduler lease. No HTTP. */
export async function startScheduler(config: SchedulerAppConfig): Promise<RunningScheduler> {
  const app = await startAppContext(SchedulerModule.forConfig(config));
  const service = app.get(SchedulerService);
  return {
    app,
    scheduler: service.scheduler!,
    get isLeader() {
      return service.isLeader;
    },
    close: () => app.close(),
  };
}
