import { Module, type DynamicModule } from '@nestjs/common';
import type { SchedulerAppConfig } from './config';
import { CONFIG, SchedulerService } from './scheduler.service';

@Module({})
export class SchedulerModule {
  static forConfig(config: SchedulerAppConfig): DynamicModule {
    return { module: SchedulerModule, providers: [{ provide: CONFIG, useValue: config }, SchedulerService] };
  }
}
