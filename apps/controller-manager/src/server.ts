import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import type { ControllerManager } from '@keelson/controllers';
import { ControllerManagerModule } from './app.module';
import type { ControllerManagerAppConfig } from './config';
import { ControllerManagerService } from './controller-manager.service';

export interface RunningControllerManager {
  app: INestApplicationContext;
  manager: ControllerManager;
  readonly isLeader: boolean;
  close(): Promise<void>;
}

/** Starts a controller-manager replica: informers synced, then campaigning for the kube-controller-manager lease. No HTTP. */
export async function startControllerManager(config: ControllerManagerAppConfig): Promise<RunningControllerManager> {
  const app = await NestFactory.createApplicationContext(ControllerManagerModule.forConfig(config), { logger: ['error', 'warn'], abortOnError: false });
  await app.init();
  const service = app.get(ControllerManagerService);
  return {
    app,
    manager: service.manager!,
    get isLeader() {
      return service.isLeader;
    },
    close: () => app.close(),
  };
}
