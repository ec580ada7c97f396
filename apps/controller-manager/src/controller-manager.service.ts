import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { EventLog } from '@keelson/eventlog';
import { ApiClient, LeaderElector } from '@keelson/informer';
import { ControllerManager } from '@keelson/controllers';
import type { ControllerManagerAppConfig } from './config';

// Wiring only: the shared informers sync on every replica (a new leader starts warm); the
// lease decides which replica runs the controllers' workers.

export const CONFIG = Symbol('ControllerManagerAppConfig');
export const LEASE_NAME = 'kube-controller-manager';

@Injectable()
export class ControllerManagerService implements OnApplicationBootstrap, OnApplicationShutdown {
  manager?: ControllerManager;
  private log?: EventLog;
  private elector?: LeaderElector;

  constructor(@Inject(CONFIG) private readonly config: ControllerManagerAppConfig) {}

  get isLeader(): boolean {
    return this.elector?.isLeader ?? false;
  }

  async onApplicationBootstrap(): Promise<void> {
    const c = this.config;
    this.log = await EventLog.connect({ servers: c.natsUrl, stream: c.stream, prefix: c.subjectPrefix, name: `controller-manager ${c.identity}` });
    const manager = (this.manager = await ControllerManager.start({
      log: this.log,
      connect: (actor) => ApiClient.connect(c.natsUrl, actor),
      controllers: c.controllers,
      controllerOptions: { nodeLifecycle: { nodeMonitorGracePeriodSeconds: c.nodeMonitorGracePeriodSeconds, defaultTolerationSeconds: c.defaultTolerationSeconds } },
    }));
    this.elector = new LeaderElector(this.log.nc, { name: LEASE_NAME, identity: c.identity, leaseMs: c.leaseMs, renewMs: c.renewMs }, {
      onStartedLeading: () => {
        console.log(`controller-manager ${c.identity}: leading; running ${manager.shells.map((s) => s.name).join(', ')}`);
        manager.startLeading();
      },
      onStoppedLeading: () => {
        console.log(`controller-manager ${c.identity}: lost the lease; controllers stop`);
        void manager.stopLeading();
      },
    });
    await this.elector.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.elector?.stop();
    await this.manager?.stop();
    await this.log?.close();
  }
}
