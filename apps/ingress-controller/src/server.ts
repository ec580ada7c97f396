import 'reflect-metadata';
import { startAppContext } from '@keelson/local';
import type { INestApplicationContext } from '@nestjs/common';
import { IngressControllerModule } from './app.module';
import type { IngressControllerConfig } from './config';
import { IngressControllerService } from './ingress-controller.service';

export interface RunningIngressController {
  app: INestApplicationContext;
  service: IngressControllerService;
  /** the pid of the nginx master, while it runs */
  readonly nginxPid: number | undefined;
  close(): Promise<void>;
}

/** Starts the ingress controller: informers synced, nginx running on the first configuration. No HTTP of its own. */
export async function startIngressController(config: IngressControllerConfig): Promise<RunningIngressController> {
  const app = await startAppContext(IngressControllerModule.forConfig(config));
  const service = app.get(IngressControllerService);
  return {
    app,
    service,
    get nginxPid() {
      return service.nginx?.pid;
    },
    close: () => app.close(),
  };
}
