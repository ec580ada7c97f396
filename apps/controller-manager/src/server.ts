import 'reflect-metadata';
import { startAppContext } from '@keelson/local';
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
  const app = await startAppContext(ControllerManagerModule.forConfig(config));
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
