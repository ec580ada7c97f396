import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
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
  const app = await NestFactory.createApplicationContext(SchedulerModule.forConfig(config), { logger: ['error', 'warn'], abortOnError: false });
  await app.init();
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
